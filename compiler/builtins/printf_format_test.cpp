// printf_format_test.cpp: sema's view of printf formats (which specifiers take arguments).
#include "builtins/printf_format.h"

#include <gtest/gtest.h>

namespace btc::builtins {
namespace {

std::vector<Conversion> convs(std::string_view fmt) {
  std::string err;
  auto c = parse_format(fmt, err);
  EXPECT_TRUE(c.has_value()) << err;
  return c.value_or(std::vector<Conversion>{});
}

TEST(PrintfFormat, CountsConversionsNotPercentPercent) {
  auto c = convs("%d %s|%% %-8lu %08x\n");
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0].spec, "%d");
  EXPECT_EQ(c[1].cls, ConvClass::String);
  EXPECT_EQ(c[2].spec, "%-8lu");
  EXPECT_EQ(c[3].cls, ConvClass::Integer);
}

TEST(PrintfFormat, LengthModifiersAndPrecision) {
  auto c = convs("%hhd %hd %lld %jd %zu %tx %8.3s");
  ASSERT_EQ(c.size(), 7u);
  EXPECT_EQ(c[6].cls, ConvClass::String);
}

TEST(PrintfFormat, BufferAndChar) {
  auto c = convs("%r %rx %rh %c");
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0].cls, ConvClass::Buffer);
  EXPECT_EQ(c[1].spec, "%rx");
  EXPECT_EQ(c[2].spec, "%rh");
  EXPECT_EQ(c[3].cls, ConvClass::Char);
}

TEST(PrintfFormat, UnknownSpecifiersTakeNoArgument) {
  // 0.17: printf("[%+d] %q", 5) reports 0 expected arguments.
  EXPECT_TRUE(convs("[%+d] %q %i").empty());
}

} // namespace
} // namespace btc::builtins
