// watchpoint_test.cpp: watchpoint / asyncwatchpoint attach-point parsing, with bpftrace
// 0.17's messages (each checked against `bpftrace -e` on the reference host).
#include "probes/watchpoint.h"
#include "probes/parse_test_util.h"

#include <gtest/gtest.h>

namespace btc::probes {
namespace {

// The arming program the manifest names for an attach point ("" for the ADDR form).
std::string setup_program(const AttachSpec& s) {
  abi::ProbeDesc d;
  d.prog_name = "watchpoint_0_0";
  d.spec.watch_arg = s.watch_arg;
  provider(s.kind).describe_manifest(sema::ProbeInfo{}, d);
  return d.setup_prog_name;
}

TEST(Watchpoint, AddressForm) {
  auto s = parse_ok("watchpoint:0x10000000:4:w");
  EXPECT_EQ(s.kind, ProbeKind::Watchpoint);
  EXPECT_EQ(s.offset, 0x10000000u);
  EXPECT_EQ(s.watch_len, 4u);
  EXPECT_EQ(s.watch_mode, "w");
  EXPECT_EQ(s.watch_arg, -1);
  EXPECT_EQ(setup_program(s), "");
  EXPECT_FALSE(s.wildcard);
  // 0.17 names it with the address in decimal.
  EXPECT_EQ(s.text, "watchpoint:268435456:4:w");
}

TEST(Watchpoint, AliasSortsModeAndReadsHexLength) {
  auto s = parse_ok("w:268435456:0x8:wr");
  EXPECT_EQ(s.kind, ProbeKind::Watchpoint);
  EXPECT_EQ(s.watch_len, 8u);
  EXPECT_EQ(s.watch_mode, "rw");
  EXPECT_EQ(s.text, "watchpoint:268435456:8:rw");
  EXPECT_EQ(parse_ok("watchpoint:0x1000:8:x").watch_mode, "x");
}

TEST(Watchpoint, FunctionArgumentForm) {
  auto s = parse_ok("watchpoint:watch_me+arg1:4:w");
  EXPECT_EQ(setup_program(s), "watchpoint_0_0_setup");
  EXPECT_EQ(s.func, "watch_me");
  EXPECT_EQ(s.watch_arg, 1);
  EXPECT_EQ(s.text, "watchpoint:watch_me+arg1:4:w");
  auto a = parse_ok("aw:watch_*+arg0:2:rw");
  EXPECT_EQ(a.kind, ProbeKind::AsyncWatchpoint);
  EXPECT_TRUE(a.wildcard);
  EXPECT_EQ(a.text, "asyncwatchpoint:watch_*+arg0:2:rw");
  EXPECT_EQ(watch_setup_prog_name("watchpoint_0_0"), "watchpoint_0_0_setup");
}

TEST(Watchpoint, ArgumentCountAndLengthErrors) {
  EXPECT_EQ(parse_err("watchpoint:0x1000:4"), "watchpoint probe type requires 3 arguments");
  EXPECT_EQ(parse_err("watchpoint:0x1000:4:w:5"), "watchpoint probe type requires 3 arguments");
  EXPECT_EQ(parse_err("watchpoint:0x1000:3:w"), "watchpoint length must be one of (1,2,4,8)");
  EXPECT_EQ(parse_err("watchpoint:f+arg0:16:w"), "watchpoint length must be one of (1,2,4,8)");
  EXPECT_EQ(parse_err("watchpoint:0x1000::w"), "stoull");
  EXPECT_EQ(parse_err("watchpoint:abc:4:w"), "stoull");
}

TEST(Watchpoint, LocationErrors) {
  EXPECT_EQ(parse_err("watchpoint:0:4:w"), "watchpoint must be attached to a non-zero address");
  EXPECT_EQ(parse_err("asyncwatchpoint:0x1000:4:w"), "asyncwatchpoint requires a function name");
  EXPECT_EQ(parse_err("watchpoint:f+5:4:w"), "Invalid function argument");
  EXPECT_EQ(parse_err("watchpoint:+arg0:4:w"), "Invalid function/address argument");
  EXPECT_EQ(parse_err("watchpoint:f+argx:4:w"), "stoull");
  EXPECT_EQ(parse_err("watchpoint:f+arg6:4:w"), "x86_64 doesn't support arg6");
  EXPECT_EQ(parse_ok("watchpoint:f+arg5:4:w").watch_arg, 5);
}

TEST(Watchpoint, ModeErrors) {
  const std::string letters = "watchpoint mode must be combination of (r,w,x)";
  EXPECT_EQ(parse_err("watchpoint:0x1000:4:"), letters);
  EXPECT_EQ(parse_err("watchpoint:0x1000:4:q"), letters);
  EXPECT_EQ(parse_err("watchpoint:0x1000:4:RW"), letters);
  EXPECT_EQ(parse_err("watchpoint:0x1000:4:ww"), "watchpoint modes may not be duplicated");
  EXPECT_EQ(parse_err("watchpoint:0x1000:4:r"), "invalid watchpoint mode: r");
  EXPECT_EQ(parse_err("watchpoint:0x1000:4:xw"), "invalid watchpoint mode: wx");
  EXPECT_EQ(parse_err("watchpoint:0x1000:4:rx"), "invalid watchpoint mode: rx");
  EXPECT_EQ(parse_err("watchpoint:0x1000:4:xwr"), "invalid watchpoint mode: rwx");
}

TEST(Watchpoint, NegativeAddressWrapsLikeStoull) {
  EXPECT_EQ(parse_ok("watchpoint:-1:4:w").text, "watchpoint:18446744073709551615:4:w");
}

} // namespace
} // namespace btc::probes
