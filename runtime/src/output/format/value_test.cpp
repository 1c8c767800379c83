// value_test.cpp: text and JSON rendering of single values (tuples, structs, arrays,
// strings, buffers and the resolved kinds) and the frame lines of stacks.
#include "output/format/resolve.h"
#include "output/format/value.h"
#include "output/test_support.h"

#include <gtest/gtest.h>

namespace btc::rt {
namespace {

using abi::ValueKind;
using test::Bytes;

class ValueTest : public ::testing::Test {
protected:
  std::string text(uint32_t type, const std::vector<uint8_t>& bytes) {
    RenderEnv env{m_, names_, resolver_};
    return render_value(env, type, bytes, Style::Text);
  }
  std::string json(uint32_t type, const std::vector<uint8_t>& bytes) {
    RenderEnv env{m_, names_, resolver_};
    return render_value(env, type, bytes, Style::Json);
  }
  uint32_t type(ValueKind k, uint32_t size, std::vector<abi::Field> f = {}) {
    return test::add_type(m_, k, size, std::move(f));
  }

  abi::Manifest m_;
  std::vector<std::string> names_;
  test::FakeResolver resolver_;
};

TEST_F(ValueTest, NestedTuple) {
  uint32_t i64 = type(ValueKind::Int, 8), s4 = type(ValueKind::String, 4);
  uint32_t inner = type(ValueKind::Tuple, 16, {{"", 0, i64}, {"", 8, i64}});
  uint32_t t = type(ValueKind::Tuple, 32, {{"", 0, i64}, {"", 8, s4}, {"", 16, inner}});
  auto b = Bytes().put<int64_t>(0, 1).str(8, "two", 4).put<int64_t>(16, 3).put<int64_t>(24, 4);
  EXPECT_EQ(text(t, b), "(1, two, (3, 4))");
  EXPECT_EQ(json(t, b), "[1,\"two\",[3,4]]");
}

TEST_F(ValueTest, StructVerbatim) {
  uint32_t u32 = type(ValueKind::UInt, 4);
  uint32_t s = type(ValueKind::Struct, 8, {{"weight", 0, u32}, {"inv_weight", 4, u32}});
  auto b = Bytes().put<uint32_t>(0, 1048576).put<uint32_t>(4, 4194304);
  EXPECT_EQ(text(s, b), "{ .weight = 1048576, .inv_weight = 4194304 }");
  EXPECT_EQ(json(s, b), "{ \"weight\": 1048576, \"inv_weight\": 4194304 }");
}

TEST_F(ValueTest, Array) {
  uint32_t i32 = type(ValueKind::Int, 4);
  uint32_t a = test::add_type(m_, ValueKind::Array, 16, {}, i32, 4);
  EXPECT_EQ(text(a, Bytes(16)), "[0,0,0,0]");
  EXPECT_EQ(text(a, Bytes().put<int32_t>(0, 1).put<int32_t>(4, -2).put<int32_t>(8, 3).resize(16)),
            "[1,-2,3,0]");
}

TEST_F(ValueTest, IntegersBySizeAndSign) {
  EXPECT_EQ(text(type(ValueKind::Int, 1), Bytes().put<uint8_t>(0, 0xff)), "-1");
  EXPECT_EQ(text(type(ValueKind::UInt, 1), Bytes().put<uint8_t>(0, 0xff)), "255");
  EXPECT_EQ(text(type(ValueKind::Int, 2), Bytes().put<int16_t>(0, -32768)), "-32768");
  EXPECT_EQ(text(type(ValueKind::UInt, 8), Bytes().put<int64_t>(0, -1)), "18446744073709551615");
}

TEST_F(ValueTest, StringsStopAtNulAndEscapeInJson) {
  uint32_t s = type(ValueKind::String, 16);
  EXPECT_EQ(text(s, Bytes().str(0, "bpftrace", 16)), "bpftrace");
  EXPECT_EQ(json(s, Bytes().str(0, "hello\"q\n", 16)), "\"hello\\\"q\\n\"");
  // A full buffer without NUL is printed whole.
  EXPECT_EQ(text(type(ValueKind::String, 4), Bytes().str(0, "abcd", 4)), "abcd");
}

TEST_F(ValueTest, BufferUsesPercentR) {
  uint32_t b = type(ValueKind::Buffer, 8);
  EXPECT_EQ(text(b, Bytes().put<uint8_t>(0, 3).str(1, "a\tb", 3).resize(8)), "a\\x09b");
}

TEST_F(ValueTest, ResolvedKinds) {
  EXPECT_EQ(text(type(ValueKind::Ksym, 8), Bytes().put<uint64_t>(0, 0xffffffff81000000)), "vfs_read");
  EXPECT_EQ(text(type(ValueKind::Usym, 16), Bytes().put<uint64_t>(0, 1)), "0x1");
  EXPECT_EQ(text(type(ValueKind::Usym, 16), Bytes(16)), "0");
  EXPECT_EQ(text(type(ValueKind::Username, 8), Bytes().put<uint64_t>(0, 0)), "root");
  EXPECT_EQ(text(type(ValueKind::Strerror, 8), Bytes().put<uint64_t>(0, 2)), "No such file or directory");
  EXPECT_EQ(text(type(ValueKind::MacAddr, 6), Bytes().put<uint8_t>(0, 0xab).put<uint8_t>(5, 1)),
            "AB:00:00:00:00:01");
  uint32_t inet = type(ValueKind::Inet, 24);
  EXPECT_EQ(text(inet, Bytes().put<uint64_t>(0, 2).put<uint32_t>(8, 0x0100007f)), "127.0.0.1");
  EXPECT_EQ(json(inet, Bytes().put<uint64_t>(0, 10).put<uint8_t>(23, 1)), "\"::1\"");
}

TEST_F(ValueTest, ProbeNamesComeFromTheTable) {
  names_ = {"BEGIN", "tracepoint:syscalls:sys_enter_read"};
  EXPECT_EQ(text(type(ValueKind::Probe, 8), Bytes().put<uint64_t>(0, 1)),
            "tracepoint:syscalls:sys_enter_read");
}

TEST_F(ValueTest, TimestampFormatsWithMicroseconds) {
  m_.strings = {"%Y-%m-%d %H:%M:%S.%f"};
  setenv("TZ", "UTC", 1);
  tzset();
  uint32_t ts = type(ValueKind::Timestamp, 16);
  // FakeResolver: boot time == epoch. 2021-01-01 00:00:00.123456 UTC.
  uint64_t ns = 1609459200ull * 1000000000 + 123456789;
  EXPECT_EQ(text(ts, Bytes().put<uint64_t>(0, 0).put<uint64_t>(8, ns)), "2021-01-01 00:00:00.123456");
}

TEST_F(ValueTest, HostResolverKallsymsNearestBelow) {
  StackSymbols stacks;
  HostResolver r(stacks);
  r.load_kallsyms("ffffffff81000000 T _stext\nffffffff81200000 T vfs_read\n"
                  "ffffffff81200100 t helper [mod]\n");
  EXPECT_EQ(r.ksym(0xffffffff81200003), "vfs_read");
  EXPECT_EQ(r.ksym(0xffffffff81200100), "helper");
  EXPECT_EQ(r.ksym(0x1000), "0x1000");
  r.load_passwd("root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534::/:/bin/false\n");
  EXPECT_EQ(r.username(65534), "nobody");
  EXPECT_EQ(r.username(4242), "4242");
}

TEST_F(ValueTest, InetFamiliesAndMacJson) {
  uint32_t inet = type(ValueKind::Inet, 24);
  // AF_INET reads only the first 4 address bytes; AF_INET6 all 16.
  EXPECT_EQ(text(inet, Bytes().put<uint64_t>(0, 2).put<uint32_t>(8, 0x0101a8c0).put<uint32_t>(12, 0xffffffff).resize(24)),
            "192.168.1.1");
  Bytes v6;
  v6.put<uint64_t>(0, 10).put<uint8_t>(8, 0xfe).put<uint8_t>(9, 0x80).put<uint8_t>(22, 0x12).put<uint8_t>(23, 0x34);
  EXPECT_EQ(text(inet, v6), "fe80::1234");
  EXPECT_EQ(json(type(ValueKind::MacAddr, 6), Bytes().put<uint8_t>(0, 0x0a).put<uint8_t>(1, 0xbc).resize(6)),
            "\"0A:BC:00:00:00:00\"");
  EXPECT_EQ(json(type(ValueKind::Strerror, 8), Bytes().put<uint64_t>(0, 1)), "\"Operation not permitted\"");
}

TEST_F(ValueTest, BufferStyles) {
  const uint8_t data[] = {'h', 'i', 0, 0xff};
  EXPECT_EQ(format_buffer(data, BufferStyle::Escaped), "hi\\x00\\xff");
  EXPECT_EQ(format_buffer(data, BufferStyle::Hex), "\\x68\\x69\\x00\\xff");
  EXPECT_EQ(format_buffer(data, BufferStyle::HexSpaced), "68 69 00 ff");
  uint32_t b = type(ValueKind::Buffer, 8);
  EXPECT_EQ(json(b, Bytes().put<uint8_t>(0, 2).str(1, "\"x", 2).resize(8)), "\"\\\"x\"");
}

TEST_F(ValueTest, TimestampKeepsEscapedPercentF) {
  m_.strings = {"%%f %f|%H"};
  setenv("TZ", "UTC", 1);
  tzset();
  uint32_t ts = type(ValueKind::Timestamp, 16);
  uint64_t ns = 3600ull * 1000000000 + 42000;
  EXPECT_EQ(text(ts, Bytes().put<uint64_t>(0, 0).put<uint64_t>(8, ns)), "%f 000042|01");
}

TEST_F(ValueTest, CgroupPathPassesTheHierarchyFilter) {
  m_.strings = {"%H", "c*"};
  uint32_t cg = type(ValueKind::CgroupPath, 16);
  EXPECT_EQ(text(cg, Bytes().put<uint64_t>(0, 1).put<uint64_t>(8, 0)), "unified:/,cpu:/");
  EXPECT_EQ(text(cg, Bytes().put<uint64_t>(0, 1).put<uint64_t>(8, 2)), "cpu:/");
  EXPECT_EQ(json(cg, Bytes().put<uint64_t>(0, 7).put<uint64_t>(8, 0)), "\"unified:/user.slice\"");
}

TEST(CgroupMountsTest, HostResolverFiltersWithGlobs) {
  StackSymbols stacks;
  HostResolver r(stacks);
  // The root cgroup (id 1) is the root directory of every mounted hierarchy.
  std::string all = r.cgroup_path(1, "");
  if (all.empty()) GTEST_SKIP() << "no cgroup hierarchy mounted";
  EXPECT_NE(all.find(":/"), std::string::npos) << all;
  EXPECT_EQ(r.cgroup_path(1, "no_such_hierarchy*"), "");
  std::string first = all.substr(0, all.find(':'));
  EXPECT_EQ(r.cgroup_path(1, first), first + ":/");
}

TEST(CgroupMountsTest, UnifiedFirstThenV1ByMountName) {
  auto h = parse_cgroup_mounts(
      "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
      "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
      "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
      "35 31 0:32 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
      "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
      "42 31 0:38 / /tmp/again rw,relatime - cgroup2 cgroup2 rw\n");
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(h[0].name, "unified");
  EXPECT_EQ(h[0].mount, "/sys/fs/cgroup/unified");
  EXPECT_EQ(h[1].name, "blkio");
  EXPECT_EQ(h[2].name, "cpu,cpuacct");
  EXPECT_EQ(h[3].name, "systemd");
  EXPECT_EQ(h[3].mount, "/sys/fs/cgroup/systemd");
}

TEST(StackFormat, Modes) {
  std::vector<StackFrame> frames = {{0x401151, true, "leaf", 24, "/tmp/loop"},
                                    {0x40116b, false, "", 0, "/tmp/loop"}};
  EXPECT_EQ(format_stack(frames, true, abi::StackMode::Bpftrace, 4),
            "\n    leaf+24\n    0x40116b\n");
  EXPECT_EQ(format_stack(frames, true, abi::StackMode::Bpftrace, 8),
            "\n        leaf+24\n        0x40116b\n");
  EXPECT_EQ(format_stack(frames, true, abi::StackMode::Perf, 4),
            "\n\t401151 leaf+24 (/tmp/loop)\n\t40116b 0x40116b ([unknown])\n");
  EXPECT_EQ(format_stack(frames, false, abi::StackMode::Perf, 4),
            "\n\t401151 leaf+24\n\t40116b 0x40116b\n");
  EXPECT_EQ(format_stack(frames, false, abi::StackMode::Raw, 4), "\n401151\n40116b\n");
  EXPECT_EQ(format_stack({}, false, abi::StackMode::Bpftrace, 4), "");
}

} // namespace
} // namespace btc::rt
