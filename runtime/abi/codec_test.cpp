// codec_test.cpp: the manifest survives encode -> decode unchanged; corrupt blobs fail.
#include "btc/abi.h"

#include <gtest/gtest.h>

namespace btc::abi {
namespace {

Manifest sample() {
  Manifest m;
  m.tool_name = "tool";
  m.source_name = "x.bt";
  m.source_lines = {"BEGIN { @[comm] = count(); }"};
  m.types.push_back({ValueKind::String, 16, kNoIndex, 0, {}});
  m.types.push_back({ValueKind::Tuple, 24, kNoIndex, 0, {{"", 0, 0}, {"", 16, 0}}});
  MapDesc map;
  map.name = "@";
  map.bpf_name = "AT_";
  map.kind = MapKind::Lhist;
  map.keys = {{"", 0, 0}};
  map.key_size = 16;
  map.lhist_min = -3;
  map.lhist_max = 100;
  map.lhist_step = 10;
  map.percpu = true;
  m.maps.push_back(map);
  EventDesc ev;
  ev.kind = EventKind::Printf;
  ev.format = "%s\n";
  ev.args = {{"", 0, 0}};
  ev.payload_size = 16;
  ev.line = 1;
  ev.once = true;
  m.events.push_back(ev);
  StackMapDesc stack;
  stack.bpf_name = "dwstack_0";
  stack.user = true;
  stack.limit = 5;
  stack.dwarf = true;
  m.stack_maps.push_back(stack);
  ProbeDesc p;
  p.spec.kind = ProbeKind::Tracepoint;
  p.prog_name = "tracepoint_0_0";
  p.spec.target = "syscalls:sys_enter_*";
  p.spec.wildcard = true;
  p.spec.period = 99;
  m.probes.push_back(p);
  m.positionals.push_back({2, true, 1, 3, 5});
  m.runtime_values.push_back({ResolveKind::Cgroupid, "/sys/fs/cgroup/x", 48, 2, 3, 9});
  m.config.size = 48;
  m.config.str_args = 40;
  m.max_positional = 2;
  m.ringbuf_map = "btc_events";
  m.ringbuf_size = 1 << 20;
  return m;
}

TEST(AbiCodec, RoundTrip) {
  Manifest m = sample();
  auto bytes = encode(m);
  auto back = decode(bytes);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(dump(*back), dump(m));
  EXPECT_EQ(back->maps[0].lhist_min, -3);
  EXPECT_EQ(back->probes[0].spec.target, "syscalls:sys_enter_*");
  EXPECT_EQ(back->source_lines, m.source_lines);
  EXPECT_EQ(back->positionals[0].col_end, 5u);
  EXPECT_EQ(back->runtime_values[0].arg, "/sys/fs/cgroup/x");
  EXPECT_EQ(back->runtime_values[0].offset, 48u);
  EXPECT_TRUE(back->events[0].once);
  ASSERT_EQ(back->stack_maps.size(), 1u);
  EXPECT_TRUE(back->stack_maps[0].dwarf);
  EXPECT_EQ(back->stack_maps[0].limit, 5u);
}

TEST(AbiCodec, RejectsTruncatedAndForeignBlobs) {
  auto bytes = encode(sample());
  for (size_t n : {size_t(0), size_t(3), size_t(8), bytes.size() / 2, bytes.size() - 1})
    EXPECT_FALSE(decode(std::span<const uint8_t>(bytes.data(), n)).has_value()) << n;
  auto wrong = bytes;
  wrong[0] = 'X';
  EXPECT_FALSE(decode(wrong).has_value());
  auto version = bytes;
  version[4] = 99;
  // Every field is walked by the same list in both directions: a manifest with one of each
  // record survives the trip (dump compares every field).
  EXPECT_FALSE(decode(version).has_value());
}

TEST(AbiPositional, PlaceholdersAreReplacedByTheParameters) {
  std::string text = "a" + positional_placeholder(1) + "-" + positional_placeholder(12) + "z";
  EXPECT_TRUE(has_placeholder(text));
  EXPECT_FALSE(has_placeholder("plain $1 text"));
  std::vector<std::string> args(12, "");
  args[0] = "one";
  args[11] = "twelve";
  EXPECT_EQ(substitute_positionals(text, args), "aone-twelvez");
  EXPECT_EQ(substitute_positionals(text, {"one"}), "aone-z"); // a missing parameter is ""
  EXPECT_EQ(substitute_positionals("no marks", {"x"}), "no marks");
}

TEST(AbiPositional, ManifestStringsAndAttachPointsAreSubstituted) {
  Manifest m = sample();
  m.runtime_values[0].arg = positional_placeholder(2);
  m.events[0].format = "sep" + positional_placeholder(1);
  m.strings = {"%H" + positional_placeholder(1)};
  ProbeDesc fixed, templated;
  fixed.spec.text = "BEGIN";
  templated.spec.kind = ProbeKind::Interval;
  templated.spec.text = "interval:ms:" + positional_placeholder(2);
  templated.spec.target = "ms";
  m.probes = {fixed, templated};
  auto changed = substitute_positionals(m, {"x", "250"});
  EXPECT_EQ(m.runtime_values[0].arg, "250");
  EXPECT_EQ(m.events[0].format, "sepx");
  EXPECT_EQ(m.strings[0], "%Hx");
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0], &m.probes[1]);
  EXPECT_EQ(m.probes[1].spec.text, "interval:ms:250");
  EXPECT_EQ(m.probes[0].spec.text, "BEGIN");
}

} // namespace
} // namespace btc::abi
