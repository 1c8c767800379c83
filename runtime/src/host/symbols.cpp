// symbols.cpp: kallsyms, ELF, /proc/PID/maps and ld.so.cache symbolization (see symbols.h).
//
// Example: UserSymbols::resolve(pid, 0x55d0c0001151) finds the mapping of /tmp/loop that
// covers the address, turns it into the ELF virtual address (addr - start + offset, then
// through PT_LOAD) and returns {"leaf", 24, "/tmp/loop"}.
#include "host/symbols.h"

#include "host/elf_file.h"
#include "host/process.h"
#include "host/text_file.h"

#include "btc/wildcard.h"

#include <cxxabi.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace btc::rt {

void KernelSymbols::load_text(std::string_view text) {
  syms_.clear();
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    // "ADDR TYPE NAME [module]"
    size_t s1 = line.find(' ');
    if (s1 == line.npos || s1 + 3 > line.size()) continue;
    uint64_t addr = std::strtoull(std::string(line.substr(0, s1)).c_str(), nullptr, 16);
    std::string_view rest = line.substr(s1 + 3);
    size_t end = rest.find_first_of(" \t");
    std::string name(rest.substr(0, end));
    if (addr == 0 || name.empty()) continue;
    syms_.emplace_back(addr, std::move(name));
  }
  std::stable_sort(syms_.begin(), syms_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
}

bool KernelSymbols::load_host() {
  std::string text = read_text_file("/proc/kallsyms");
  if (text.empty()) return false;
  load_text(text);
  return !syms_.empty();
}

std::optional<SymbolHit> KernelSymbols::lookup(uint64_t addr) const {
  auto it = std::upper_bound(syms_.begin(), syms_.end(), addr,
                             [](uint64_t a, const auto& s) { return a < s.first; });
  if (it == syms_.begin()) return std::nullopt;
  --it;
  return SymbolHit{it->second, addr - it->first};
}

std::string elf_build_id(const std::string& path) {
  ElfFile file(path);
  if (!file.opened()) return "";
  std::string out;
  Elf* e = file.elf();
  Elf_Scn* scn = nullptr;
  while (e && out.empty() && (scn = elf_nextscn(e, scn)) != nullptr) {
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE) continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    GElf_Nhdr nh;
    size_t off = 0, name_off = 0, desc_off = 0;
    while (data && (off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
      const char* base = static_cast<const char*>(data->d_buf);
      if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
          std::memcmp(base + name_off, "GNU", 4) != 0)
        continue;
      for (size_t i = 0; i < nh.n_descsz; ++i) {
        char hex[3];
        std::snprintf(hex, sizeof hex, "%02x", static_cast<unsigned char>(base[desc_off + i]));
        out += hex;
      }
      break;
    }
  }
  return out;
}

bool ElfSymbols::load(const std::string& path, std::string& err, bool with_objects) {
  ElfFile file(path);
  if (!file.opened()) {
    err = path + ": " + std::strerror(file.open_errno());
    return false;
  }
  if (!file.is_elf()) {
    err = path + ": not an ELF file";
    return false;
  }
  Elf* e = file.elf();
  GElf_Ehdr eh;
  if (gelf_getehdr(e, &eh)) dyn_ = eh.e_type == ET_DYN;
  segments_.read(e);
  Elf_Scn* scn = nullptr;
  while ((scn = elf_nextscn(e, scn)) != nullptr) {
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM))
      continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (!data || sh.sh_entsize == 0) continue;
    size_t n = sh.sh_size / sh.sh_entsize;
    for (size_t i = 0; i < n; ++i) {
      GElf_Sym sym;
      if (!gelf_getsym(data, static_cast<int>(i), &sym)) continue;
      int type = GELF_ST_TYPE(sym.st_info);
      bool wanted = type == STT_FUNC || type == STT_GNU_IFUNC ||
                    (with_objects && (type == STT_OBJECT || type == STT_TLS));
      if (!wanted) continue;
      if (sym.st_shndx == SHN_UNDEF || sym.st_value == 0) continue;
      const char* name = elf_strptr(e, sh.sh_link, sym.st_name);
      if (!name || !*name) continue;
      syms_.push_back({name, sym.st_value, sym.st_size});
    }
  }
  std::sort(syms_.begin(), syms_.end(), [](const ElfSymbol& a, const ElfSymbol& b) {
    return a.addr != b.addr ? a.addr < b.addr : a.name < b.name;
  });
  syms_.erase(std::unique(syms_.begin(), syms_.end(),
                          [](const ElfSymbol& a, const ElfSymbol& b) {
                            return a.addr == b.addr && a.name == b.name;
                          }),
              syms_.end());
  return true;
}

std::optional<SymbolHit> ElfSymbols::lookup(uint64_t vaddr) const {
  auto it = std::upper_bound(syms_.begin(), syms_.end(), vaddr,
                             [](uint64_t a, const ElfSymbol& s) { return a < s.addr; });
  while (it != syms_.begin()) {
    --it;
    // Prefer a sized symbol covering the address; tolerate size 0 for the nearest one.
    if (it->size == 0 || vaddr < it->addr + it->size) return SymbolHit{it->name, vaddr - it->addr};
    if (it->addr + it->size <= vaddr) {
      // Check whether an earlier, larger symbol covers the address (rare); else give up.
      auto prev = it;
      bool covered = false;
      while (prev != syms_.begin()) {
        --prev;
        if (prev->addr + prev->size > vaddr) {
          covered = true;
          it = prev;
          break;
        }
        if (it->addr - prev->addr > (1u << 20)) break;
      }
      if (covered) return SymbolHit{it->name, vaddr - it->addr};
      return std::nullopt;
    }
  }
  return std::nullopt;
}

const ElfSymbol* ElfSymbols::find(std::string_view name) const {
  for (const auto& s : syms_)
    if (s.name == name) return &s;
  return nullptr;
}

std::vector<std::string> ElfSymbols::function_names() const {
  std::vector<std::string> names;
  for (const auto& s : syms_) names.push_back(s.name);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

void ElfSegments::read(Elf* e) {
  size_t nph = 0;
  elf_getphdrnum(e, &nph);
  for (size_t i = 0; i < nph; ++i) {
    GElf_Phdr ph;
    if (gelf_getphdr(e, static_cast<int>(i), &ph) && ph.p_type == PT_LOAD)
      segments_.push_back({ph.p_vaddr, ph.p_offset, ph.p_filesz});
  }
}

std::optional<uint64_t> ElfSegments::file_offset(uint64_t vaddr) const {
  for (const auto& seg : segments_)
    if (vaddr >= seg.vaddr && vaddr < seg.vaddr + seg.filesz) return vaddr - seg.vaddr + seg.offset;
  return std::nullopt;
}

uint64_t ElfSegments::vaddr_of(uint64_t file_off) const {
  for (const auto& seg : segments_)
    if (file_off >= seg.offset && file_off < seg.offset + seg.filesz)
      return file_off - seg.offset + seg.vaddr;
  return file_off;
}

std::optional<uint64_t> ElfSymbols::file_offset(uint64_t vaddr) const {
  return segments_.file_offset(vaddr);
}

uint64_t ElfSymbols::vaddr_of(uint64_t file_off) const { return segments_.vaddr_of(file_off); }

std::vector<std::string> ElfSymbols::functions_matching(std::string_view pattern) const {
  std::vector<std::string> names;
  for (auto& name : function_names())
    if (wildcard_match(pattern, name)) names.push_back(name);
  return names;
}

std::string demangle(const std::string& name) {
  if (name.size() < 2 || name[0] != '_' || name[1] != 'Z') return name;
  const char* off = std::getenv("BPFTRACE_NO_CPP_DEMANGLE");
  if (off && std::string_view(off) == "1") return name;
  int status = 0;
  char* out = abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status);
  if (status != 0 || !out) return name;
  std::string result(out);
  std::free(out);
  return result;
}

const std::vector<UserSymbols::Mapping>& UserSymbols::maps_of(uint64_t pid) {
  auto it = maps_.find(pid);
  if (it != maps_.end()) return it->second;
  return maps_[pid] = read_maps(pid);
}

void UserSymbols::remember(uint64_t pid) {
  std::vector<Mapping> maps = read_maps(pid);
  if (!maps.empty()) maps_[pid] = std::move(maps); // an exited process keeps its last view
}

std::vector<UserSymbols::Mapping> UserSymbols::read_maps(uint64_t pid) {
  std::vector<Mapping> maps;
  std::string text = read_text_file("/proc/" + std::to_string(pid) + "/maps");
  Lines lines(text);
  for (std::string_view view; lines.next(view);) {
    std::string line(view);
    // start-end perms offset dev inode path
    Mapping m{};
    char perms[8] = {};
    unsigned long long start = 0, end = 0, off = 0;
    int consumed = 0;
    if (std::sscanf(line.c_str(), "%llx-%llx %7s %llx %*s %*s %n", &start, &end, perms, &off,
                    &consumed) < 4)
      continue;
    m.start = start;
    m.end = end;
    m.offset = off;
    if (consumed > 0 && static_cast<size_t>(consumed) < line.size()) m.path = line.substr(consumed);
    maps.push_back(std::move(m));
  }
  return maps;
}

const ElfSymbols* UserSymbols::elf(const std::string& path) {
  auto it = elfs_.find(path);
  if (it != elfs_.end()) return it->second.get();
  auto syms = std::make_unique<ElfSymbols>();
  std::string err;
  if (!syms->load(path, err)) syms.reset();
  return (elfs_[path] = std::move(syms)).get();
}

UserSymbols::Frame UserSymbols::resolve(uint64_t pid, uint64_t addr) {
  Frame f;
  for (const auto& m : maps_of(pid)) {
    if (addr < m.start || addr >= m.end) continue;
    f.path = m.path;
    if (m.path.empty() || m.path[0] != '/') return f;
    const ElfSymbols* syms = elf(m.path);
    if (!syms) return f;
    // File offset of the address, then the virtual address of that offset.
    uint64_t file_off = addr - m.start + m.offset;
    uint64_t vaddr = syms->vaddr_of(file_off);
    if (auto hit = syms->lookup(vaddr)) {
      f.found = true;
      f.sym = {demangle(hit->name), hit->offset};
    }
    return f;
  }
  return f;
}

std::string ld_cache_lookup(std::string_view cache, std::string_view name) {
  constexpr std::string_view kOldMagic = "ld.so-1.7.0";
  constexpr std::string_view kNewMagic = "glibc-ld.so.cache1.1";
  auto u32 = [&](size_t off) {
    uint32_t v = 0;
    if (off + 4 <= cache.size()) std::memcpy(&v, cache.data() + off, 4);
    return v;
  };
  size_t base = 0;
  if (cache.substr(0, kOldMagic.size()) == kOldMagic) {
    uint32_t n = u32(12); // magic[11] + pad, then nlibs at offset 12
    base = 16 + size_t{n} * 12;
    base = (base + 7) & ~size_t{7};
  }
  if (cache.substr(base, kNewMagic.size()) != kNewMagic) return "";
  uint32_t nlibs = u32(base + 20);
  constexpr size_t kHeader = 48, kEntry = 24;
  std::string want(name);
  if (want.find(".so") == std::string::npos) want += ".so";
  auto str_at = [&](uint32_t off) -> std::string_view {
    size_t abs = base + off;
    if (abs >= cache.size()) return {};
    std::string_view s = cache.substr(abs);
    return s.substr(0, s.find('\0'));
  };
  for (uint32_t i = 0; i < nlibs; ++i) {
    size_t e = base + kHeader + size_t{i} * kEntry;
    if (e + kEntry > cache.size()) break;
    int32_t flags = static_cast<int32_t>(u32(e));
    if ((flags & 0xff) != 0x03) continue; // FLAG_ELF_LIBC6
#if defined(__x86_64__)
    if ((flags & 0xff00) != 0x0300) continue; // FLAG_X8664_LIB64
#endif
    std::string_view key = str_at(u32(e + 4));
    if (key.substr(0, want.size()) != want) continue;
    return std::string(str_at(u32(e + 8)));
  }
  return "";
}

namespace {
bool is_elf_file(const std::string& path) {
  char magic[4] = {};
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool four = ::read(fd, magic, 4) == 4;
  ::close(fd);
  return four && std::memcmp(magic,
                             "\x7f"
                             "ELF",
                             4) == 0;
}
} // namespace

std::string resolve_uprobe_binary(const std::string& target, std::string& err,
                                  std::string_view kind, size_t* path_matches, int64_t pid) {
  struct stat st{};
  if (path_matches) *path_matches = 0;
  const std::string root = foreign_root(pid);
  // An absolute path names the process's file; a relative one the tool's (0.17 too).
  const std::string named = !target.empty() && target[0] == '/' ? root + target : target;
  std::string missing =
      std::string(kind) + " target file '" + named + "' does not exist or is not executable";
  if (target.find('/') != std::string::npos) {
    if (stat(named.c_str(), &st) == 0) return named;
    err = missing;
    return "";
  }
  if (!root.empty()) {
    // A command name in a container: the first ELF in the process's own $PATH.
    std::string path_env = process_env(pid, "PATH").value_or("");
    Lines dirs(path_env, ':');
    for (std::string_view view; dirs.next(view);) {
      std::string dir(view);
      std::string p = root + (dir.empty() || dir[0] != '/' ? "/" : "") + dir + "/" + target;
      if (stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && is_elf_file(p)) return p;
    }
    err = missing;
    return "";
  }
  if (target.rfind("lib", 0) == 0) {
    std::string path = ld_cache_lookup(read_text_file("/etc/ld.so.cache"), target);
    if (!path.empty()) return path;
  }
  const char* env = std::getenv("PATH");
  Lines dirs(env ? env : "/usr/local/bin:/usr/bin:/bin", ':');
  std::string first;
  for (std::string_view view; dirs.next(view);) {
    std::string dir(view);
    if (dir.empty()) continue;
    std::string p = dir + "/" + target;
    if (stat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || access(p.c_str(), X_OK) != 0 ||
        !is_elf_file(p))
      continue; // like 0.17, only ELF executables count (not scripts such as pyenv shims)
    if (first.empty()) first = p;
    if (!path_matches) break;
    ++*path_matches; // every match counts (0.17 warns when several do)
  }
  if (first.empty()) err = missing;
  return first;
}

} // namespace btc::rt
