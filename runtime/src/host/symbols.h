// symbols.h: host symbolization for stacks, usym and uprobe targets.
//
// Input: /proc/kallsyms text, ELF files (.symtab/.dynsym FUNC symbols via libelf),
// /proc/PID/maps, /etc/ld.so.cache ("glibc-ld.so.cache1.1"). Output: "sym" / "sym+off" names
// for addresses, symbol -> file offset for uprobes, library paths for `lib*` uprobe targets.
// Example: KernelSymbols over "ffffffff81000000 T _stext\n" resolves 0xffffffff81000010 to
// {"_stext", 16}.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct Elf;

namespace btc::rt {

struct SymbolHit {
  std::string name;
  uint64_t offset = 0; // addr - symbol start
};

// Sorted kernel symbol table (binary search, nearest symbol at or below the address).
class KernelSymbols {
public:
  void load_text(std::string_view kallsyms);
  bool load_host(); // /proc/kallsyms
  std::optional<SymbolHit> lookup(uint64_t addr) const;
  bool empty() const { return syms_.empty(); }

private:
  std::vector<std::pair<uint64_t, std::string>> syms_;
};

// The PT_LOAD segments of an ELF file: virtual address <-> file offset.
class ElfSegments {
public:
  void read(Elf* e); // appends the PT_LOAD program headers of an open libelf handle
  std::optional<uint64_t> file_offset(uint64_t vaddr) const; // nullopt: not mapped
  uint64_t vaddr_of(uint64_t file_off) const; // the offset itself when unmapped

private:
  struct Segment {
    uint64_t vaddr, offset, filesz;
  };
  std::vector<Segment> segments_;
};

struct ElfSymbol {
  std::string name;
  uint64_t addr = 0; // st_value (virtual address)
  uint64_t size = 0;
};

// FUNC symbols of one ELF file plus its PT_LOAD segments (for address <-> file offset);
// with `with_objects` also data (OBJECT/TLS) symbols, for uaddr().
class ElfSymbols {
public:
  bool load(const std::string& path, std::string& err, bool with_objects = false);
  // Nearest function at or below `vaddr` (within its size when it has one).
  std::optional<SymbolHit> lookup(uint64_t vaddr) const;
  const ElfSymbol* find(std::string_view name) const;
  // Distinct defined function names, sorted.
  std::vector<std::string> function_names() const;
  // Those of them matching a '*' pattern (uprobe/watchpoint wildcards).
  std::vector<std::string> functions_matching(std::string_view pattern) const;
  // Virtual address -> file offset through the PT_LOAD headers (nullopt: not mapped).
  std::optional<uint64_t> file_offset(uint64_t vaddr) const;
  // File offset -> virtual address (the inverse; the offset itself when unmapped).
  uint64_t vaddr_of(uint64_t file_off) const;
  bool is_pie() const { return dyn_; }

private:
  std::vector<ElfSymbol> syms_; // sorted by addr
  ElfSegments segments_;
  bool dyn_ = false; // ET_DYN
};

// The GNU build-id note of an ELF file as lower-case hex ("" when it has none or cannot be
// read).
std::string elf_build_id(const std::string& path);

// C++ demangling (abi::__cxa_demangle) unless BPFTRACE_NO_CPP_DEMANGLE=1; others unchanged.
std::string demangle(const std::string& name);

// User-space symbolization through /proc/PID/maps, cached per pid and per file.
class UserSymbols {
public:
  struct Frame {
    bool found = false;
    SymbolHit sym;
    std::string path; // mapped file ("" if not file-backed)
  };
  Frame resolve(uint64_t pid, uint64_t addr);
  // Re-reads /proc/PID/maps while the process lives, so its mappings are still known when
  // its stacks and usym values are printed after it exited (the -c child, the -p target).
  void remember(uint64_t pid);

private:
  struct Mapping {
    uint64_t start, end, offset;
    std::string path;
  };
  const std::vector<Mapping>& maps_of(uint64_t pid);
  static std::vector<Mapping> read_maps(uint64_t pid);
  const ElfSymbols* elf(const std::string& path);
  std::map<uint64_t, std::vector<Mapping>> maps_;
  std::map<std::string, std::unique_ptr<ElfSymbols>> elfs_;
};

// Library path for `name` (e.g. "libc" -> "/lib/x86_64-linux-gnu/libc.so.6") from an
// ld.so.cache image; empty when absent or the image is not "glibc-ld.so.cache1.1".
std::string ld_cache_lookup(std::string_view cache, std::string_view name);

// Resolves a uprobe/usdt binary: absolute/relative path with '/', `lib*` through
// /etc/ld.so.cache, else the first ELF executable in $PATH. Empty + err ("KIND target file
// ... does not exist or is not executable") when not found. `path_matches` (if given)
// receives the number of $PATH entries holding it (0 when found otherwise). With `pid` > 0
// in another mount namespace the binary is the process's, as 0.17 finds it: the path under
// /proc/PID/root, a command name searched in the process's own $PATH.
std::string resolve_uprobe_binary(const std::string& target, std::string& err,
                                  std::string_view kind = "uprobe",
                                  size_t* path_matches = nullptr, int64_t pid = 0);

} // namespace btc::rt
