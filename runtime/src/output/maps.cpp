// maps.cpp: per-CPU reduction and print-order sorting of maps (see maps.h).
//
// Example: @c (Count, per-CPU) with raw entries {"a": [1, 1]} and {"b": [0, 1]} on two CPUs
// reduces to a=2, b=1 and prints in ascending value order "@c[b]: 1" then "@c[a]: 2".
#include "output/maps.h"

#include "output/format/histogram.h"
#include "output/format/tseries.h"
#include "output/format/value.h"

#include <algorithm>
#include <cstring>

namespace btc::rt {
namespace {

using abi::MapKind;

uint64_t slot_u64(const RawEntry& raw, uint32_t slot, uint32_t size, uint32_t offset) {
  return load_u64(raw.value, size_t{slot} * size + offset);
}

bool less_number(const abi::MapDesc& map, int64_t a, int64_t b) {
  bool is_signed = map.kind != MapKind::Count && map.value_signed;
  return is_signed ? a < b : static_cast<uint64_t>(a) < static_cast<uint64_t>(b);
}

// Sort key for Plain maps holding integers; nullopt for every other value type.
const abi::TypeDesc* plain_integer_type(const abi::Manifest& m, const abi::MapDesc& map) {
  if (map.kind != MapKind::Plain || map.value_type >= m.types.size()) return nullptr;
  const auto& t = m.types[map.value_type];
  return t.kind == abi::ValueKind::Int || t.kind == abi::ValueKind::UInt ? &t : nullptr;
}

// bpftrace's key order: one stable sort per key component, last component first, so the
// first component decides. Integers compare as unsigned 64-bit, strings with strncmp, other
// component kinds keep their order.
void sort_by_key(const abi::Manifest& m, const abi::MapDesc& map, std::vector<MapEntry>& e) {
  for (size_t i = map.keys.size(); i-- > 0;) {
    const abi::Field& k = map.keys[i];
    if (k.type >= m.types.size()) continue;
    const abi::TypeDesc& t = m.types[k.type];
    if (t.kind == abi::ValueKind::Int || t.kind == abi::ValueKind::UInt) {
      std::stable_sort(e.begin(), e.end(), [&](const MapEntry& a, const MapEntry& b) {
        auto va = static_cast<uint64_t>(read_integer(t, std::span(a.key).subspan(
                                                           std::min<size_t>(k.offset, a.key.size()))));
        auto vb = static_cast<uint64_t>(read_integer(t, std::span(b.key).subspan(
                                                           std::min<size_t>(k.offset, b.key.size()))));
        return va < vb;
      });
    } else if (t.kind == abi::ValueKind::String) {
      std::stable_sort(e.begin(), e.end(), [&](const MapEntry& a, const MapEntry& b) {
        auto text = [&](const MapEntry& x) {
          std::string s(t.size, '\0');
          if (k.offset < x.key.size())
            std::memcpy(s.data(), x.key.data() + k.offset,
                        std::min<size_t>(t.size, x.key.size() - k.offset));
          return s;
        };
        return std::strncmp(text(a).c_str(), text(b).c_str(), t.size) < 0;
      });
    }
  }
}

int64_t average(const MapEntry& e) { return e.count ? e.total / e.count : 0; }

} // namespace

uint32_t slot_size(const abi::MapDesc& map) {
  return map.percpu ? (map.value_size + 7) / 8 * 8 : map.value_size;
}

MapEntry reduce_entry(const abi::MapDesc& map, RawEntry raw, uint32_t slots) {
  MapEntry e;
  e.key = std::move(raw.key);
  uint32_t size = slot_size(map);
  if (slots == 0) slots = 1;
  switch (map.kind) {
  case MapKind::Plain:
    e.value.assign(raw.value.begin(),
                   raw.value.begin() + std::min<size_t>(map.value_size, raw.value.size()));
    break;
  case MapKind::Count:
  case MapKind::Sum: {
    uint64_t sum = 0;
    for (uint32_t s = 0; s < slots; ++s) sum += slot_u64(raw, s, size, 0);
    e.number = static_cast<int64_t>(sum);
    break;
  }
  case MapKind::Min:
  case MapKind::Max: {
    bool have = false;
    for (uint32_t s = 0; s < slots; ++s) {
      if (slot_u64(raw, s, size, 8) == 0) continue; // this CPU never set a value
      auto v = static_cast<int64_t>(slot_u64(raw, s, size, 0));
      bool better = map.kind == MapKind::Min ? less_number(map, v, e.number)
                                             : less_number(map, e.number, v);
      if (!have || better) e.number = v;
      have = true;
    }
    break;
  }
  case MapKind::Avg:
  case MapKind::Stats:
    for (uint32_t s = 0; s < slots; ++s) {
      e.count += static_cast<int64_t>(slot_u64(raw, s, size, 0));
      e.total += static_cast<int64_t>(slot_u64(raw, s, size, 8));
    }
    break;
  case MapKind::Hist:
  case MapKind::Lhist: {
    size_t n = map.kind == MapKind::Hist ? abi::kHistBuckets : abi::lhist_buckets(map);
    e.buckets.assign(n, 0);
    for (uint32_t s = 0; s < slots; ++s) {
      for (size_t b = 0; b < n; ++b) e.buckets[b] += slot_u64(raw, s, size, 8 * b);
      e.sum += static_cast<int64_t>(slot_u64(raw, s, size, static_cast<uint32_t>(8 * n)));
    }
    break;
  }
  case MapKind::Tseries:
    e.series = reduce_tseries(map, slots, [&](uint32_t cpu, uint32_t interval, uint32_t field) {
      return slot_u64(raw, cpu, size, abi::kTseriesSlotSize * interval + 8 * field);
    });
    break;
  }
  return e;
}

void sort_entries(const abi::Manifest& m, const abi::MapDesc& map, std::vector<MapEntry>& e) {
  // Key order first: it is the print order of non-numeric maps and makes ties deterministic
  // for the value orders below (bpftrace leaves ties unordered).
  sort_by_key(m, map, e);
  auto by = [&](auto key_less) { std::stable_sort(e.begin(), e.end(), key_less); };
  switch (map.kind) {
  case MapKind::Plain:
    if (const abi::TypeDesc* t = plain_integer_type(m, map)) {
      bool is_signed = t->kind == abi::ValueKind::Int;
      by([&](const MapEntry& a, const MapEntry& b) {
        int64_t va = read_integer(*t, a.value), vb = read_integer(*t, b.value);
        return is_signed ? va < vb : static_cast<uint64_t>(va) < static_cast<uint64_t>(vb);
      });
    }
    break;
  case MapKind::Count:
  case MapKind::Sum:
  case MapKind::Min:
  case MapKind::Max:
    by([&](const MapEntry& a, const MapEntry& b) { return less_number(map, a.number, b.number); });
    break;
  case MapKind::Avg:
  case MapKind::Stats:
    by([](const MapEntry& a, const MapEntry& b) { return average(a) < average(b); });
    break;
  case MapKind::Hist:
  case MapKind::Lhist:
    by([](const MapEntry& a, const MapEntry& b) {
      return bucket_total(a.buckets) < bucket_total(b.buckets);
    });
    break;
  case MapKind::Tseries: // key order, as 0.26
    break;
  }
}

void keep_top(const abi::MapDesc& map, std::vector<MapEntry>& entries, uint64_t top) {
  if (top == 0 || map.kind == MapKind::Stats || entries.size() <= top) return;
  entries.erase(entries.begin(), entries.end() - static_cast<std::ptrdiff_t>(top));
}

} // namespace btc::rt
