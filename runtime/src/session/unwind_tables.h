// unwind_tables.h: the DWARF unwind tables a dw_ustack tool hands its BPF unwinder
// (btc/unwind.h), built when the tool starts.
//
// Input: the -p process (its executable mappings in /proc/PID/maps) or the -c command (the
// executable, its ELF interpreter and the libraries it needs, found as the dynamic loader
// finds them), then each file's .eh_frame. Output: the kUnwindRowsMap / kUnwindFilesMap
// contents; the maps are sized before the BPF object loads and filled after.
// Example: `-p 812` running /usr/bin/python3.11 gives the files python3.11, libc.so.6,
// libm.so.6, libz.so.1, libexpat.so.1, ld-linux-x86-64.so.2: ~100k rows, 1.6 MB of map.
#pragma once

#include "btc/unwind.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

struct bpf_object;

namespace btc::rt {

// One executable file mapping of /proc/PID/maps: its device (kernel encoding) and inode.
struct MappedFile {
  abi::UnwindFileKey key;
  std::string path;
};

// The distinct files mapped executable in /proc/PID/maps text (anonymous and special
// mappings skipped).
std::vector<MappedFile> executable_mappings(std::string_view maps_text);

// The ELF interpreter and DT_NEEDED libraries of `path`, recursively, resolved through the
// ld.so.cache image `cache` and the default directories; `path` itself first.
std::vector<std::string> executable_and_libraries(const std::string& path, std::string_view cache);

// Kernel dev_t encoding of a user-space st_dev.
uint64_t kernel_dev(uint64_t st_dev);

class UnwindTables {
public:
  // The files of a running process / of a command not started yet. False with `err`.
  bool add_process(int64_t pid, std::string& err);
  bool add_command(const std::string& path, std::string& err);
  // Reads the .eh_frame of every file added; files without one are left out (said with
  // `verbose`).
  void build(bool verbose);
  // Before load: the maps' sizes. After load: their contents.
  bool size_maps(bpf_object* obj, std::string& err) const;
  bool fill_maps(bpf_object* obj, std::string& err) const;

  size_t rows() const { return rows_.size(); }
  size_t files() const { return entries_.size(); }

private:
  struct Source {
    abi::UnwindFileKey key;
    std::string read_path; // where this tool reads the file (may be under /proc/PID/...)
    std::string name;      // for messages
  };
  void add(abi::UnwindFileKey key, std::string read_path, std::string name);

  std::vector<Source> sources_;
  std::vector<abi::UnwindRow> rows_;
  std::vector<std::pair<abi::UnwindFileKey, abi::UnwindFile>> entries_;
};

} // namespace btc::rt
