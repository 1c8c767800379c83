// btf_file.cpp: see btf_file.h. Record sizes follow the kernel's BTF format description
// (Documentation/bpf/btf.rst): a 12-byte struct btf_type, then per kind its trailing data.
#include "host/btf_file.h"

#include <linux/btf.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <string_view>
#include <unistd.h>
#include <unordered_set>

namespace btc::rt {
namespace {

constexpr size_t kChunk = 64 * 1024;
constexpr uint32_t kCheckpointEvery = 32;

uint16_t kind_of(const btf_type& t) {
  return static_cast<uint16_t>((t.info >> 24) & 0x1f);
}
uint16_t vlen_of(const btf_type& t) {
  return static_cast<uint16_t>(t.info & 0xffff);
}

} // namespace

size_t btf_record_size(uint16_t kind, uint16_t vlen) {
  size_t base = sizeof(btf_type);
  switch (kind) {
  case BTF_KIND_INT:
    return base + sizeof(uint32_t);
  case BTF_KIND_PTR:
  case BTF_KIND_FWD:
  case BTF_KIND_TYPEDEF:
  case BTF_KIND_VOLATILE:
  case BTF_KIND_CONST:
  case BTF_KIND_RESTRICT:
  case BTF_KIND_FUNC:
  case BTF_KIND_FLOAT:
  case BTF_KIND_TYPE_TAG:
    return base;
  case BTF_KIND_ARRAY:
    return base + sizeof(struct btf_array);
  case BTF_KIND_STRUCT:
  case BTF_KIND_UNION:
    return base + vlen * sizeof(btf_member);
  case BTF_KIND_ENUM:
    return base + vlen * sizeof(struct btf_enum);
  case BTF_KIND_FUNC_PROTO:
    return base + vlen * sizeof(btf_param);
  case BTF_KIND_VAR:
    return base + sizeof(btf_var);
  case BTF_KIND_DATASEC:
    return base + vlen * sizeof(btf_var_secinfo);
  case BTF_KIND_DECL_TAG:
    return base + sizeof(btf_decl_tag);
  case BTF_KIND_ENUM64:
    return base + vlen * sizeof(struct btf_enum64);
  default:
    return 0;
  }
}

size_t btf_essential_name_len(std::string_view name) {
  // The last "___" with a non-underscore on both sides starts a flavour suffix.
  for (size_t i = name.size() >= 5 ? name.size() - 5 + 1 : 0; i-- > 0;) {
    const char* s = name.data() + i;
    if (s[0] != '_' && s[1] == '_' && s[2] == '_' && s[3] == '_' && s[4] != '_') return i + 1;
  }
  return name.size();
}

BtfFile::BtfFile(const std::string& path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    error_ = "cannot open " + path + ": " + std::strerror(errno);
    return;
  }
  btf_header h{};
  if (!read_at(0, &h, sizeof h) || h.magic != BTF_MAGIC || h.hdr_len < sizeof h) {
    error_ = path + " is not raw BTF in this machine's byte order";
    return;
  }
  type_off_ = h.hdr_len + h.type_off;
  type_len_ = h.type_len;
  str_off_ = h.hdr_len + h.str_off;
  str_len_ = h.str_len;
}

BtfFile::~BtfFile() {
  if (fd_ >= 0) ::close(fd_);
}

bool BtfFile::read_at(uint64_t offset, void* buf, size_t size) {
  auto* p = static_cast<char*>(buf);
  while (size > 0) {
    ssize_t n = ::pread(fd_, p, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    offset += static_cast<uint64_t>(n);
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool BtfFile::scan_strings(const std::set<std::string>& names,
                           std::unordered_map<uint32_t, std::string>& offsets) {
  // Most of the ~100k strings are rejected by their length or first byte before hashing.
  std::unordered_set<std::string_view> wanted(names.begin(), names.end());
  size_t shortest = SIZE_MAX;
  bool first[256] = {};
  for (const auto& n : names) {
    shortest = std::min(shortest, n.size());
    if (!n.empty()) first[static_cast<unsigned char>(n[0])] = true;
  }
  auto consider = [&](std::string_view s, uint32_t at) {
    if (s.size() < shortest || !first[static_cast<unsigned char>(s[0])]) return;
    if (wanted.count(s.substr(0, btf_essential_name_len(s)))) offsets.emplace(at, s);
  };
  std::vector<char> buf(kChunk);
  std::string partial; // a string cut by the chunk boundary
  uint32_t partial_start = 0;
  for (uint32_t pos = 0; pos < str_len_;) {
    size_t n = std::min<size_t>(kChunk, str_len_ - pos);
    if (!read_at(uint64_t(str_off_) + pos, buf.data(), n)) return false;
    size_t i = 0;
    while (i < n) {
      const char* s = buf.data() + i;
      const void* nul = std::memchr(s, '\0', n - i);
      size_t len = nul ? static_cast<const char*>(nul) - s : n - i;
      if (!nul) { // continues in the next chunk
        if (partial.empty()) partial_start = pos + static_cast<uint32_t>(i);
        partial.append(s, len);
        break;
      }
      if (!partial.empty()) {
        partial.append(s, len);
        consider(partial, partial_start);
        partial.clear();
      } else {
        consider(std::string_view(s, len), pos + static_cast<uint32_t>(i));
      }
      i += len + 1;
    }
    pos += static_cast<uint32_t>(n);
  }
  return true;
}

bool BtfFile::find_named(const std::set<std::string>& names,
                         std::map<std::string, std::vector<std::pair<uint16_t, uint32_t>>>& found) {
  if (!ok()) return false;
  std::unordered_map<uint32_t, std::string> offsets;
  if (!scan_strings(names, offsets)) {
    error_ = "cannot read the BTF strings";
    return false;
  }
  // One pass over the types: ids of the names asked for, and the checkpoints.
  std::vector<uint8_t> buf(kChunk);
  uint32_t id = 1;
  checkpoints_.clear();
  for (uint32_t pos = 0; pos < type_len_;) {
    size_t n = std::min<size_t>(kChunk, type_len_ - pos);
    if (!read_at(uint64_t(type_off_) + pos, buf.data(), n)) {
      error_ = "cannot read the BTF types";
      return false;
    }
    size_t i = 0;
    while (i + sizeof(btf_type) <= n) {
      btf_type t;
      std::memcpy(&t, buf.data() + i, sizeof t);
      size_t size = btf_record_size(kind_of(t), vlen_of(t));
      if (size == 0) {
        error_ =
            "BTF type " + std::to_string(id) + " has unknown kind " + std::to_string(kind_of(t));
        return false;
      }
      if (i + size > n) break; // read again from this record's start
      if ((id - 1) % kCheckpointEvery == 0) checkpoints_.push_back(pos + static_cast<uint32_t>(i));
      if (t.name_off != 0)
        if (auto it = offsets.find(t.name_off); it != offsets.end()) {
          std::string key = it->second.substr(0, btf_essential_name_len(it->second));
          found[key].push_back({kind_of(t), id});
        }
      i += size;
      ++id;
    }
    if (i == 0) {
      error_ = "BTF type " + std::to_string(id) + " is cut short";
      return false;
    }
    pos += static_cast<uint32_t>(i); // the next chunk starts at the first whole record
  }
  count_ = id;
  return true;
}

std::vector<uint8_t> BtfFile::type(uint32_t id) {
  if (id == 0 || id >= count_) return {};
  uint32_t pos = checkpoints_[(id - 1) / kCheckpointEvery];
  uint32_t at = 1 + (id - 1) / kCheckpointEvery * kCheckpointEvery;
  std::vector<uint8_t> buf(std::min<size_t>(16 * 1024, type_len_ - pos));
  if (!read_at(uint64_t(type_off_) + pos, buf.data(), buf.size())) return {};
  size_t i = 0;
  for (;;) {
    if (i + sizeof(btf_type) > buf.size()) { // walk on past the buffer, one header at a time
      pos += static_cast<uint32_t>(i);
      buf.resize(std::min<size_t>(16 * 1024, type_len_ - pos));
      if (buf.size() < sizeof(btf_type) ||
          !read_at(uint64_t(type_off_) + pos, buf.data(), buf.size()))
        return {};
      i = 0;
    }
    btf_type t;
    std::memcpy(&t, buf.data() + i, sizeof t);
    size_t size = btf_record_size(kind_of(t), vlen_of(t));
    if (size == 0) return {};
    if (at == id) {
      std::vector<uint8_t> out(size);
      if (i + size <= buf.size())
        std::memcpy(out.data(), buf.data() + i, size);
      else if (!read_at(uint64_t(type_off_) + pos + i, out.data(), size))
        return {};
      return out;
    }
    i += size;
    ++at;
  }
}

std::string BtfFile::name(uint32_t offset) {
  if (offset == 0 || offset >= str_len_) return "";
  if (auto it = names_.find(offset); it != names_.end()) return it->second;
  std::string s;
  char buf[64];
  for (uint32_t pos = offset; pos < str_len_;) {
    size_t n = std::min<size_t>(sizeof buf, str_len_ - pos);
    if (!read_at(uint64_t(str_off_) + pos, buf, n)) break;
    const void* nul = std::memchr(buf, '\0', n);
    s.append(buf, nul ? static_cast<const char*>(nul) - buf : n);
    if (nul) break;
    pos += static_cast<uint32_t>(n);
  }
  names_.emplace(offset, s);
  return s;
}

} // namespace btc::rt
