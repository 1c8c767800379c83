// bpf_maps.cpp: BpfMapStore (see bpf_maps.h).
//
// Per-CPU lookups return possible_cpus slots of round_up(value_size, 8) bytes each, which is
// the RawEntry layout maps.cpp reduces.
#include "output/bpf_maps.h"

#include <algorithm>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>

namespace btc::rt {
namespace {

std::string errno_text(int e) { return std::strerror(e < 0 ? -e : e); }

} // namespace

BpfMapStore::BpfMapStore(bpf_object* obj) : obj_(obj) {
  int n = libbpf_num_possible_cpus();
  possible_cpus_ = n > 0 ? static_cast<uint32_t>(n) : 1;
}

uint32_t BpfMapStore::slots(const abi::MapDesc& map) const {
  return map.percpu ? possible_cpus_ : 1;
}

uint64_t BpfMapStore::max_entries(const abi::MapDesc& map) const {
  const bpf_map* m = bpf_object__find_map_by_name(obj_, map.bpf_name.c_str());
  return m ? bpf_map__max_entries(m) : 0;
}

bool BpfMapStore::resolve(const abi::MapDesc& map, int& fd, uint32_t& key_size, bool& is_array,
                          std::string& err) const {
  bpf_map* m = bpf_object__find_map_by_name(obj_, map.bpf_name.c_str());
  if (!m || bpf_map__fd(m) < 0) {
    err = "BPF map '" + map.bpf_name + "' not found";
    return false;
  }
  fd = bpf_map__fd(m);
  key_size = bpf_map__key_size(m);
  auto type = bpf_map__type(m);
  is_array = type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY;
  return true;
}

bool BpfMapStore::keys(int fd, uint32_t key_size, std::vector<std::vector<uint8_t>>& out,
                       std::string& err) const {
  std::vector<uint8_t> key(key_size), next(key_size);
  const void* prev = nullptr;
  while (true) {
    if (bpf_map_get_next_key(fd, prev, next.data()) != 0) {
      if (errno == ENOENT) return true;
      err = "bpf_map_get_next_key: " + errno_text(errno);
      return false;
    }
    out.push_back(next);
    key = next;
    prev = key.data();
  }
}

namespace {

bool is_histogram(const abi::MapDesc& map) {
  return map.kind == abi::MapKind::Hist || map.kind == abi::MapKind::Lhist;
}

bool all_zero(const std::vector<uint8_t>& bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
}

} // namespace

// Hash maps are read BPF_MAP_LOOKUP_BATCH at a time (kernels since 5.6): one system call per
// few thousand entries instead of two per entry (a 100 000-key map: ~40 ms instead of ~300).
// Returns false when the kernel cannot (the caller then walks the keys).
bool BpfMapStore::read_batched(const abi::MapDesc& map, int fd, uint32_t key_size,
                               std::vector<RawEntry>& out) const {
  size_t value_bytes = size_t{slot_size(map)} * slots(map);
  uint32_t chunk = 4096;
  std::vector<uint8_t> keys, values, token(std::max<uint32_t>(key_size, 8));
  std::vector<uint8_t> next_token(token.size());
  size_t mark = out.size(); // a failure leaves `out` as it was
  bool first = true;
  for (;;) {
    keys.resize(size_t{chunk} * key_size);
    values.resize(size_t{chunk} * value_bytes);
    uint32_t count = chunk;
    int rc = bpf_map_lookup_batch(fd, first ? nullptr : token.data(), next_token.data(),
                                  keys.data(), values.data(), &count, nullptr);
    int e = rc == 0 ? 0 : errno;
    if (rc != 0 && e == ENOSPC && chunk < (1u << 20)) { // a bucket larger than the chunk
      chunk *= 4;
      continue;
    }
    if (rc != 0 && e != ENOENT) {
      out.resize(mark);
      return false;
    }
    for (uint32_t i = 0; i < count; ++i)
      out.push_back({std::vector<uint8_t>(keys.begin() + size_t{i} * key_size,
                                          keys.begin() + size_t{i + 1} * key_size),
                     std::vector<uint8_t>(values.begin() + i * value_bytes,
                                          values.begin() + (i + 1) * value_bytes)});
    if (rc != 0) break; // ENOENT: that was the last batch
    token.swap(next_token);
    first = false;
  }
  return true;
}

bool BpfMapStore::read(const abi::MapDesc& map, std::vector<RawEntry>& out, std::string& err) {
  int fd = -1;
  uint32_t key_size = 0;
  bool is_array = false;
  if (!resolve(map, fd, key_size, is_array, err)) return false;
  if (!is_array && read_batched(map, fd, key_size, out)) return true;
  std::vector<std::vector<uint8_t>> all;
  if (!keys(fd, key_size, all, err)) return false;
  size_t value_bytes = size_t{slot_size(map)} * slots(map);
  for (auto& k : all) {
    RawEntry e{std::move(k), std::vector<uint8_t>(value_bytes)};
    if (bpf_map_lookup_elem(fd, e.key.data(), e.value.data()) != 0) {
      if (errno == ENOENT) continue; // deleted while we iterated
      err = "bpf_map_lookup_elem: " + errno_text(errno);
      return false;
    }
    // A scalar histogram lives in a one-entry array: all buckets zero on every CPU is a
    // histogram never updated (or cleared), which a hash map would not hold at all.
    // zero() keeps such a histogram present, as it keeps a hash entry.
    if (is_array && is_histogram(map) && all_zero(e.value) && !zeroed_.count(map.name)) continue;
    out.push_back(std::move(e));
  }
  return true;
}

bool BpfMapStore::clear(const abi::MapDesc& map, std::string& err) {
  int fd = -1;
  uint32_t key_size = 0;
  bool is_array = false;
  if (!resolve(map, fd, key_size, is_array, err)) return false;
  if (is_array) { // array elements cannot be deleted: zeroed, they read as absent
    zeroed_.erase(map.name);
    return zero_values(map, fd, key_size, err);
  }
  std::vector<std::vector<uint8_t>> all;
  if (!keys(fd, key_size, all, err)) return false;
  for (const auto& k : all) {
    if (bpf_map_delete_elem(fd, k.data()) != 0 && errno != ENOENT) {
      err = "bpf_map_delete_elem: " + errno_text(errno);
      return false;
    }
  }
  return true;
}

bool BpfMapStore::zero(const abi::MapDesc& map, std::string& err) {
  int fd = -1;
  uint32_t key_size = 0;
  bool is_array = false;
  if (!resolve(map, fd, key_size, is_array, err)) return false;
  if (is_array && is_histogram(map)) {
    // Present after zero() only if it held something (a hash map would have had the entry).
    std::vector<RawEntry> now;
    if (!read(map, now, err)) return false;
    if (!now.empty()) zeroed_.insert(map.name);
  }
  return zero_values(map, fd, key_size, err);
}

bool BpfMapStore::zero_values(const abi::MapDesc& map, int fd, uint32_t key_size,
                              std::string& err) {
  std::vector<std::vector<uint8_t>> all;
  if (!keys(fd, key_size, all, err)) return false;
  std::vector<uint8_t> zeros(size_t{slot_size(map)} * slots(map), 0);
  for (const auto& k : all) {
    if (bpf_map_update_elem(fd, k.data(), zeros.data(), BPF_EXIST) != 0 && errno != ENOENT) {
      err = "bpf_map_update_elem: " + errno_text(errno);
      return false;
    }
  }
  return true;
}

} // namespace btc::rt
