// unwind_tables.cpp: UnwindTables (see unwind_tables.h).
#include "session/unwind_tables.h"

#include "host/eh_frame.h"
#include "host/elf_file.h"
#include "host/process.h"
#include "host/symbols.h"
#include "host/text_file.h"
#include "session/runtime_values.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <gelf.h>
#include <libelf.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <set>

namespace btc::rt {
namespace {

// PT_INTERP and the DT_NEEDED names of an ELF file.
void dependencies(const std::string& path, std::string& interp, std::vector<std::string>& needed) {
  ElfFile file(path);
  if (!file.is_elf()) return;
  size_t nphdr = 0;
  elf_getphdrnum(file.elf(), &nphdr);
  for (size_t i = 0; i < nphdr; ++i) {
    GElf_Phdr ph;
    if (!gelf_getphdr(file.elf(), static_cast<int>(i), &ph) || ph.p_type != PT_INTERP) continue;
    size_t size = 0;
    const char* image = elf_rawfile(file.elf(), &size);
    if (image && ph.p_offset < size && ph.p_filesz <= size - ph.p_offset)
      interp.assign(image + ph.p_offset, strnlen(image + ph.p_offset, ph.p_filesz));
  }
  for (Elf_Scn* scn = nullptr; (scn = elf_nextscn(file.elf(), scn));) {
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC) continue;
    Elf_Data* d = elf_getdata(scn, nullptr);
    if (!d || sh.sh_entsize == 0) continue;
    for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; ++i) {
      GElf_Dyn dyn;
      if (!gelf_getdyn(d, static_cast<int>(i), &dyn) || dyn.d_tag != DT_NEEDED) continue;
      if (const char* name = elf_strptr(file.elf(), sh.sh_link, dyn.d_un.d_val))
        needed.emplace_back(name);
    }
  }
}

std::string find_library(const std::string& name, std::string_view cache) {
  if (name.find('/') != std::string::npos) return name;
  std::string path = ld_cache_lookup(cache, name);
  struct stat st {};
  if (!path.empty() && stat(path.c_str(), &st) == 0) return path;
  static constexpr const char* kDirs[] = {"/lib/x86_64-linux-gnu",
                                          "/usr/lib/x86_64-linux-gnu",
                                          "/lib64",
                                          "/usr/lib64",
                                          "/lib",
                                          "/usr/lib"};
  for (const char* dir : kDirs) {
    path = std::string(dir) + "/" + name;
    if (stat(path.c_str(), &st) == 0) return path;
  }
  return "";
}

} // namespace

uint64_t kernel_dev(uint64_t st_dev) {
  return (uint64_t{major(st_dev)} << 20) | minor(st_dev);
}

std::vector<MappedFile> executable_mappings(std::string_view text) {
  std::vector<MappedFile> out;
  std::set<std::pair<uint64_t, uint64_t>> seen;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    std::string line(text.substr(pos, eol == std::string_view::npos ? eol : eol - pos));
    pos = eol == std::string_view::npos ? text.size() : eol + 1;
    // start-end perms offset MAJOR:MINOR inode path
    char perms[8] = {};
    unsigned long long start = 0, end = 0, offset = 0, inode = 0;
    unsigned dev_major = 0, dev_minor = 0;
    int path_at = 0;
    if (std::sscanf(line.c_str(), "%llx-%llx %7s %llx %x:%x %llu %n", &start, &end, perms, &offset,
                    &dev_major, &dev_minor, &inode, &path_at) < 7)
      continue;
    if (!std::strchr(perms, 'x') || inode == 0 || path_at <= 0 ||
        static_cast<size_t>(path_at) >= line.size() || line[path_at] != '/')
      continue;
    MappedFile f;
    f.key.inode = inode;
    f.key.dev = (uint64_t{dev_major} << 20) | dev_minor;
    f.path = line.substr(path_at);
    if (seen.insert({f.key.inode, f.key.dev}).second) out.push_back(std::move(f));
  }
  return out;
}

std::vector<std::string> executable_and_libraries(const std::string& path, std::string_view cache) {
  std::vector<std::string> out = {path};
  std::set<std::string> seen = {path};
  for (size_t i = 0; i < out.size(); ++i) {
    std::string interp;
    std::vector<std::string> needed;
    dependencies(out[i], interp, needed);
    if (!interp.empty()) needed.insert(needed.begin(), interp);
    for (const auto& name : needed) {
      std::string lib = find_library(name, cache);
      if (!lib.empty() && seen.insert(lib).second) out.push_back(lib);
    }
  }
  return out;
}

void UnwindTables::add(abi::UnwindFileKey key, std::string read_path, std::string name) {
  for (const auto& s : sources_)
    if (s.key.inode == key.inode && s.key.dev == key.dev) return;
  sources_.push_back({key, std::move(read_path), std::move(name)});
}

bool UnwindTables::add_process(int64_t pid, std::string& err) {
  std::string dir = "/proc/" + std::to_string(pid);
  std::string maps = read_text_file((dir + "/maps").c_str());
  if (maps.empty()) {
    err = "cannot read " + dir + "/maps";
    return false;
  }
  std::string root = foreign_root(pid);
  for (auto& f : executable_mappings(maps)) add(f.key, root + f.path, f.path);
  return true;
}

bool UnwindTables::add_command(const std::string& path, std::string& err) {
  std::string cache = read_text_file("/etc/ld.so.cache");
  for (const auto& file : executable_and_libraries(path, cache)) {
    struct stat st {};
    if (stat(file.c_str(), &st) != 0) {
      err = file + ": " + std::strerror(errno);
      return false;
    }
    add({static_cast<uint64_t>(st.st_ino), kernel_dev(st.st_dev)}, file, file);
  }
  return true;
}

void UnwindTables::build(bool verbose) {
  auto t0 = std::chrono::steady_clock::now();
  for (const auto& s : sources_) {
    std::string err;
    auto table = read_unwind_table(s.read_path, err);
    if (!table || table->rows.empty()) {
      if (verbose)
        std::fprintf(stderr, "dw_ustack: no unwind table for %s (%s)\n", s.name.c_str(),
                     table ? "empty .eh_frame" : err.c_str());
      continue;
    }
    abi::UnwindFile f;
    f.first_row = static_cast<uint32_t>(rows_.size());
    f.row_count = static_cast<uint32_t>(table->rows.size());
    f.vaddr_adjust = table->vaddr_adjust;
    rows_.insert(rows_.end(), table->rows.begin(), table->rows.end());
    entries_.emplace_back(s.key, f);
    if (verbose)
      std::fprintf(stderr, "dw_ustack: %u unwind rows for %s\n", f.row_count, s.name.c_str());
  }
  if (verbose) {
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0);
    std::fprintf(stderr, "dw_ustack: %zu rows of %zu files read in %.1f ms\n", rows_.size(),
                 entries_.size(), ms.count());
  }
}

bool UnwindTables::size_maps(bpf_object* obj, std::string& err) const {
  bpf_map* rows = bpf_object__find_map_by_name(obj, abi::kUnwindRowsMap);
  bpf_map* files = bpf_object__find_map_by_name(obj, abi::kUnwindFilesMap);
  if (!rows || !files) {
    err = "the BPF object has no dw_ustack unwind maps";
    return false;
  }
  if (bpf_map__set_max_entries(rows, static_cast<uint32_t>(std::max<size_t>(rows_.size(), 1))) ||
      bpf_map__set_max_entries(files,
                               static_cast<uint32_t>(std::max<size_t>(entries_.size(), 1)))) {
    err = std::string("cannot size the dw_ustack unwind maps: ") + std::strerror(errno);
    return false;
  }
  return true;
}

bool UnwindTables::fill_maps(bpf_object* obj, std::string& err) const {
  int rows_fd = bpf_map__fd(bpf_object__find_map_by_name(obj, abi::kUnwindRowsMap));
  int files_fd = bpf_map__fd(bpf_object__find_map_by_name(obj, abi::kUnwindFilesMap));
  // Rows in batches (one syscall per 64k rows); kernels without batch updates of arrays get
  // one update per row.
  constexpr uint32_t kBatch = 65536;
  std::vector<uint32_t> keys;
  for (uint32_t first = 0; first < rows_.size(); first += kBatch) {
    uint32_t n = static_cast<uint32_t>(std::min<size_t>(kBatch, rows_.size() - first));
    keys.resize(n);
    for (uint32_t i = 0; i < n; ++i) keys[i] = first + i;
    uint32_t count = n;
    if (bpf_map_update_batch(rows_fd, keys.data(), &rows_[first], &count, nullptr) == 0) continue;
    for (uint32_t i = 0; i < n; ++i)
      if (bpf_map_update_elem(rows_fd, &keys[i], &rows_[first + i], BPF_ANY) != 0) {
        err = std::string("cannot fill the dw_ustack unwind rows: ") + std::strerror(errno);
        return false;
      }
  }
  for (const auto& [key, file] : entries_)
    if (bpf_map_update_elem(files_fd, &key, &file, BPF_ANY) != 0) {
      err = std::string("cannot fill the dw_ustack file table: ") + std::strerror(errno);
      return false;
    }
  return true;
}

} // namespace btc::rt
