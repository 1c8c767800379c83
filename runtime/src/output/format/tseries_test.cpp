// tseries_test.cpp: the tseries() graph against the two examples of bpftrace v0.26.1's
// docs/stdlib.md (times in UTC on 1970-01-01, values as printed there), the merge of one
// interval's per-CPU slots, and which rows a key prints.
#include "output/format/tseries.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

namespace btc::rt {
namespace {

class TseriesText : public ::testing::Test {
protected:
  void SetUp() override {
    const char* tz = std::getenv("TZ");
    saved_ = tz ? tz : "";
    had_ = tz != nullptr;
    setenv("TZ", "UTC", 1);
    tzset();
  }
  void TearDown() override {
    if (had_)
      setenv("TZ", saved_.c_str(), 1);
    else
      unsetenv("TZ");
    tzset();
  }
  std::string saved_;
  bool had_ = false;
};

abi::MapDesc series_map(uint64_t interval_ns, uint32_t intervals, abi::TseriesAgg agg) {
  abi::MapDesc m;
  m.name = "@";
  m.kind = abi::MapKind::Tseries;
  m.tseries_interval_ns = interval_ns;
  m.tseries_intervals = intervals;
  m.tseries_agg = agg;
  m.value_signed = true;
  return m;
}

// Rows every 100 ms from `first` (seconds after midnight, in tenths).
std::vector<SeriesRow> rows_from(uint64_t first_tenths, const std::vector<int64_t>& values) {
  std::vector<SeriesRow> rows;
  for (size_t i = 0; i < values.size(); ++i) rows.push_back({first_tenths + i, true, values[i]});
  return rows;
}

uint64_t tenths(int h, int m, int s, int tenth) {
  return ((uint64_t(h) * 60 + uint64_t(m)) * 60 + uint64_t(s)) * 10 + uint64_t(tenth);
}

TEST_F(TseriesText, ZigzagExampleOfTheDocs) {
  auto rows = rows_from(tenths(10, 39, 49, 3),
                        {-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 4, 3, 2, 1, 0, -1, -2, -3, -4});
  const std::string want = "             -5                                                  5\n"
                           "hh:mm:ss.ms  |___________________________________________________|\n"
                           "10:39:49.300 *                         .                         | -5\n"
                           "10:39:49.400 |    *                    .                         | -4\n"
                           "10:39:49.500 |         *               .                         | -3\n"
                           "10:39:49.600 |              *          .                         | -2\n"
                           "10:39:49.700 |                   *     .                         | -1\n"
                           "10:39:49.800 |                         *                         | 0\n"
                           "10:39:49.900 |                         .    *                    | 1\n"
                           "10:39:50.000 |                         .         *               | 2\n"
                           "10:39:50.100 |                         .              *          | 3\n"
                           "10:39:50.200 |                         .                   *     | 4\n"
                           "10:39:50.300 |                         .                         * 5\n"
                           "10:39:50.400 |                         .                   *     | 4\n"
                           "10:39:50.500 |                         .              *          | 3\n"
                           "10:39:50.600 |                         .         *               | 2\n"
                           "10:39:50.700 |                         .    *                    | 1\n"
                           "10:39:50.800 |                         *                         | 0\n"
                           "10:39:50.900 |                   *     .                         | -1\n"
                           "10:39:51.000 |              *          .                         | -2\n"
                           "10:39:51.100 |         *               .                         | -3\n"
                           "10:39:51.200 |    *                    .                         | -4\n"
                           "             v___________________________________________________v\n"
                           "             -5                                                  5\n";
  EXPECT_EQ(tseries_text(rows, series_map(100000000, 20, abi::TseriesAgg::Last), 0), want);
}

TEST_F(TseriesText, MinimumOfRandomValuesExampleOfTheDocs) {
  auto rows = rows_from(tenths(10, 41, 46, 7),
                        {0, 0, 1, 2, 1, 0, 1, 0, 1, 0, 2, 0, 0, 1, 1, 1, 0, 2, 1, 1});
  const std::string want = "             0                                                   2\n"
                           "hh:mm:ss.ms  |___________________________________________________|\n"
                           "10:41:46.700 *                                                   | 0\n"
                           "10:41:46.800 *                                                   | 0\n"
                           "10:41:46.900 |                         *                         | 1\n"
                           "10:41:47.000 |                                                   * 2\n"
                           "10:41:47.100 |                         *                         | 1\n"
                           "10:41:47.200 *                                                   | 0\n"
                           "10:41:47.300 |                         *                         | 1\n"
                           "10:41:47.400 *                                                   | 0\n"
                           "10:41:47.500 |                         *                         | 1\n"
                           "10:41:47.600 *                                                   | 0\n"
                           "10:41:47.700 |                                                   * 2\n"
                           "10:41:47.800 *                                                   | 0\n"
                           "10:41:47.900 *                                                   | 0\n"
                           "10:41:48.000 |                         *                         | 1\n"
                           "10:41:48.100 |                         *                         | 1\n"
                           "10:41:48.200 |                         *                         | 1\n"
                           "10:41:48.300 *                                                   | 0\n"
                           "10:41:48.400 |                                                   * 2\n"
                           "10:41:48.500 |                         *                         | 1\n"
                           "10:41:48.600 |                         *                         | 1\n"
                           "             v___________________________________________________v\n"
                           "             0                                                   2\n";
  EXPECT_EQ(tseries_text(rows, series_map(100000000, 20, abi::TseriesAgg::Min), 0), want);
}

TEST_F(TseriesText, SecondsHaveNoFractionAndGapsPrintADash) {
  // 1 s intervals, the TAI clock 37 s ahead of UTC; the middle interval saw nothing.
  std::vector<SeriesRow> rows = {{3600, true, 4}, {3601, false, 0}, {3602, true, 8}};
  std::string text =
      tseries_text(rows, series_map(1000000000, 3, abi::TseriesAgg::Last), 37000000000);
  EXPECT_NE(text.find("hh:mm:ss |"), std::string::npos) << text;
  EXPECT_NE(text.find("00:59:23 *                                                   | 4\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("00:59:24 |                                                   | -\n"),
            std::string::npos)
      << text;
}

TEST(Tseries, FlatUnsignedMaximumStaysInRange) {
  auto m = series_map(1000000000, 1, abi::TseriesAgg::Last);
  m.value_signed = false;
  std::vector<SeriesRow> rows = {{10, true, -1}};
  std::string text = tseries_text(rows, m, 0);
  EXPECT_NE(text.find("18446744073709551614             18446744073709551615\n"), std::string::npos)
      << text;
}

TEST(Tseries, MergeKeepsOnlyTheLatestEpochOfAnInterval) {
  std::vector<int64_t> values = {5, 7, 100};
  std::vector<uint64_t> epochs = {20, 20, 17}; // CPU 2 last wrote this slot 3 intervals ago
  std::vector<uint64_t> metas = {1, 1, 1};
  EXPECT_EQ(merge_interval(series_map(1, 3, abi::TseriesAgg::Sum), values, metas, epochs),
            SeriesPoint(20, 12));
  EXPECT_EQ(merge_interval(series_map(1, 3, abi::TseriesAgg::Max), values, metas, epochs),
            SeriesPoint(20, 7));
  EXPECT_EQ(merge_interval(series_map(1, 3, abi::TseriesAgg::Min), values, metas, epochs),
            SeriesPoint(20, 5));
  // Avg: meta counts the values: (5 + 7) / (2 + 1).
  std::vector<uint64_t> counts = {2, 1, 9};
  EXPECT_EQ(merge_interval(series_map(1, 3, abi::TseriesAgg::Avg), values, counts, epochs),
            SeriesPoint(20, 4));
  // Last: meta is the write time; CPU 0 wrote later.
  std::vector<uint64_t> times = {900, 800, 999};
  EXPECT_EQ(merge_interval(series_map(1, 3, abi::TseriesAgg::Last), values, times, epochs),
            SeriesPoint(20, 5));
  std::vector<uint64_t> unused = {0, 0, 0};
  EXPECT_EQ(merge_interval(series_map(1, 3, abi::TseriesAgg::Sum), values, metas, unused).first,
            0u);
}

TEST(Tseries, RowsStartAtTheKeysFirstPointInTheWindow) {
  std::vector<SeriesPoint> points = {{3, 1}, {7, 2}, {9, 3}};
  auto rows = series_rows(points, 10, 5); // window 6..10
  ASSERT_EQ(rows.size(), 4u);             // 7, 8 (gap), 9, 10 (gap)
  EXPECT_EQ(rows[0].epoch, 7u);
  EXPECT_TRUE(rows[0].present);
  EXPECT_FALSE(rows[1].present);
  EXPECT_EQ(rows[2].value, 3);
  EXPECT_FALSE(rows[3].present);
  // A zeroed key, or one whose points are all older than the window.
  EXPECT_TRUE(series_rows({}, 10, 5).empty());
  EXPECT_TRUE(series_rows(points, 100, 5).empty());
  EXPECT_EQ(tseries_text({}, series_map(1, 5, abi::TseriesAgg::Sum), 0), "<no data>");
}

} // namespace
} // namespace btc::rt
