// format/tseries.cpp: tseries() values merged over CPUs and drawn as 0.26 draws them (see
// tseries.h for the layout).
#include "output/format/tseries.h"

#include <time.h>

#include <cstdint>
#include <cstdio>

namespace btc::rt {
namespace {

constexpr int kGraphWidth = 53;
constexpr int kPadding = 21;

using Wide = __int128;

Wide widen(const abi::MapDesc& map, int64_t v) {
  return map.value_signed ? Wide(v) : Wide(static_cast<uint64_t>(v));
}

std::string number(Wide v) {
  if (v < 0) return "-" + number(-v);
  std::string s;
  do {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  } while (v > 0);
  return s;
}

std::string pad_left(std::string s, size_t width) { // right-aligned
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}
std::string pad_right(std::string s, size_t width) { // left-aligned
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

// Fraction digits shown after the seconds: 0 (s), 3 (ms), 6 (us), 9 (ns), from the spacing
// of the rows, as 0.26 picks its display unit.
int fraction_digits(uint64_t spacing_ns) {
  if (spacing_ns >= 1000000000) return 0;
  if (spacing_ns >= 1000000) return 3;
  if (spacing_ns >= 1000) return 6;
  return 9;
}

std::string clock_text(uint64_t tai_ns, int64_t tai_offset, int digits, const char* format) {
  int64_t real = static_cast<int64_t>(tai_ns) - tai_offset;
  time_t secs = static_cast<time_t>(real / 1000000000);
  int64_t ns = real % 1000000000;
  struct tm tm {};
  localtime_r(&secs, &tm);
  char buf[64];
  size_t n = strftime(buf, sizeof buf, format, &tm);
  std::string s(buf, n);
  if (digits > 0) {
    char frac[16];
    int64_t scaled = ns;
    for (int d = 9; d > digits; --d) scaled /= 10;
    std::snprintf(frac, sizeof frac, ".%0*lld", digits, static_cast<long long>(scaled));
    s += frac;
  }
  return s;
}

} // namespace

SeriesPoint merge_interval(const abi::MapDesc& map, std::span<const int64_t> values,
                           std::span<const uint64_t> metas, std::span<const uint64_t> epochs) {
  uint64_t latest = 0;
  for (uint64_t e : epochs) latest = std::max(latest, e);
  if (latest == 0) return {0, 0};
  bool have = false;
  int64_t value = 0;
  uint64_t meta = 0;
  for (size_t c = 0; c < epochs.size(); ++c) {
    if (epochs[c] != latest) continue;
    if (!have) {
      value = values[c];
      meta = metas[c];
      have = true;
      continue;
    }
    switch (map.tseries_agg) {
    case abi::TseriesAgg::Last:
      if (metas[c] > meta) {
        value = values[c];
        meta = metas[c];
      }
      break;
    case abi::TseriesAgg::Avg:
      value += values[c];
      meta += metas[c];
      break;
    case abi::TseriesAgg::Sum:
      value += values[c];
      break;
    case abi::TseriesAgg::Min:
      if (widen(map, values[c]) < widen(map, value)) value = values[c];
      break;
    case abi::TseriesAgg::Max:
      if (widen(map, values[c]) > widen(map, value)) value = values[c];
      break;
    }
  }
  if (map.tseries_agg == abi::TseriesAgg::Avg && meta != 0)
    value = map.value_signed ? value / static_cast<int64_t>(meta)
                             : static_cast<int64_t>(static_cast<uint64_t>(value) / meta);
  return {latest, value};
}

std::vector<SeriesRow> series_rows(std::span<const SeriesPoint> points, uint64_t last_epoch,
                                   uint32_t intervals) {
  uint64_t first_epoch = last_epoch >= intervals ? last_epoch - intervals + 1 : 0;
  uint64_t start = last_epoch;
  bool any = false;
  for (const auto& [epoch, v] : points)
    if (epoch >= first_epoch) {
      start = std::min(start, epoch);
      any = true;
    }
  std::vector<SeriesRow> rows;
  if (!any) return rows; // zeroed, or nothing written in the window: "<no data>"
  size_t at = 0;
  for (uint64_t epoch = start; epoch <= last_epoch; ++epoch) {
    while (at < points.size() && points[at].first < epoch) ++at;
    bool present = at < points.size() && points[at].first == epoch;
    rows.push_back({epoch, present, present ? points[at].second : 0});
  }
  return rows;
}

int64_t tai_offset_ns() {
  struct timespec tai {
  }, real{};
  clock_gettime(CLOCK_TAI, &tai);
  clock_gettime(CLOCK_REALTIME, &real);
  int64_t diff = (tai.tv_sec - real.tv_sec) * 1000000000ll + (tai.tv_nsec - real.tv_nsec);
  return (diff + 500000000) / 1000000000 * 1000000000; // whole seconds (leap seconds)
}

std::string tseries_text(std::span<const SeriesRow> rows, const abi::MapDesc& map,
                         int64_t tai_offset) {
  if (rows.empty()) return "<no data>"; // no blank line after it, as in 0.26
  bool any = false;
  Wide lo = 0, hi = 0;
  for (const SeriesRow& r : rows) {
    if (!r.present) continue;
    Wide v = widen(map, r.value);
    if (!any || v < lo) lo = v;
    if (!any || v > hi) hi = v;
    any = true;
  }
  if (lo == hi) { // room on both sides of a flat line, within the value's type
    Wide floor = map.value_signed ? Wide(INT64_MIN) : Wide(0);
    Wide ceiling = map.value_signed ? Wide(INT64_MAX) : Wide(UINT64_MAX);
    if (lo > floor) --lo;
    if (hi < ceiling) ++hi;
  }
  const uint64_t interval = map.tseries_interval_ns;
  uint64_t spacing =
      rows.size() > 1 ? (rows.back().epoch - rows.front().epoch) * interval / (rows.size() - 1) : 0;
  int digits = fraction_digits(spacing);
  std::string time_fmt = "hh:mm:ss";
  if (digits == 3) time_fmt += ".ms";
  if (digits == 6) time_fmt += ".\u03bcs";
  if (digits == 9) time_fmt += ".ns";
  size_t time_size = 8 + (digits ? 1 + static_cast<size_t>(digits) : 0);

  auto bounds_line = [&](size_t indent) {
    return std::string(indent, ' ') + pad_right(number(lo), kPadding) +
           pad_left(number(hi), kGraphWidth - kPadding) + "\n";
  };
  std::string out = bounds_line(time_size + 1);
  out += pad_right(time_fmt, time_size + 1) + "|" + std::string(kGraphWidth - 2, '_') + "|\n";
  int zero_offset = 0;
  if (lo < 0 && hi > 0)
    zero_offset = static_cast<int>(static_cast<float>(kGraphWidth) * static_cast<float>(lo) /
                                   static_cast<float>(lo - hi));
  for (const SeriesRow& r : rows) {
    std::string lane(kGraphWidth, ' ');
    lane[0] = '|';
    lane[kGraphWidth - 1] = '|';
    if (zero_offset > 0) lane[static_cast<size_t>(zero_offset)] = '.';
    out += clock_text(r.epoch * interval, tai_offset, digits, "%H:%M:%S") + " ";
    if (r.present) {
      Wide v = widen(map, r.value);
      int at = static_cast<int>(static_cast<float>(kGraphWidth - 1) * static_cast<float>(lo - v) /
                                static_cast<float>(lo - hi));
      lane[static_cast<size_t>(std::clamp(at, 0, kGraphWidth - 1))] = '*';
      out += lane + " " + number(v) + "\n";
    } else {
      out += lane + " -\n";
    }
  }
  std::string bottom(kGraphWidth, '_');
  bottom.front() = 'v';
  bottom.back() = 'v';
  out += std::string(time_size, ' ') + " " + bottom + "\n";
  out += bounds_line(time_size + 1);
  return out;
}

std::string tseries_json(std::span<const SeriesRow> rows, const abi::MapDesc& map,
                         int64_t tai_offset) {
  std::string out = "[";
  bool first = true;
  for (const SeriesRow& r : rows) {
    if (!r.present) continue;
    if (!first) out += ", ";
    first = false;
    out += "{\"interval_start\": \"" +
           clock_text(r.epoch * map.tseries_interval_ns, tai_offset, 9, "%Y-%m-%dT%H:%M:%S") +
           "\", \"value\": " + number(widen(map, r.value)) + "}";
  }
  return out + "]";
}

} // namespace btc::rt
