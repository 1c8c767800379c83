// format/tseries.h: reducing and rendering tseries() values (bpftrace 0.26's time series).
//
// A key's value holds one {value, meta, epoch} slot per interval and CPU (btc/abi.h);
// reduce_tseries merges the CPUs' slots of the latest epoch in each interval into one point.
// tseries_text draws 0.26's graph: a header with the minimum and maximum, one row per
// interval from the key's first point in the map's last `intervals` ("hh:mm:ss[.ms|.μs|.ns]"
// local time, a 53-column lane with '*' at the value and '.' at zero, the value or "-"), and a
// footer. tseries_json: [{"interval_start": "<ISO 8601>", "value": V}, ...].
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "btc/abi.h"

namespace btc::rt {

using SeriesPoint = std::pair<uint64_t, int64_t>; // (epoch = TAI ns / interval, value)

// `slot(cpu, interval, field)` reads field 0 (value), 1 (meta) or 2 (epoch) of one slot.
template <class ReadSlot>
std::vector<SeriesPoint> reduce_tseries(const abi::MapDesc& map, uint32_t cpus, ReadSlot slot);

// The rows a key prints: epochs (last_epoch - intervals, last_epoch], from its first point on.
struct SeriesRow {
  uint64_t epoch;
  bool present;
  int64_t value;
};
std::vector<SeriesRow> series_rows(std::span<const SeriesPoint> points, uint64_t last_epoch,
                                   uint32_t intervals);

// `tai_offset_ns`: CLOCK_TAI - CLOCK_REALTIME (tai_offset_ns() where the tool runs).
std::string tseries_text(std::span<const SeriesRow> rows, const abi::MapDesc& map,
                         int64_t tai_offset_ns);
std::string tseries_json(std::span<const SeriesRow> rows, const abi::MapDesc& map,
                         int64_t tai_offset_ns);
int64_t tai_offset_ns();

// Merges one interval's slots across CPUs as 0.26 does: only the slots of the latest epoch
// count; Last keeps the latest write (meta = its time), Avg = sum / count, Min/Max, Sum.
SeriesPoint merge_interval(const abi::MapDesc& map, std::span<const int64_t> values,
                           std::span<const uint64_t> metas, std::span<const uint64_t> epochs);

template <class ReadSlot>
std::vector<SeriesPoint> reduce_tseries(const abi::MapDesc& map, uint32_t cpus, ReadSlot slot) {
  std::vector<SeriesPoint> out;
  std::vector<int64_t> values(cpus);
  std::vector<uint64_t> metas(cpus), epochs(cpus);
  for (uint32_t i = 0; i < map.tseries_intervals; ++i) {
    for (uint32_t c = 0; c < cpus; ++c) {
      values[c] = static_cast<int64_t>(slot(c, i, 0));
      metas[c] = slot(c, i, 1);
      epochs[c] = slot(c, i, 2);
    }
    SeriesPoint p = merge_interval(map, values, metas, epochs);
    if (p.first != 0) out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace btc::rt
