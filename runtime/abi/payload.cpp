// payload.cpp: the .btc_payload section of a generated tool (btc/payload.h): written into the
// prebuilt runtime executable by the compiler, read back by the tool from /proc/self/exe.
#include "btc/payload.h"

#include <elf.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace btc::abi {
namespace {

constexpr char kMagic[8] = {'B', 'T', 'C', 'P', 'A', 'Y', 'L', '1'};
constexpr size_t kHeaderSize = sizeof kMagic + 2 * sizeof(uint64_t);
constexpr uint64_t kMaxPayload = uint64_t(1) << 30;

void put_u64(std::vector<uint8_t>& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

uint64_t get_u64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// The checks both the writer and the reader make on the ELF header.
std::string check_header(const Elf64_Ehdr& eh) {
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) return "not an ELF file";
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB)
    return "not a 64-bit little-endian ELF file";
  if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0 || eh.e_shstrndx == SHN_UNDEF ||
      eh.e_shstrndx >= eh.e_shnum)
    return "the ELF file has no usable section header table";
  return "";
}

bool name_is(const std::vector<uint8_t>& names, uint32_t at, const char* want) {
  size_t n = std::strlen(want);
  return at < names.size() && names.size() - at > n && std::memcmp(&names[at], want, n) == 0 &&
         names[at + n] == 0;
}

class Fd {
public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

private:
  int fd_;
};

bool read_at(int fd, void* buf, size_t size, uint64_t offset) {
  auto* p = static_cast<uint8_t*>(buf);
  while (size > 0) {
    ssize_t n = ::pread(fd, p, size, static_cast<off_t>(offset));
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return true;
}

} // namespace

std::vector<uint8_t> encode_payload(std::span<const uint8_t> bpf_object,
                                    std::span<const uint8_t> manifest) {
  std::vector<uint8_t> out(kMagic, kMagic + sizeof kMagic);
  out.reserve(kHeaderSize + bpf_object.size() + manifest.size());
  put_u64(out, bpf_object.size());
  put_u64(out, manifest.size());
  out.insert(out.end(), bpf_object.begin(), bpf_object.end());
  out.insert(out.end(), manifest.begin(), manifest.end());
  return out;
}

std::optional<Payload> decode_payload(std::vector<uint8_t> bytes) {
  if (bytes.size() < kHeaderSize || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    return std::nullopt;
  uint64_t bpf_size = get_u64(&bytes[8]);
  uint64_t manifest_size = get_u64(&bytes[16]);
  uint64_t room = bytes.size() - kHeaderSize;
  if (bpf_size > room || manifest_size != room - bpf_size) return std::nullopt;
  Payload p;
  p.bytes = std::move(bytes);
  p.bpf_object = std::span<const uint8_t>(p.bytes.data() + kHeaderSize, bpf_size);
  p.manifest = std::span<const uint8_t>(p.bytes.data() + kHeaderSize + bpf_size, manifest_size);
  return p;
}

std::string plan_payload_section(std::span<const uint8_t> base, std::span<const uint8_t> payload,
                                 ToolImage& out) {
  Elf64_Ehdr eh;
  if (base.size() < sizeof eh) return "not an ELF file (too short)";
  std::memcpy(&eh, base.data(), sizeof eh);
  if (std::string why = check_header(eh); !why.empty()) return why;
  if (eh.e_shnum + 1 >= SHN_LORESERVE) return "the ELF file has too many sections";
  const uint64_t table_size = uint64_t(eh.e_shnum) * sizeof(Elf64_Shdr);
  if (eh.e_shoff > base.size() || base.size() - eh.e_shoff < table_size)
    return "the section header table lies outside the file";
  std::vector<Elf64_Shdr> sh(eh.e_shnum);
  std::memcpy(sh.data(), &base[eh.e_shoff], table_size);
  Elf64_Shdr& strtab = sh[eh.e_shstrndx];
  if (strtab.sh_offset > base.size() || base.size() - strtab.sh_offset < strtab.sh_size)
    return "the section name table lies outside the file";
  std::vector<uint8_t> names(base.begin() + static_cast<ptrdiff_t>(strtab.sh_offset),
                             base.begin() +
                                 static_cast<ptrdiff_t>(strtab.sh_offset + strtab.sh_size));
  for (const Elf64_Shdr& s : sh)
    if (name_is(names, s.sh_name, kPayloadSection))
      return std::string("the file already has a ") + kPayloadSection + " section";

  // The old header table is dropped when it ends the file (lld puts it there); the old name
  // table stays where it is, unreferenced.
  out.keep = eh.e_shoff + table_size == base.size() ? eh.e_shoff : base.size();
  std::vector<uint8_t>& tail = out.tail;
  tail.clear();
  tail.reserve(payload.size() + names.size() + (sh.size() + 1) * sizeof(Elf64_Shdr) + 64);
  auto align8 = [&] { tail.resize(tail.size() + (8 - (out.keep + tail.size()) % 8) % 8, 0); };
  align8();
  Elf64_Shdr section{};
  section.sh_type = SHT_PROGBITS;
  section.sh_offset = out.keep + tail.size();
  section.sh_size = payload.size();
  section.sh_addralign = 8;
  tail.insert(tail.end(), payload.begin(), payload.end());

  section.sh_name = static_cast<uint32_t>(names.size());
  names.insert(names.end(), kPayloadSection, kPayloadSection + std::strlen(kPayloadSection) + 1);
  strtab.sh_offset = out.keep + tail.size();
  strtab.sh_size = names.size();
  tail.insert(tail.end(), names.begin(), names.end());
  sh.push_back(section);

  align8();
  eh.e_shoff = out.keep + tail.size();
  eh.e_shnum = static_cast<uint16_t>(sh.size());
  const auto* table = reinterpret_cast<const uint8_t*>(sh.data());
  tail.insert(tail.end(), table, table + sh.size() * sizeof(Elf64_Shdr));
  const auto* header = reinterpret_cast<const uint8_t*>(&eh);
  out.header.assign(header, header + sizeof eh);
  return "";
}

std::string add_payload_section(std::vector<uint8_t>& image, std::span<const uint8_t> payload) {
  ToolImage plan;
  if (std::string why = plan_payload_section(image, payload, plan); !why.empty()) return why;
  image.resize(plan.keep);
  std::copy(plan.header.begin(), plan.header.end(), image.begin());
  image.insert(image.end(), plan.tail.begin(), plan.tail.end());
  return "";
}

std::optional<Payload> read_payload(const char* path, std::string& error) {
  Fd fd(::open(path, O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    error = std::string("cannot open ") + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  Elf64_Ehdr eh;
  if (!read_at(fd.get(), &eh, sizeof eh, 0)) {
    error = "not an ELF file (too short)";
    return std::nullopt;
  }
  if (error = check_header(eh); !error.empty()) return std::nullopt;
  std::vector<Elf64_Shdr> sh(eh.e_shnum);
  if (!read_at(fd.get(), sh.data(), sh.size() * sizeof(Elf64_Shdr), eh.e_shoff)) {
    error = "the section header table lies outside the file";
    return std::nullopt;
  }
  const Elf64_Shdr& strtab = sh[eh.e_shstrndx];
  std::vector<uint8_t> names(strtab.sh_size);
  if (strtab.sh_size > kMaxPayload ||
      !read_at(fd.get(), names.data(), names.size(), strtab.sh_offset)) {
    error = "the section name table lies outside the file";
    return std::nullopt;
  }
  for (const Elf64_Shdr& s : sh) {
    if (!name_is(names, s.sh_name, kPayloadSection)) continue;
    if (s.sh_size > kMaxPayload) {
      error = std::string("the ") + kPayloadSection + " section is too large";
      return std::nullopt;
    }
    std::vector<uint8_t> bytes(s.sh_size);
    if (!read_at(fd.get(), bytes.data(), bytes.size(), s.sh_offset)) {
      error = std::string("the ") + kPayloadSection + " section lies outside the file";
      return std::nullopt;
    }
    auto payload = decode_payload(std::move(bytes));
    if (!payload) error = std::string("the ") + kPayloadSection + " section is corrupt";
    return payload;
  }
  error = std::string("no ") + kPayloadSection + " section (not a tool written by btc)";
  return std::nullopt;
}

} // namespace btc::abi
