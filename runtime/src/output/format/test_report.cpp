// format/test_report.cpp: --test / --bench reports (see test_report.h).
#include "output/format/test_report.h"

#include "output/format/value.h"

#include <algorithm>

namespace btc::rt {
namespace {

std::string marker(std::string_view text, bool failed, bool color) {
  if (!color) return std::string(text);
  return std::string(failed ? "\033[31m" : "\033[32m") + std::string(text) + "\033[0m";
}

std::string plural(size_t n) {
  return std::to_string(n) + (n == 1 ? " test" : " tests");
}

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.resize(width, ' ');
  return s;
}

} // namespace

std::string duration_text(uint64_t ns) {
  if (ns >= 1000000000) return std::to_string(ns / 1000000000) + " s";
  if (ns >= 1000000) return std::to_string(ns / 1000000) + " ms";
  if (ns >= 1000) return std::to_string(ns / 1000) + " μs";
  return std::to_string(ns) + " ns";
}

std::string test_result_text(const std::vector<std::string>& names, size_t index,
                             const std::vector<bool>& passed, uint64_t duration_ns,
                             std::string_view output, bool color) {
  std::string out;
  if (index == 0)
    out += marker("[==========]", false, color) + " Running " + plural(names.size()) + ".\n";
  out += marker("[ RUN      ]", false, color) + " " + names[index] + "\n";
  bool ok = passed[index];
  if (!ok) { // a failed test shows what it printed, without empty lines
    size_t pos = 0;
    while (pos < output.size()) {
      size_t eol = output.find('\n', pos);
      std::string_view line = output.substr(pos, eol == std::string_view::npos ? eol : eol - pos);
      if (!line.empty()) out += std::string(line) + "\n";
      pos = eol == std::string_view::npos ? output.size() : eol + 1;
    }
  }
  out += marker(ok ? "[       OK ]" : "[  FAILED  ]", !ok, color) + " " + names[index] + " (" +
         duration_text(duration_ns) + ")\n";
  if (index + 1 == names.size()) {
    size_t good = static_cast<size_t>(std::count(passed.begin(), passed.end(), true));
    size_t bad = passed.size() - good;
    out += marker("[==========]", false, color) + " " + plural(names.size()) + " ran.\n";
    out += marker("[  PASSED  ]", false, color) + " " + plural(good) + ".\n";
    if (bad > 0) {
      out += marker("[  FAILED  ]", true, color) + " " + plural(bad) + ", listed below:\n";
      for (size_t i = 0; i < passed.size(); ++i)
        if (!passed[i]) out += marker("[  FAILED  ]", true, color) + " " + names[i] + "\n";
    }
  }
  return out;
}

std::string test_result_json(std::string_view name, bool passed, uint64_t duration_ns,
                             std::string_view output) {
  return "{\"type\": \"test_result\", \"data\": {\"" + json_escape(name) +
         "\": {\"duration\": " + std::to_string(duration_ns) +
         ", \"passed\": " + (passed ? "true" : "false") + ", \"output\": \"" + json_escape(output) +
         "\"}}}\n";
}

std::string bench_result_text(const std::vector<std::string>& names, std::string_view name,
                              bool first, uint64_t average_ns, uint64_t iterations) {
  constexpr size_t kTimeWidth = 15;
  const std::string kIterations = "Iterations";
  size_t name_width = 40;
  for (const auto& n : names) name_width = std::max(name_width, n.size());
  std::string out;
  if (first) {
    out += pad("Benchmark", name_width + 1) + pad("Time(ns)", kTimeWidth) + kIterations + "\n";
    out += std::string(name_width + 1 + kTimeWidth + kIterations.size(), '-') + "\n";
  }
  out += pad(std::string(name), name_width + 1) + pad(std::to_string(average_ns), kTimeWidth) +
         std::to_string(iterations) + "\n";
  return out;
}

std::string bench_result_json(std::string_view name, uint64_t average_ns, uint64_t iterations) {
  return "{\"type\": \"benchmark_result\", \"data\": {\"" + json_escape(name) +
         "\": {\"average\": " + std::to_string(average_ns) +
         ", \"iters\": " + std::to_string(iterations) + "}}}\n";
}

} // namespace btc::rt
