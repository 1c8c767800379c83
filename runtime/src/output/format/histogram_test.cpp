// histogram_test.cpp: hist/lhist rendering against the verbatim outputs of spec 8.7.
#include "output/format/histogram.h"

#include <gtest/gtest.h>

#include <vector>

namespace btc::rt {
namespace {

// Bucket index the way bpftrace 0.17's BPF code computes it: 0 negative, 1 zero, then
// 2 + floor(log2 v) found with shifts of 16, 8, 4, 2, 1 -- which saturates at index 33, so
// 5000000000 lands in [2G, 4G) as in the verbatim output.
size_t hist_bucket(int64_t v) {
  if (v < 0) return 0;
  if (v == 0) return 1;
  size_t i = 2;
  auto u = static_cast<uint64_t>(v);
  for (int shift : {16, 8, 4, 2, 1}) {
    if (u >= (uint64_t{1} << shift)) {
      u >>= shift;
      i += static_cast<size_t>(shift);
    }
  }
  return i;
}

size_t lhist_bucket(int64_t v, int64_t min, int64_t max, int64_t step) {
  if (v < min) return 0;
  if (v >= max) return static_cast<size_t>((max - min) / step) + 1;
  return static_cast<size_t>((v - min) / step) + 1;
}

TEST(HistogramTest, Log2Verbatim) {
  std::vector<uint64_t> b(65, 0);
  for (int64_t v : {-5LL, 0LL, 1LL, 1LL, 2LL, 3LL, 100LL, 1500LL, 1048576LL, 5000000000LL})
    ++b[hist_bucket(v)];
  const char* expected =
      "(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
      "[0]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
      "[1]                    2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
      "[2, 4)                 2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
      "[4, 8)                 0 |                                                    |\n"
      "[8, 16)                0 |                                                    |\n"
      "[16, 32)               0 |                                                    |\n"
      "[32, 64)               0 |                                                    |\n"
      "[64, 128)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
      "[128, 256)             0 |                                                    |\n"
      "[256, 512)             0 |                                                    |\n"
      "[512, 1K)              0 |                                                    |\n"
      "[1K, 2K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
      "[2K, 4K)               0 |                                                    |\n"
      "[4K, 8K)               0 |                                                    |\n"
      "[8K, 16K)              0 |                                                    |\n"
      "[16K, 32K)             0 |                                                    |\n"
      "[32K, 64K)             0 |                                                    |\n"
      "[64K, 128K)            0 |                                                    |\n"
      "[128K, 256K)           0 |                                                    |\n"
      "[256K, 512K)           0 |                                                    |\n"
      "[512K, 1M)             0 |                                                    |\n"
      "[1M, 2M)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
      "[2M, 4M)               0 |                                                    |\n"
      "[4M, 8M)               0 |                                                    |\n"
      "[8M, 16M)              0 |                                                    |\n"
      "[16M, 32M)             0 |                                                    |\n"
      "[32M, 64M)             0 |                                                    |\n"
      "[64M, 128M)            0 |                                                    |\n"
      "[128M, 256M)           0 |                                                    |\n"
      "[256M, 512M)           0 |                                                    |\n"
      "[512M, 1G)             0 |                                                    |\n"
      "[1G, 2G)               0 |                                                    |\n"
      "[2G, 4G)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n";
  EXPECT_EQ(hist_text(b), expected);
}

TEST(HistogramTest, LinearVerbatim) {
  std::vector<uint64_t> l(12, 0);
  for (int64_t v : {-3, 5, 35, 100, 250}) ++l[lhist_bucket(v, 0, 100, 10)];
  const char* expected =
      "(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
      "[0, 10)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
      "[10, 20)               0 |                                                    |\n"
      "[20, 30)               0 |                                                    |\n"
      "[30, 40)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
      "[40, 50)               0 |                                                    |\n"
      "[50, 60)               0 |                                                    |\n"
      "[60, 70)               0 |                                                    |\n"
      "[70, 80)               0 |                                                    |\n"
      "[80, 90)               0 |                                                    |\n"
      "[90, 100)              0 |                                                    |\n"
      "[100, ...)             2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n";
  EXPECT_EQ(lhist_text(l, 0, 100, 10), expected);
}

TEST(HistogramTest, LinearKiloLabels) {
  std::vector<uint64_t> k(6, 0);
  for (int64_t v : {2048, 3000}) ++k[lhist_bucket(v, 0, 4096, 1024)];
  EXPECT_EQ(lhist_text(k, 0, 4096, 1024),
            "[2K, 3K)               2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n");
}

TEST(HistogramTest, EmptyRendersNothing) {
  std::vector<uint64_t> b(65, 0);
  EXPECT_EQ(hist_text(b), "");
  EXPECT_EQ(hist_json(b), "[]");
  EXPECT_EQ(lhist_text(std::vector<uint64_t>(4, 0), 0, 10, 5), "");
}

TEST(HistogramTest, DivideDividesCountsNotBars) {
  std::vector<uint64_t> b(65, 0);
  b[4] = 10;
  b[5] = 20;
  EXPECT_EQ(hist_text(b, 10),
            "[4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
            "[8, 16)                2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n");
}

TEST(HistogramTest, BarsTruncate) {
  std::vector<uint64_t> b(65, 0);
  b[1] = 1;
  b[2] = 3;
  // 1/3*52 = 17.33 -> 17
  EXPECT_EQ(hist_text(b).substr(0, 26 + 17 + 1),
            "[0]                    1 |@@@@@@@@@@@@@@@@@ ");
}

TEST(HistogramTest, JsonVerbatim) {
  std::vector<uint64_t> b(65, 0);
  for (int64_t v : {5, 0, -1}) ++b[hist_bucket(v)];
  EXPECT_EQ(hist_json(b), "[{\"max\": -1, \"count\": 1}, {\"min\": 0, \"max\": 0, \"count\": 1}, "
                          "{\"min\": 1, \"max\": 1, \"count\": 0}, {\"min\": 2, \"max\": 3, "
                          "\"count\": 0}, {\"min\": 4, \"max\": 7, \"count\": 1}]");
  std::vector<uint64_t> l(4, 0);
  for (int64_t v : {5, 20}) ++l[lhist_bucket(v, 0, 10, 5)];
  EXPECT_EQ(lhist_json(l, 0, 10, 5), "[{\"min\": 5, \"max\": 9, \"count\": 1}, {\"min\": 10, \"count\": 1}]");
}

TEST(HistogramTest, HugeBuckets) {
  std::vector<uint64_t> b(65, 0);
  b[64] = 1;
  EXPECT_EQ(hist_text(b),
            "[4194304T, 8388608T)       1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n");
}

} // namespace
} // namespace btc::rt
