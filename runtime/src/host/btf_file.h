// btf_file.h: a raw BTF file (/sys/kernel/btf/vmlinux, or BPFTRACE_BTF's) read in pieces.
//
// libbpf's btf__parse reads the whole file (5.5 MB for a distribution kernel) and indexes
// every type: ~11 MiB of memory and tens of milliseconds, before relocating a handful of
// fields. BtfFile never holds more than one 64 KiB chunk: one pass over the strings finds
// the offsets of the names asked for, one pass over the types finds their ids and keeps
// the position of every 32nd type, and single types and names are then read on demand.
//
// Example: BtfFile f("/sys/kernel/btf/vmlinux"); f.ok();
//          f.find_named({"task_struct"}, found) -> found["task_struct"] = {{STRUCT, 1234}};
//          f.type(1234) -> the record's bytes (struct btf_type + its members).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace btc::rt {

class BtfFile {
public:
  explicit BtfFile(const std::string& path);
  ~BtfFile();
  BtfFile(const BtfFile&) = delete;
  BtfFile& operator=(const BtfFile&) = delete;

  // The file opened as raw BTF in this machine's byte order; else error() says why.
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  // Types named N or N___flavour for each essential name N of `names` (libbpf's candidate
  // rule), as {kind, id} per name. Scans the whole file once; false on a read or format error.
  bool find_named(const std::set<std::string>& names,
                  std::map<std::string, std::vector<std::pair<uint16_t, uint32_t>>>& found);

  // The bytes of type `id` (header and trailing members/values); empty if out of range.
  // Valid after find_named().
  std::vector<uint8_t> type(uint32_t id);
  // The string at `offset` of the string section.
  std::string name(uint32_t offset);
  uint32_t type_count() const { return count_; }

private:
  bool read_at(uint64_t offset, void* buf, size_t size);
  bool scan_strings(const std::set<std::string>& names,
                    std::unordered_map<uint32_t, std::string>& offsets);

  int fd_ = -1;
  std::string error_;
  uint32_t type_off_ = 0, type_len_ = 0, str_off_ = 0, str_len_ = 0; // absolute offsets
  uint32_t count_ = 1;                                               // types + 1 (id 0 is void)
  std::vector<uint32_t> checkpoints_; // byte offset (in the type section) of ids 1, 33, 65...
  std::unordered_map<uint32_t, std::string> names_;
};

// Bytes of one BTF type record of kind `kind` with `vlen` trailing entries; 0 if unknown.
size_t btf_record_size(uint16_t kind, uint16_t vlen);
// Length of the essential part of a type name: "task_struct___v2" -> 11 (libbpf's rule).
size_t btf_essential_name_len(std::string_view name);

} // namespace btc::rt
