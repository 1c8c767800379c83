// format/test_report.h: what --test and --bench print (bpftrace 0.26's forms).
//
// Input: the script's test (or bench) probe names and each run's result. Output: text lines
// or JSON documents, one call per probe, in script order.
// Example (text, two tests, the second failing with output "bad one"):
//   [==========] Running 2 tests.
//   [ RUN      ] test:okay
//   [       OK ] test:okay (3 μs)
//   [ RUN      ] test:bad
//   bad one
//   [  FAILED  ] test:bad (2 μs)
//   [==========] 2 tests ran.
//   [  PASSED  ] 1 test.
//   [  FAILED  ] 1 test, listed below:
//   [  FAILED  ] test:bad
// The bracketed markers are green (red for failures) when `color` is set.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace btc::rt {

// A duration in the largest unit it reaches (s, ms, μs, ns), rounded down: "3 μs".
std::string duration_text(uint64_t ns);

// The text of test `index` (the header before the first, the summary after the last);
// `passed` holds the results of tests 0..index; a failed test's `output` is shown.
std::string test_result_text(const std::vector<std::string>& names, size_t index,
                             const std::vector<bool>& passed, uint64_t duration_ns,
                             std::string_view output, bool color);
std::string test_result_json(std::string_view name, bool passed, uint64_t duration_ns,
                             std::string_view output);

// One benchmark's row (the table header before the `first` row): name, average ns,
// iterations; the name column fits every one of `names`.
std::string bench_result_text(const std::vector<std::string>& names, std::string_view name,
                              bool first, uint64_t average_ns, uint64_t iterations);
std::string bench_result_json(std::string_view name, uint64_t average_ns, uint64_t iterations);

} // namespace btc::rt
