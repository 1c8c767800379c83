// printf_test.cpp: format_printf against the printf outputs of spec 8.7 (bpftrace 0.17,
// verbatim) and the rules of spec 8.5.
#include "output/format/printf.h"
#include "output/test_support.h"

#include <gtest/gtest.h>

namespace btc::rt {
namespace {

using abi::ValueKind;
using test::Bytes;

class PrintfTest : public ::testing::Test {
protected:
  PrintfTest() {
    i64_ = test::add_type(m_, ValueKind::Int, 8);
    u64_ = test::add_type(m_, ValueKind::UInt, 8);
    i32_ = test::add_type(m_, ValueKind::Int, 4);
    str_ = test::add_type(m_, ValueKind::String, 64);
    inet_ = test::add_type(m_, ValueKind::Inet, 24);
    ksym_ = test::add_type(m_, ValueKind::Ksym, 8);
    buf_ = test::add_type(m_, ValueKind::Buffer, 9);
  }

  // Formats `fmt` with the given typed argument values laid out back to back.
  struct Arg {
    uint32_t type;
    std::vector<uint8_t> bytes;
  };
  std::string fmt(std::string_view f, std::vector<Arg> args) {
    std::vector<abi::Field> fields;
    Bytes payload;
    size_t off = 0;
    for (auto& a : args) {
      fields.push_back({"", static_cast<uint32_t>(off), a.type});
      for (size_t i = 0; i < a.bytes.size(); ++i) payload.put<uint8_t>(off + i, a.bytes[i]);
      off += (m_.types[a.type].size + 7) / 8 * 8;
      payload.resize(off);
    }
    RenderEnv env{m_, names_, resolver_};
    return format_printf(env, f, fields, payload.data());
  }
  Arg i64(int64_t v) { return {i64_, Bytes().put(0, v)}; }
  Arg u64(uint64_t v) { return {u64_, Bytes().put(0, v)}; }
  Arg str(std::string_view s) { return {str_, Bytes().str(0, s, 64)}; }

  abi::Manifest m_;
  std::vector<std::string> names_;
  test::FakeResolver resolver_;
  uint32_t i64_, u64_, i32_, str_, inet_, ksym_, buf_;
};

TEST_F(PrintfTest, ConversionsTruncateLikeC) {
  // Verbatim 8.7 "printf conversions", line 1. Literals are int64 in bpftrace.
  EXPECT_EQ(fmt("%d %u %x %ld %lu %lld %hhd %hd %p %o %X\n",
                {i64(5000000000), i64(5000000000), i64(5000000000), i64(5000000000), i64(-1),
                 i64(-1), i64(257), i64(65537), i64(4096), i64(8), i64(255)}),
            "705032704 705032704 2a05f200 5000000000 18446744073709551615 -1 1 1 0x1000 10 FF\n");
}

TEST_F(PrintfTest, WidthPrecisionAndAlignment) {
  EXPECT_EQ(fmt("[%08d] [%-8s] [%8.3s] [%5d]\n", {i64(42), str("ab"), str("abcdef"), i64(5)}),
            "[00000042] [ab      ] [     abc] [    5]\n");
}

TEST_F(PrintfTest, PercentAfterLastConversionIsNotCollapsed) {
  EXPECT_EQ(fmt("%% %d|%%\n", {i64(5)}), "% 5|%%\n");
  EXPECT_EQ(fmt("100%%\n", {}), "100%%\n");
}

TEST_F(PrintfTest, IntegerArithmeticExample) {
  // Verbatim 8.7 "Integer arithmetic": the values BPF computed, formatted in user space.
  EXPECT_EQ(fmt("%ld %ld %ld %ld\n",
                {u64(6148914691236517202ull), u64(0), u64(9223372036854775803ull), u64(1)}),
            "6148914691236517202 0 9223372036854775803 1\n");
  EXPECT_EQ(fmt("%d\n", {u64(0)}), "0\n");
  EXPECT_EQ(fmt("%ld %ld %ld %ld\n", {u64(44), i64(-56), u64(4294967295u), i64(-32768)}),
            "44 -56 4294967295 -32768\n");
  EXPECT_EQ(fmt("%lu %d\n", {u64(1004), u64(8)}), "1004 8\n");
}

TEST_F(PrintfTest, MiscFunctionsExample) {
  Arg v4{inet_, Bytes().put<uint64_t>(0, 2).put<uint32_t>(8, 0x0100007f)};
  Arg v6{inet_, Bytes().put<uint64_t>(0, 10).put<uint8_t>(23, 1)};
  EXPECT_EQ(fmt("%s|%s\n", {v4, v6}), "127.0.0.1|::1\n");
  EXPECT_EQ(fmt("%x %x\n", {u64(0x78563412), u64(0x3412)}), "78563412 3412\n");
  EXPECT_EQ(fmt("%d %d %d\n", {u64(0), u64(1), u64(1)}), "0 1 1\n");
  EXPECT_EQ(fmt("%s\n", {{ksym_, Bytes().put<uint64_t>(0, 0xffffffff81000000)}}), "vfs_read\n");
}

TEST_F(PrintfTest, PositionalParametersExample) {
  EXPECT_EQ(fmt("%d %s %d [%s]\n", {i64(42), str("hello"), i64(2), str("")}), "42 hello 2 []\n");
  EXPECT_EQ(fmt("%s\n", {str("ello")}), "ello\n");
}

TEST_F(PrintfTest, ArgumentsArePromotedBySignedness) {
  Arg minus_one_i32{i32_, Bytes().put<int32_t>(0, -1)};
  EXPECT_EQ(fmt("%ld %lu %u\n", {minus_one_i32, minus_one_i32, minus_one_i32}),
            "-1 18446744073709551615 4294967295\n");
}

TEST_F(PrintfTest, CharAndPointer) {
  EXPECT_EQ(fmt("%c%c|%p\n", {i64('h'), i64(0x169), i64(0)}), "hi|(nil)\n");
}

TEST_F(PrintfTest, BufferConversions) {
  Arg b{buf_, Bytes().put<uint8_t>(0, 4).str(1, std::string_view("h\x01i\xff", 4), 4).resize(9)};
  EXPECT_EQ(fmt("%r|%rx|%rh\n", {b, b, b}), "h\\x01i\\xff|\\x68\\x01\\x69\\xff|68 01 69 ff\n");
  EXPECT_EQ(fmt("[%-12r]\n", {b}), "[h\\x01i\\xff  ]\n");
}

TEST_F(PrintfTest, PercentBeforeAConversionIsCollapsed) {
  EXPECT_EQ(fmt("%%%d%%%s!\n", {i64(1), str("x")}), "%1%x!\n");
}

TEST_F(PrintfTest, StrayPercentIsKeptLiterally) {
  EXPECT_EQ(fmt("50% of %d\n", {i64(8)}), "50% of 8\n");
}

TEST_F(PrintfTest, EscapesPassThrough) {
  EXPECT_EQ(fmt("\033[31m%s\033[0m\n", {str("red")}), "\033[31mred\033[0m\n");
}

} // namespace
} // namespace btc::rt
