// cpus_test.cpp: cpu list parsing.
#include "host/cpus.h"

#include <gtest/gtest.h>

namespace btc::rt {
namespace {

TEST(CpusTest, CpuList) {
  EXPECT_EQ(parse_cpu_list("0-3,5,7-8\n"), (std::vector<int>{0, 1, 2, 3, 5, 7, 8}));
  EXPECT_EQ(parse_cpu_list("0"), (std::vector<int>{0}));
  EXPECT_TRUE(parse_cpu_list("").empty());
}

TEST(CpusTest, OnlineHasAtLeastOne) {
  EXPECT_FALSE(online_cpus().empty());
}

} // namespace
} // namespace btc::rt
