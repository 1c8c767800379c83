// map_full_test.cpp: the full-map warning: once at the first drop, then at most once per
// second with the count of drops since, and the remainder at exit.
#include "output/map_full.h"

#include <gtest/gtest.h>

namespace btc::rt {
namespace {

TEST(MapFullTest, FirstDropThenRateLimitedCounts) {
  std::string out;
  int64_t now = 1000;
  MapFullReporter r([&](std::string_view t) { out += t; }, [&] { return now; });
  abi::MapDesc a;
  a.name = "@a";
  abi::MapDesc b;
  b.name = "@b";
  r.dropped(a, 4096);
  EXPECT_EQ(out, "WARNING: map @a is full (4096 entries, BPFTRACE_MAP_KEYS_MAX): new keys are dropped\n");
  out.clear();
  for (int i = 0; i < 5; ++i) r.dropped(a, 4096);
  now += 999;
  r.tick();
  EXPECT_EQ(out, "");
  r.dropped(b, 10); // another map has its own first message
  EXPECT_EQ(out, "WARNING: map @b is full (10 entries, BPFTRACE_MAP_KEYS_MAX): new keys are dropped\n");
  out.clear();
  now += 1;
  r.dropped(a, 4096); // one second after the first message: report the 6 drops
  EXPECT_EQ(out, "WARNING: map @a is full (4096 entries, BPFTRACE_MAP_KEYS_MAX): 6 more new keys dropped\n");
  out.clear();
  r.dropped(a, 4096);
  now += 1500;
  r.tick();
  EXPECT_EQ(out, "WARNING: map @a is full (4096 entries, BPFTRACE_MAP_KEYS_MAX): 1 more new key dropped\n");
  out.clear();
  r.dropped(b, 10); // more than a second after @b's last message: reported at once
  EXPECT_EQ(out, "WARNING: map @b is full (10 entries, BPFTRACE_MAP_KEYS_MAX): 1 more new key dropped\n");
  out.clear();
  r.dropped(b, 10);
  r.dropped(b, 10);
  r.flush();
  EXPECT_EQ(out, "WARNING: map @b is full (10 entries, BPFTRACE_MAP_KEYS_MAX): 2 more new keys dropped\n");
  out.clear();
  r.flush();
  EXPECT_EQ(out, "");
}

} // namespace
} // namespace btc::rt
