// perf_event_test.cpp: software/hardware event names, aliases and default counts.
#include "attach/perf_event.h"

#include <linux/perf_event.h>

#include <gtest/gtest.h>

namespace btc::rt {
namespace {

using abi::ProbeKind;

TEST(PerfEventTest, NamesAndAliases) {
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

} // namespace
} // namespace btc::rt
