// exposition_test.cpp: maps as metric families: names, label names and values, escaping,
// histogram buckets, and the 0.0.4 / OpenMetrics differences.
#include "metrics/exposition.h"

#include "output/test_support.h"

#include <gtest/gtest.h>

namespace btc::rt::metrics {
namespace {

using abi::MapKind;
using abi::ValueKind;

TEST(MetricNames, ToolNameBecomesAValidPrefix) {
  EXPECT_EQ(sanitize_name("btc-opensnoop"), "btc_opensnoop");
  EXPECT_EQ(sanitize_name("9lives.bt"), "_9lives_bt");
  EXPECT_TRUE(valid_metric_name("a:b_c9"));
  EXPECT_FALSE(valid_metric_name("9a"));
  EXPECT_FALSE(valid_metric_name("a-b"));
  EXPECT_FALSE(valid_metric_name(""));
}

TEST(MetricNames, MapNamesAndTheAnonymousMap) {
  EXPECT_EQ(map_family_name("tool", "@opens"), "tool_opens");
  EXPECT_EQ(map_family_name("tool", "@"), "tool_map");
}

TEST(LabelValues, EscapedAsTheFormatRequires) {
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(escape_label_value("caf\xc3\xa9"), "caf\xc3\xa9");           // valid UTF-8 kept
  EXPECT_EQ(escape_label_value("x\xff"), "x\xef\xbf\xbd");               // invalid byte -> U+FFFD
  EXPECT_EQ(escape_label_value("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd"); // overlong form
}

TEST(Accept, PrometheusScrapesAskForOpenMetrics) {
  EXPECT_TRUE(wants_openmetrics("application/openmetrics-text;version=1.0.0,text/plain;"
                                "version=0.0.4;q=0.5,*/*;q=0.1"));
  EXPECT_FALSE(wants_openmetrics("text/plain"));
  EXPECT_FALSE(wants_openmetrics("*/*"));
}

class MapExport : public ::testing::Test {
protected:
  MapExport() {
    u64_ = test::add_type(m_, ValueKind::UInt, 8);
    str_ = test::add_type(m_, ValueKind::String, 16);
  }
  abi::MapDesc map(std::string name, MapKind kind, std::vector<abi::Field> keys = {}) {
    abi::MapDesc d;
    d.name = std::move(name);
    d.kind = kind;
    d.keys = std::move(keys);
    return d;
  }
  std::string render(const abi::MapDesc& d, std::vector<LabelledEntry> entries,
                     Format f = Format::Text004) {
    Writer w(f);
    write_map(w, m_, d, plan_map(m_, d, "t"), entries, extent_);
    return w.finish();
  }
  abi::Manifest m_;
  uint32_t u64_ = 0, str_ = 0;
  HistogramExtent extent_;
};

TEST_F(MapExport, CountIsACounterWithTotalAndKeyLabels) {
  auto d = map("@opens", MapKind::Count, {{"comm", 0, str_}, {"", 16, u64_}});
  MapEntry e;
  e.number = 12;
  EXPECT_EQ(render(d, {{{"bash", "3"}, &e}}), "# HELP t_opens_total @opens[comm, key] = count()\n"
                                              "# TYPE t_opens_total counter\n"
                                              "t_opens_total{comm=\"bash\",key=\"3\"} 12\n");
  EXPECT_EQ(render(d, {{{"bash", "3"}, &e}}, Format::OpenMetrics),
            "# TYPE t_opens counter\n"
            "# HELP t_opens @opens[comm, key] = count()\n"
            "t_opens_total{comm=\"bash\",key=\"3\"} 12\n"
            "# EOF\n");
}

TEST_F(MapExport, UnnamedKeysAreKeyKey1AndNamesDoNotRepeat) {
  auto d =
      map("@x", MapKind::Sum, {{"", 0, u64_}, {"pid", 8, u64_}, {"pid", 16, u64_}, {"", 24, u64_}});
  EXPECT_EQ(plan_map(m_, d, "t").labels, (std::vector<std::string>{"key", "pid", "key1", "key2"}));
  auto h = map("@h", MapKind::Hist, {{"le", 0, u64_}});
  EXPECT_EQ(plan_map(m_, h, "t").labels, std::vector<std::string>{"key"}); // le is reserved
}

TEST_F(MapExport, SignedGaugesAndAverages) {
  auto d = map("@s", MapKind::Sum);
  MapEntry e;
  e.number = -5;
  EXPECT_EQ(render(d, {{{}, &e}}), "# HELP t_s @s = sum()\n# TYPE t_s gauge\nt_s -5\n");
  auto a = map("@a", MapKind::Avg);
  MapEntry v;
  v.count = 4;
  v.total = 10;
  EXPECT_NE(render(a, {{{}, &v}}).find("\nt_a 2.5\n"), std::string::npos);
}

TEST_F(MapExport, StatsAreASummaryAndAnAverage) {
  auto d = map("@st", MapKind::Stats);
  MapEntry e;
  e.count = 3;
  e.total = 9;
  std::string text = render(d, {{{}, &e}});
  EXPECT_NE(text.find("# TYPE t_st summary\nt_st_count 3\nt_st_sum 9\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE t_st_avg gauge\nt_st_avg 3\n"), std::string::npos);
}

TEST_F(MapExport, HistBucketsAreCumulativeInclusiveIntegerBounds) {
  auto d = map("@us", MapKind::Hist);
  MapEntry e;
  e.buckets.assign(abi::kHistBuckets, 0);
  e.buckets[1] = 1; // 0
  e.buckets[2] = 2; // 1
  e.buckets[4] = 3; // [4, 8)
  e.sum = 0 + 2 + 3 * 5;
  EXPECT_EQ(render(d, {{{}, &e}}), "# HELP t_us @us = hist()\n"
                                   "# TYPE t_us histogram\n"
                                   "t_us_bucket{le=\"0\"} 1\n"
                                   "t_us_bucket{le=\"1\"} 3\n"
                                   "t_us_bucket{le=\"3\"} 3\n"
                                   "t_us_bucket{le=\"7\"} 6\n"
                                   "t_us_bucket{le=\"+Inf\"} 6\n"
                                   "t_us_count 6\n"
                                   "t_us_sum 17\n");
}

TEST_F(MapExport, HistBucketSetOnlyGrows) {
  auto d = map("@us", MapKind::Hist);
  MapEntry big;
  big.buckets.assign(abi::kHistBuckets, 0);
  big.buckets[5] = 1;
  render(d, {{{}, &big}});
  MapEntry small;
  small.buckets.assign(abi::kHistBuckets, 0);
  small.buckets[2] = 1;
  // The second scrape still has the bucket the first one needed (le=15).
  EXPECT_NE(render(d, {{{}, &small}}).find("t_us_bucket{le=\"15\"} 1\n"), std::string::npos);
}

TEST_F(MapExport, HistTopBucketAndNegativesCountOnlyTowardsInf) {
  auto d = map("@h", MapKind::Hist);
  MapEntry e;
  e.buckets.assign(abi::kHistBuckets, 0);
  e.buckets[0] = 1;  // a negative value
  e.buckets[33] = 1; // 2^31 or more (0.17's log2 stops at 32 bits)
  std::string text = render(d, {{{}, &e}});
  EXPECT_NE(text.find("t_h_bucket{le=\"-1\"} 1\n"), std::string::npos);
  EXPECT_EQ(text.find("le=\"4294967295\""), std::string::npos);
  EXPECT_NE(text.find("t_h_bucket{le=\"+Inf\"} 2\n"), std::string::npos);
  // OpenMetrics: a negative bound means no _sum.
  EXPECT_EQ(render(d, {{{}, &e}}, Format::OpenMetrics).find("t_h_sum"), std::string::npos);
}

TEST_F(MapExport, LhistBoundsFollowMinMaxStep) {
  auto d = map("@l", MapKind::Lhist);
  d.lhist_min = 0;
  d.lhist_max = 30;
  d.lhist_step = 10;
  MapEntry e;
  e.buckets = {0, 1, 0, 2, 4}; // under, [0,10), [10,20), [20,30), over
  e.sum = 5 + 2 * 25 + 4 * 100;
  std::string text = render(d, {{{}, &e}});
  EXPECT_NE(text.find("t_l_bucket{le=\"9\"} 1\nt_l_bucket{le=\"19\"} 1\n"
                      "t_l_bucket{le=\"29\"} 3\nt_l_bucket{le=\"+Inf\"} 7\n"
                      "t_l_count 7\nt_l_sum 455\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("le=\"-1\""), std::string::npos); // never-used negative underflow
}

TEST_F(MapExport, StringStackAndTseriesMapsAreSkippedWithAReason) {
  auto s = map("@name", MapKind::Plain);
  s.value_type = str_;
  EXPECT_EQ(plan_map(m_, s, "t").skipped, "its values are strings");
  uint32_t kstack = test::add_type(m_, ValueKind::Kstack, 16);
  auto k = map("@stacks", MapKind::Count, {{"kstack", 0, kstack}});
  EXPECT_EQ(plan_map(m_, k, "t").skipped, "its keys are stacks");
  EXPECT_EQ(render(k, {}), "");
  EXPECT_FALSE(plan_map(m_, map("@t", MapKind::Tseries), "t").skipped.empty());
}

TEST(Writer, InfoAndHelpEscaping) {
  Writer w(Format::Text004);
  w.family("btc_build", MetricType::Info, "a\\b\nc");
  Label l{"tool", "x"};
  w.sample("", std::span(&l, 1), "1");
  EXPECT_EQ(w.finish(), "# HELP btc_build_info a\\\\b\\nc\n# TYPE btc_build_info gauge\n"
                        "btc_build_info{tool=\"x\"} 1\n");
  Writer o(Format::OpenMetrics);
  o.family("btc_build", MetricType::Info, "say \"hi\"");
  o.sample("", std::span(&l, 1), "1");
  EXPECT_EQ(o.finish(), "# TYPE btc_build info\n# HELP btc_build say \\\"hi\\\"\n"
                        "btc_build_info{tool=\"x\"} 1\n# EOF\n");
}

TEST(Numbers, IntegersExactlyOthersWith17Digits) {
  EXPECT_EQ(number_text(3), "3");
  EXPECT_EQ(number_text(0.1), "0.10000000000000001");
  EXPECT_EQ(number_text(1e300 * 1e300), "+Inf");
}

} // namespace
} // namespace btc::rt::metrics
