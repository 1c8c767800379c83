// maps.h: reading, per-CPU reduction, sorting and printing of the script's maps.
//
// Input: a MapStore (the kernel's maps, or an in-memory stand-in in tests) and the map's
// MapDesc. Output: MapEntry rows, reduced over CPUs (count/sum add, min/max take the extreme
// over CPUs that set a value, avg/stats add count and total, hist/lhist add per bucket),
// sorted the way bpftrace 0.17 prints them (spec 8.2); print_map (output.h) hands them to an
// Output.
#pragma once

#include "btc/abi.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace btc::rt {

// One key and its raw value: per-CPU maps hold `slots` values, each padded to 8 bytes.
struct RawEntry {
  std::vector<uint8_t> key;
  std::vector<uint8_t> value;
};

// Access to the maps of the running program.
class MapStore {
public:
  virtual ~MapStore() = default;
  // Number of value slots a lookup returns (possible CPUs for per-CPU maps, else 1).
  virtual uint32_t slots(const abi::MapDesc& map) const = 0;
  // All entries; false (with err) if the map cannot be read.
  virtual bool read(const abi::MapDesc& map, std::vector<RawEntry>& out, std::string& err) = 0;
  // clear(): delete every key (array maps: zero every value).
  virtual bool clear(const abi::MapDesc& map, std::string& err) = 0;
  // zero(): set every value to zero, keep the keys.
  virtual bool zero(const abi::MapDesc& map, std::string& err) = 0;
  // The map's capacity (bpf_map__max_entries); 0 when unknown.
  virtual uint64_t max_entries(const abi::MapDesc& map) const = 0;
};

// Size of one value slot inside a RawEntry value.
uint32_t slot_size(const abi::MapDesc& map);

// A map entry after per-CPU reduction.
struct MapEntry {
  std::vector<uint8_t> key;
  std::vector<uint8_t> value;    // Plain: the value bytes
  int64_t number = 0;            // Count/Sum/Min/Max (unsigned kinds: the bit pattern)
  int64_t count = 0, total = 0;  // Avg/Stats
  std::vector<uint64_t> buckets; // Hist/Lhist
  int64_t sum = 0;               // Hist/Lhist: the sum of the values counted
  std::vector<std::pair<uint64_t, int64_t>> series; // Tseries: (epoch, value) by epoch
};

MapEntry reduce_entry(const abi::MapDesc& map, RawEntry raw, uint32_t slots);

// Sorts entries in print order: by value for integer-like kinds, by average, by total bucket
// count, else by key (integers as unsigned, strings with strncmp, last component first).
void sort_entries(const abi::Manifest& m, const abi::MapDesc& map, std::vector<MapEntry>& e);

// print(@m, top, div) keeps the `top` largest entries (0 = all); stats maps ignore top.
void keep_top(const abi::MapDesc& map, std::vector<MapEntry>& entries, uint64_t top);

} // namespace btc::rt
