// test_report_test.cpp: unit tests of the --test / --bench reports (test_report.h).
#include "output/format/test_report.h"

#include <gtest/gtest.h>

namespace btc::rt {
namespace {

TEST(TestReport, DurationsInTheLargestUnitReached) {
  EXPECT_EQ(duration_text(0), "0 ns");
  EXPECT_EQ(duration_text(999), "999 ns");
  EXPECT_EQ(duration_text(1500), "1 μs");
  EXPECT_EQ(duration_text(2500000), "2 ms");
  EXPECT_EQ(duration_text(3000000001), "3 s");
}

TEST(TestReport, PassAndFailWithSummaryAndFailedOutput) {
  std::vector<std::string> names = {"test:okay", "test:bad"};
  std::vector<bool> passed = {true};
  EXPECT_EQ(test_result_text(names, 0, passed, 3100, "hidden\n", false),
            "[==========] Running 2 tests.\n"
            "[ RUN      ] test:okay\n"
            "[       OK ] test:okay (3 μs)\n");
  passed.push_back(false);
  EXPECT_EQ(test_result_text(names, 1, passed, 800, "bad one\n\nline two\n", false),
            "[ RUN      ] test:bad\n"
            "bad one\n"
            "line two\n"
            "[  FAILED  ] test:bad (800 ns)\n"
            "[==========] 2 tests ran.\n"
            "[  PASSED  ] 1 test.\n"
            "[  FAILED  ] 1 test, listed below:\n"
            "[  FAILED  ] test:bad\n");
  std::string colored = test_result_text({"test:x"}, 0, {true}, 1, "", true);
  EXPECT_NE(colored.find("\033[32m[       OK ]\033[0m test:x (1 ns)"), std::string::npos);
  EXPECT_EQ(test_result_json("test:x", false, 42, "a \"q\"\n"),
            "{\"type\": \"test_result\", \"data\": {\"test:x\": {\"duration\": 42, "
            "\"passed\": false, \"output\": \"a \\\"q\\\"\\n\"}}}\n");
}

TEST(TestReport, BenchTableColumns) {
  std::vector<std::string> names = {"bench:count", "bench:lhist"};
  std::string first = bench_result_text(names, names[0], true, 12, 65536);
  std::string header = std::string("Benchmark") + std::string(32, ' ') + "Time(ns)" +
                       std::string(7, ' ') + "Iterations\n";
  EXPECT_EQ(first, header + std::string(66, '-') + "\n" + "bench:count" + std::string(30, ' ') +
                       "12" + std::string(13, ' ') + "65536\n");
  EXPECT_EQ(bench_result_text(names, names[1], false, 7, 2),
            "bench:lhist" + std::string(30, ' ') + "7" + std::string(14, ' ') + "2\n");
  EXPECT_EQ(bench_result_json("bench:count", 12, 65536),
            "{\"type\": \"benchmark_result\", \"data\": {\"bench:count\": {\"average\": 12, "
            "\"iters\": 65536}}}\n");
}

} // namespace
} // namespace btc::rt
