// collector_test.cpp: the family names a tool would serve must not meet: a map named like
// the anonymous map's family, or a prefix that makes a map collide with the tool's own
// metrics, stops the tool at start with the clash in words.
#include "metrics/collector.h"

#include "output/test_support.h"

#include <gtest/gtest.h>

namespace btc::rt::metrics {
namespace {

using abi::MapKind;
using abi::ValueKind;

class CollectorNames : public ::testing::Test {
protected:
  CollectorNames() { i64_ = test::add_type(m_, ValueKind::Int, 8); }
  std::string clash(std::string prefix) {
    Collector c(CollectorInput{.manifest = m_, .prefix = std::move(prefix)});
    return c.check_names();
  }
  abi::Manifest m_;
  uint32_t i64_ = 0;
};

TEST_F(CollectorNames, DistinctMapsServeSideBySide) {
  m_.maps = {test::make_map("@", MapKind::Count, {}, i64_),
             test::make_map("@opens", MapKind::Count, {}, i64_),
             test::make_map("@st", MapKind::Stats, {}, i64_)};
  EXPECT_EQ(clash("tool"), "");
}

TEST_F(CollectorNames, TheAnonymousMapAndAMapNamedMapClash) {
  m_.maps = {test::make_map("@", MapKind::Count, {}, i64_),
             test::make_map("@map", MapKind::Sum, {}, i64_)};
  EXPECT_EQ(clash("tool"), "the metric name tool_map would be used by both map @ and map @map");
}

TEST_F(CollectorNames, StatsAverageAndAMapNamedLikeIt) {
  m_.maps = {test::make_map("@s", MapKind::Stats, {}, i64_),
             test::make_map("@s_avg", MapKind::Max, {}, i64_)};
  EXPECT_NE(clash("tool").find("tool_s_avg"), std::string::npos);
}

TEST_F(CollectorNames, APrefixCanCollideWithTheToolsOwnMetrics) {
  m_.maps = {test::make_map("@events_lost", MapKind::Count, {}, i64_)};
  EXPECT_EQ(clash("tool"), "");
  EXPECT_EQ(clash("btc"), "the metric name btc_events_lost would be used by both the tool's "
                          "own btc_events_lost and map @events_lost");
}

TEST_F(CollectorNames, SkippedMapsNeedNoName) {
  uint32_t str = test::add_type(m_, ValueKind::String, 16);
  m_.maps = {test::make_map("@", MapKind::Count, {}, i64_),
             test::make_map("@map", MapKind::Plain, {}, str)};
  EXPECT_EQ(clash("tool"), "");
}

} // namespace
} // namespace btc::rt::metrics
