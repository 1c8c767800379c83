// tracepoint_format.cpp: reads tracefs format files and makes sure tracefs is reachable.
//
// Input: lines such as "\tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;".
// Output: TracepointField{name "filename", c_type "char[]", offset 8, size 4, data_loc}.
#include "btf/tracepoint.h"

#include <llvm/Support/MemoryBuffer.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <sys/mount.h>
#include <unistd.h>

namespace btc::btf {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

bool parse_u32(std::string_view s, uint32_t& out) {
  s = trim(s);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Splits "const char * filename" / "char comm[16]" / "char[] filename" into its parts.
bool parse_decl(std::string_view decl, TracepointField& f) {
  decl = trim(decl);
  for (auto [prefix, flag] : {std::pair{std::string_view("__data_loc "), &f.data_loc},
                              std::pair{std::string_view("__rel_loc "), &f.rel_loc}}) {
    if (decl.starts_with(prefix)) {
      *flag = true;
      decl = trim(decl.substr(prefix.size()));
    }
  }
  if (decl.ends_with("]")) {
    size_t open = decl.rfind('[');
    if (open == std::string_view::npos)
      return false;
    std::string_view len = decl.substr(open + 1, decl.size() - open - 2);
    f.is_array = true;
    if (!trim(len).empty() && !parse_u32(len, f.array_len))
      return false;
    decl = trim(decl.substr(0, open));
  }
  size_t end = decl.size();
  size_t start = end;
  while (start > 0 && is_ident_char(decl[start - 1]))
    --start;
  if (start == end)
    return false;
  f.name = std::string(decl.substr(start));
  f.c_type = std::string(trim(decl.substr(0, start)));
  return !f.c_type.empty();
}

// Parses "field:...;\toffset:N;\tsize:N;\tsigned:N;" (signed: is absent on old kernels).
bool parse_field_line(std::string_view line, TracepointField& f) {
  while (!line.empty()) {
    size_t semi = line.find(';');
    std::string_view part = trim(line.substr(0, semi));
    line = semi == std::string_view::npos ? std::string_view() : line.substr(semi + 1);
    if (part.empty())
      continue;
    size_t colon = part.find(':');
    if (colon == std::string_view::npos)
      return false;
    std::string_view key = part.substr(0, colon), value = part.substr(colon + 1);
    uint32_t n = 0;
    if (key == "field") {
      if (!parse_decl(value, f))
        return false;
    } else if (key == "offset" && parse_u32(value, n)) {
      f.offset = n;
    } else if (key == "size" && parse_u32(value, n)) {
      f.size = n;
    } else if (key == "signed" && parse_u32(value, n)) {
      f.is_signed = n != 0;
    }
  }
  return !f.name.empty();
}

} // namespace

llvm::Expected<TracepointFormat> parse_tracepoint_format(std::string_view category,
                                                         std::string_view event,
                                                         std::string_view text) {
  TracepointFormat fmt;
  fmt.category = std::string(category);
  fmt.event = std::string(event);
  bool in_format = false;
  unsigned line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    std::string_view t = trim(line);
    if (t == "format:") {
      in_format = true;
      continue;
    }
    if (t.starts_with("print fmt:"))
      break;
    if (!in_format || !t.starts_with("field:"))
      continue;
    TracepointField f;
    if (!parse_field_line(t, f))
      return llvm::createStringError(std::errc::invalid_argument,
                                     "%s:%s format line %u: cannot parse '%s'",
                                     fmt.category.c_str(), fmt.event.c_str(), line_no,
                                     std::string(t).c_str());
    if (f.name.starts_with("common_"))
      continue;
    fmt.fields.push_back(std::move(f));
  }
  if (!in_format)
    return llvm::createStringError(std::errc::invalid_argument,
                                   "%s:%s: no 'format:' section", fmt.category.c_str(),
                                   fmt.event.c_str());
  return fmt;
}

llvm::Expected<TracepointFormat> read_tracepoint_format(std::string_view category,
                                                        std::string_view event,
                                                        const std::string& tracefs_root) {
  std::string path = tracefs_root + "/events/" + std::string(category) + "/" +
                     std::string(event) + "/format";
  // tracefs files report size 0; read them as streams.
  auto buf = llvm::MemoryBuffer::getFileAsStream(path);
  if (!buf)
    return llvm::createStringError(buf.getError(), "cannot read %s: %s", path.c_str(),
                                   buf.getError().message().c_str());
  return parse_tracepoint_format(category, event, (*buf)->getBuffer());
}

llvm::Error ensure_tracefs(std::string& root_out) {
  const char* kTracing = "/sys/kernel/tracing";
  if (access("/sys/kernel/tracing/events", F_OK) == 0) {
    root_out = kTracing;
    return llvm::Error::success();
  }
  int mount_errno = 0;
  if (mount("tracefs", kTracing, "tracefs", 0, nullptr) == 0 &&
      access("/sys/kernel/tracing/events", F_OK) == 0) {
    root_out = kTracing;
    return llvm::Error::success();
  }
  mount_errno = errno;
  if (access("/sys/kernel/debug/tracing/events", F_OK) == 0) {
    root_out = "/sys/kernel/debug/tracing";
    return llvm::Error::success();
  }
  return llvm::createStringError(std::error_code(mount_errno, std::generic_category()),
                                 "tracefs is not mounted and mounting it on %s failed: %s",
                                 kTracing, std::strerror(mount_errno));
}

} // namespace btc::btf
