// format/histogram.cpp: hist/lhist rendering (see histogram.h).
//
// Example: buckets {1 @0, 1 @1, 2 @2} render as
//   "(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |"
//   "[0]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |"
//   "[1]                    2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|"
#include "output/format/histogram.h"

#include <cstdio>
#include <string_view>

namespace btc::rt {
namespace {

constexpr int kBarWidth = 52;

// First and last non-zero bucket and the largest count; first = -1 when all are zero.
struct Extent {
  long first = -1, last = -1;
  uint64_t max = 0;
};

Extent extent(std::span<const uint64_t> b) {
  Extent e;
  for (size_t i = 0; i < b.size(); ++i) {
    if (b[i] == 0) continue;
    if (e.first < 0) e.first = static_cast<long>(i);
    e.last = static_cast<long>(i);
    if (b[i] > e.max) e.max = b[i];
  }
  return e;
}

std::string line(std::string_view label, uint64_t shown, uint64_t raw, uint64_t max) {
  // bpftrace computes the bar in single precision: count / (float)max * 52, truncated.
  int bar = max ? static_cast<int>(static_cast<float>(raw) / static_cast<float>(max) *
                                   static_cast<float>(kBarWidth))
                : 0;
  char head[96];
  std::snprintf(head, sizeof head, "%-16.*s%8llu |", static_cast<int>(label.size()), label.data(),
                static_cast<unsigned long long>(shown));
  std::string out = head; // a label wider than 16 columns is printed in full, like setw
  out.append(static_cast<size_t>(bar), '@');
  out.append(static_cast<size_t>(kBarWidth - bar), ' ');
  out += "|\n";
  return out;
}

// 2^power with a K/M/G/T suffix for powers >= 10/20/30/40: 1024 -> "1K".
std::string power_label(int power) {
  static constexpr std::string_view kSuffix = " KMGT";
  int unit = power >= 40 ? 4 : power / 10;
  std::string out = std::to_string(uint64_t{1} << (power - unit * 10));
  if (unit) out += kSuffix[static_cast<size_t>(unit)];
  return out;
}

std::string hist_label(long i) {
  if (i == 0) return "(..., 0)";
  if (i == 1) return "[0]";
  if (i == 2) return "[1]";
  int p = static_cast<int>(i) - 2;
  return "[" + power_label(p) + ", " + power_label(p + 1) + ")";
}

// An lhist bound: "NM"/"NK" iff an exact multiple of 1048576 / 1024 (0 stays "0").
std::string lhist_bound(int64_t n) {
  if (n != 0 && n % 1048576 == 0) return std::to_string(n / 1048576) + "M";
  if (n != 0 && n % 1024 == 0) return std::to_string(n / 1024) + "K";
  return std::to_string(n);
}

int64_t in_range_buckets(int64_t min, int64_t max, int64_t step) {
  return step > 0 ? (max - min) / step : 0;
}

std::string count_field(uint64_t count) { return "\"count\": " + std::to_string(count) + "}"; }

} // namespace

uint64_t bucket_total(std::span<const uint64_t> buckets) {
  uint64_t total = 0;
  for (uint64_t b : buckets) total += b;
  return total;
}

std::string hist_text(std::span<const uint64_t> buckets, uint64_t div) {
  if (div == 0) div = 1;
  Extent e = extent(buckets);
  std::string out;
  for (long i = e.first; e.first >= 0 && i <= e.last; ++i)
    out += line(hist_label(i), buckets[i] / div, buckets[i], e.max);
  return out;
}

std::string hist_json(std::span<const uint64_t> buckets, uint64_t div) {
  if (div == 0) div = 1;
  Extent e = extent(buckets);
  if (e.first < 0) return "[]";
  std::string out = "[";
  for (long i = e.first; i <= e.last; ++i) {
    if (i > e.first) out += ", ";
    out += "{";
    if (i == 0) {
      out += "\"max\": -1, ";
    } else if (i == 1 || i == 2) {
      out += "\"min\": " + std::to_string(i - 1) + ", \"max\": " + std::to_string(i - 1) + ", ";
    } else {
      uint64_t low = uint64_t{1} << (i - 2);
      uint64_t high = (uint64_t{1} << (i - 1)) - 1;
      out += "\"min\": " + std::to_string(low) + ", \"max\": " + std::to_string(high) + ", ";
    }
    out += count_field(buckets[i] / div);
  }
  return out + "]";
}

std::string lhist_text(std::span<const uint64_t> buckets, int64_t min, int64_t max,
                       int64_t step) {
  Extent e = extent(buckets);
  int64_t n = in_range_buckets(min, max, step);
  std::string out;
  for (long i = e.first; e.first >= 0 && i <= e.last; ++i) {
    std::string label;
    if (i == 0) label = "(..., " + lhist_bound(min) + ")";
    else if (i == n + 1) label = "[" + lhist_bound(max) + ", ...)";
    else label = "[" + lhist_bound((i - 1) * step + min) + ", " + lhist_bound(i * step + min) + ")";
    out += line(label, buckets[i], buckets[i], e.max);
  }
  return out;
}

std::string lhist_json(std::span<const uint64_t> buckets, int64_t min, int64_t max,
                       int64_t step) {
  Extent e = extent(buckets);
  if (e.first < 0) return "[]";
  int64_t n = in_range_buckets(min, max, step);
  std::string out = "[";
  for (long i = e.first; i <= e.last; ++i) {
    if (i > e.first) out += ", ";
    out += "{";
    if (i == 0) {
      out += "\"max\": " + std::to_string(min - 1) + ", ";
    } else if (i == n + 1) {
      out += "\"min\": " + std::to_string(max) + ", ";
    } else {
      out += "\"min\": " + std::to_string((i - 1) * step + min) +
             ", \"max\": " + std::to_string(i * step + min - 1) + ", ";
    }
    out += count_field(buckets[i]);
  }
  return out + "]";
}

} // namespace btc::rt
