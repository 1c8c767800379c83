// libbpf_log.cpp: the libbpf print callback and what error reports read from its log (see
// libbpf_log.h).
#include "host/libbpf_log.h"

#include <bpf/libbpf.h>

#include <cstdarg>
#include <cstdio>

namespace btc::rt {
namespace {

constexpr size_t kMaxCapture = 4 << 20; // verifier logs can be large; keep the start

// libbpf_set_print() takes a bare function pointer and no user data, so the callback finds
// the LibbpfLog that installed it here: set by its constructor, cleared by its destructor.
LibbpfLog* g_active = nullptr;

} // namespace

LibbpfLog::LibbpfLog(bool verbose) : verbose_(verbose) {
  g_active = this;
  previous_ = libbpf_set_print(&LibbpfLog::print);
}

LibbpfLog::~LibbpfLog() {
  libbpf_set_print(previous_);
  if (g_active == this) g_active = nullptr;
}

int LibbpfLog::print(enum libbpf_print_level level, const char* fmt, va_list args) {
  LibbpfLog* log = g_active;
  if (!log || (level == LIBBPF_DEBUG && !log->verbose_)) return 0;
  char buf[4096];
  va_list copy;
  va_copy(copy, args);
  int n = std::vsnprintf(buf, sizeof buf, fmt, copy);
  va_end(copy);
  std::string text;
  if (n >= static_cast<int>(sizeof buf)) {
    text.resize(static_cast<size_t>(n) + 1);
    std::vsnprintf(text.data(), text.size(), fmt, args);
    text.resize(static_cast<size_t>(n));
  } else if (n > 0) {
    text.assign(buf, static_cast<size_t>(n));
  }
  log->record(level, text);
  return n;
}

void LibbpfLog::record(enum libbpf_print_level, const std::string& text) {
  if (text_.size() < kMaxCapture) text_ += text;
  if (verbose_) std::fputs(text.c_str(), stderr);
}

std::string core_failure_hint(std::string_view log) {
  // libbpf: "prog 'p': relo #0: failed to resolve CO-RE relocation <byte_off> [12] struct
  // task_struct.nosuch (0:93 @ offset 1264)"
  auto at = log.find("failed to resolve CO-RE relocation");
  if (at == std::string_view::npos) return "";
  auto end = log.find('\n', at);
  std::string line(
      log.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
  for (const char* kw : {"struct ", "union ", "enum "}) {
    auto k = line.find(kw);
    if (k == std::string::npos) continue;
    auto stop = line.find(" (", k);
    std::string what = line.substr(k, stop == std::string::npos ? std::string::npos : stop - k);
    return "the running kernel has no '" + what + "' used by the script";
  }
  return "the running kernel lacks a type or field used by the script";
}

std::string verifier_reason(std::string_view log) {
  auto begin = log.rfind("-- BEGIN PROG LOAD LOG --");
  if (begin == std::string_view::npos) return "";
  auto end = log.find("-- END PROG LOAD LOG --", begin);
  std::string_view block = log.substr(begin, end == std::string_view::npos ? log.npos : end - begin);
  std::string reason;
  size_t pos = block.find('\n');
  while (pos != std::string_view::npos && pos < block.size()) {
    size_t next = block.find('\n', pos + 1);
    std::string_view line = block.substr(pos + 1, next == block.npos ? block.npos : next - pos - 1);
    pos = next;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty() || line[0] == ';' || line.starts_with("processed ") ||
        line.starts_with("verification time") || line.starts_with("stack depth") ||
        line.starts_with("func#") || line.starts_with("libbpf:") || line.starts_with("mark_precise") ||
        line.starts_with("Validating ") || line.starts_with("-- "))
      continue;
    size_t digits = 0;
    while (digits < line.size() && line[digits] >= '0' && line[digits] <= '9') ++digits;
    if (digits > 0 && digits < line.size() && line[digits] == ':') continue; // "12: (85) call"
    reason.assign(line);
  }
  // A typed ksym (percpu_kaddr) the kernel cannot place: kallsyms lists no data symbols.
  if (reason.find("failed to find the address for kernel symbol") != std::string::npos)
    reason += " (percpu_kaddr() needs the variable in /proc/kallsyms: a kernel built with "
              "CONFIG_KALLSYMS_ALL)";
  if (reason.find("cannot use helper bpf_probe_write_user") != std::string::npos)
    reason += " (write_user(): a kernel in lockdown mode refuses bpf_probe_write_user)";
  return reason;
}

std::string libbpf_log_hint(bool verbose) {
  return verbose ? " (see the libbpf log above)" : " (run with -v for the libbpf and verifier log)";
}

} // namespace btc::rt
