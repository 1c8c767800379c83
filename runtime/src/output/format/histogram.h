// format/histogram.h: text and JSON rendering of hist() and lhist() bucket arrays.
//
// Input: the per-bucket counts already summed over CPUs (hist: 65 buckets, index 0 = negative,
// 1 = zero, 2 = one, i >= 3 = [2^(i-2), 2^(i-1)); lhist: under-range, in-range steps,
// over-range). Output (text): one line per bucket from the first to the last non-zero one,
// label left-aligned in 16 columns, count right-aligned in 8, then " |" + '@' bar padded to 52
// + "|\n"; "" when every bucket is zero. JSON: the bpftrace array of {"min","max","count"}.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace btc::rt {

// `div` divides the printed hist counts (print(@h, top, div)); bars use the raw counts.
std::string hist_text(std::span<const uint64_t> buckets, uint64_t div = 1);
std::string hist_json(std::span<const uint64_t> buckets, uint64_t div = 1);
std::string lhist_text(std::span<const uint64_t> buckets, int64_t min, int64_t max, int64_t step);
std::string lhist_json(std::span<const uint64_t> buckets, int64_t min, int64_t max, int64_t step);

// Total count over all buckets (the sort key of hist maps).
uint64_t bucket_total(std::span<const uint64_t> buckets);

} // namespace btc::rt
