// attach_test.cpp: attach-point planning that needs no kernel, perf event tables and cpu
// list parsing.
#include "attach/plan.h"

#include <linux/perf_event.h>

#include <gtest/gtest.h>

namespace btc::rt {
namespace {

using abi::ProbeKind;

abi::ProbeDesc probe(ProbeKind kind, std::string text, uint32_t id) {
  abi::ProbeDesc p;
  p.kind = kind;
  p.text = std::move(text);
  p.prog_name = "prog" + std::to_string(id);
  p.probe_id = id;
  return p;
}

TEST(AttachTest, PlanKeepsBeginEndAndPerfProbes) {
  abi::Manifest m;
  m.probes = {probe(ProbeKind::Begin, "BEGIN", 0), probe(ProbeKind::Interval, "interval:s:1", 1),
              probe(ProbeKind::Profile, "profile:hz:99", 2), probe(ProbeKind::End, "END", 3)};
  std::vector<std::string> names = {"BEGIN", "interval:s:1", "profile:hz:99", "END"};
  std::vector<AttachPoint> points;
  std::string err;
  ASSERT_TRUE(plan_attach_points(m, names, points, err)) << err;
  ASSERT_EQ(points.size(), 4u);
  EXPECT_EQ(points[1].text, "interval:s:1");
  EXPECT_EQ(points[2].id, 2u);
  EXPECT_EQ(names.size(), 4u);
}

// A usdt probe matching no note of its binary is dropped (as 0.17); with nothing else left
// there is nothing to attach.
TEST(AttachTest, UsdtWithoutMatches) {
  abi::Manifest m;
  m.probes = {probe(ProbeKind::Usdt, "usdt:/bin/sh:p", 0)};
  m.probes[0].target = "/bin/sh";
  m.probes[0].func = "p";
  std::vector<std::string> names = {"usdt:/bin/sh:p"};
  std::vector<AttachPoint> points;
  std::string err;
  EXPECT_FALSE(plan_attach_points(m, names, points, err));
  EXPECT_EQ(err, "No probes to attach\n");
}

TEST(AttachTest, PerfEventNamesAndAliases) {
  PerfEventName ev;
  ASSERT_TRUE(lookup_perf_event(ProbeKind::Software, "cs", ev));
  EXPECT_EQ(ev.type, PERF_TYPE_SOFTWARE);
  EXPECT_EQ(ev.config, uint64_t{PERF_COUNT_SW_CONTEXT_SWITCHES});
  EXPECT_EQ(ev.default_period, 1000u);
  ASSERT_TRUE(lookup_perf_event(ProbeKind::Software, "page-faults", ev));
  EXPECT_EQ(ev.default_period, 100u);
  ASSERT_TRUE(lookup_perf_event(ProbeKind::Hardware, "cycles", ev));
  EXPECT_EQ(ev.type, PERF_TYPE_HARDWARE);
  EXPECT_EQ(ev.config, uint64_t{PERF_COUNT_HW_CPU_CYCLES});
  ASSERT_TRUE(lookup_perf_event(ProbeKind::Hardware, "branches", ev));
  EXPECT_EQ(ev.default_period, 100000u);
  EXPECT_FALSE(lookup_perf_event(ProbeKind::Hardware, "cs", ev));
  EXPECT_FALSE(lookup_perf_event(ProbeKind::Software, "", ev));
}

TEST(AttachTest, CpuList) {
  EXPECT_EQ(parse_cpu_list("0-3,5,7-8\n"), (std::vector<int>{0, 1, 2, 3, 5, 7, 8}));
  EXPECT_EQ(parse_cpu_list("0"), (std::vector<int>{0}));
  EXPECT_TRUE(parse_cpu_list("").empty());
}

} // namespace
} // namespace btc::rt
