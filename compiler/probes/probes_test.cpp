// probes_test.cpp: attach-point parsing of the probe registry (spec 1.1-1.3).
#include "probes/probes.h"
#include "probes/parse_test_util.h"

#include <gtest/gtest.h>

namespace btc::probes {
namespace {

TEST(Probes, TracepointAliasAndWildcard) {
  auto s = parse_ok("t:syscalls:sys_enter_*");
  EXPECT_EQ(s.kind, ProbeKind::Tracepoint);
  EXPECT_EQ(s.target, "syscalls:sys_enter_*");
  EXPECT_TRUE(s.wildcard);
  EXPECT_EQ(s.text, "tracepoint:syscalls:sys_enter_*");
}

TEST(Probes, IntervalUnits) {
  EXPECT_EQ(parse_ok("interval:s:2").period, 2000000000u);
  EXPECT_EQ(parse_ok("i:ms:100").period, 100000000u);
  EXPECT_EQ(parse_ok("interval:us:7").period, 7000u);
  auto hz = parse_ok("interval:hz:5");
  EXPECT_TRUE(hz.use_freq);
  EXPECT_EQ(hz.period, 5u);
}

TEST(Probes, ProfileHzIsAFrequency) {
  auto s = parse_ok("profile:hz:99");
  EXPECT_EQ(s.kind, ProbeKind::Profile);
  EXPECT_TRUE(s.use_freq);
  EXPECT_EQ(s.period, 99u);
  EXPECT_EQ(s.text, "profile:hz:99");
}

TEST(Probes, SoftwareAliasesAndDefaultCounts) {
  auto s = parse_ok("software:faults:1");
  EXPECT_EQ(s.target, "page-faults");
  EXPECT_EQ(s.period, 1u);
  // Seed spelling with an empty count means the default (100 for page faults).
  EXPECT_EQ(parse_ok("software:faults:").period, 100u);
  EXPECT_EQ(parse_ok("s:cs").period, 1000u);
  EXPECT_EQ(parse_ok("hardware:cache-references:").period, 1000000u);
  EXPECT_EQ(parse_ok("h:cycles:5000").target, "cpu-cycles");
}

TEST(Probes, Errors) {
  EXPECT_EQ(parse_err("nosuch:x"), "Invalid probe type: nosuch");
  EXPECT_EQ(parse_err("interval:m:1"), "m is not an accepted unit of time");
  EXPECT_EQ(parse_err("interval:s"), "interval probe type requires 2 arguments");
  EXPECT_EQ(parse_err("software:nope:1"), "nope is not a software probe");
  EXPECT_NE(parse_err("tracepoint:onlyone").find("category"), std::string::npos);
}

TEST(Probes, PositionalParametersWaitForTheTool) {
  const std::string p1 = abi::positional_placeholder(1);
  auto interval = parse_ok("i:ms:" + p1);
  EXPECT_EQ(interval.period, 0u); // computed when the tool starts
  EXPECT_EQ(interval.target, "ms");
  auto tp = parse_ok("tracepoint:syscalls:sys_enter_" + p1);
  EXPECT_TRUE(tp.wildcard); // matched where the tool runs
  EXPECT_TRUE(parse_ok("uprobe:" + p1 + ":main").wildcard);
  EXPECT_EQ(parse_ok("software:faults:" + p1).target, "page-faults");
  EXPECT_NE(parse_err("kfunc:" + p1).find("when compiling"), std::string::npos);
  EXPECT_NE(parse_err("software:" + p1 + ":1").find("the event of a software probe"),
            std::string::npos);
  EXPECT_EQ(parse_err("i:ms:$1"), "interval rate must be a positive integer"); // sema converts
}

TEST(Probes, BeginEndAreSpecial) {
  EXPECT_EQ(parse_ok("BEGIN").kind, ProbeKind::Begin);
  EXPECT_EQ(parse_ok("END").kind, ProbeKind::End);
  EXPECT_EQ(describe(ProbeKind::Begin).section, "raw_tp");
  EXPECT_EQ(describe(ProbeKind::Tracepoint).section, "tracepoint");
}

} // namespace
} // namespace btc::probes

TEST(WildcardMatch, StarsAnywhere) {
  using btc::probes::wildcard_match;
  EXPECT_TRUE(wildcard_match("sys_enter_exec*", "sys_enter_execve"));
  EXPECT_TRUE(wildcard_match("sys_enter_exec*", "sys_enter_exec"));
  EXPECT_FALSE(wildcard_match("sys_enter_exec*", "sys_exit_execve"));
  EXPECT_TRUE(wildcard_match("*open*", "sys_enter_openat2"));
  EXPECT_TRUE(wildcard_match("a*b*c", "aXXbYYbc"));
  EXPECT_FALSE(wildcard_match("a*b*c", "aXXbYYbcd"));
  EXPECT_TRUE(wildcard_match("*", ""));
  EXPECT_FALSE(wildcard_match("", "x"));
  EXPECT_TRUE(wildcard_match("syscalls:sys_enter_*", "syscalls:sys_enter_read"));
}
