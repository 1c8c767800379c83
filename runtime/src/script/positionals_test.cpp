// positionals_test.cpp: positional parameter parsing and the non-numeric $N diagnostic.
#include "script/positionals.h"

#include <gtest/gtest.h>

namespace btc::rt {
namespace {

TEST(PositionalsTest, ParseIntegerForms) {
  int64_t v = 0;
  EXPECT_TRUE(parse_integer("42", v));
  EXPECT_EQ(v, 42);
  EXPECT_TRUE(parse_integer("0x1f", v));
  EXPECT_EQ(v, 31);
  EXPECT_TRUE(parse_integer("010", v));
  EXPECT_EQ(v, 8);
  EXPECT_TRUE(parse_integer("-7", v));
  EXPECT_EQ(v, -7);
  EXPECT_TRUE(parse_integer("0", v));
  EXPECT_EQ(v, 0);
  EXPECT_FALSE(parse_integer("abc", v));
  EXPECT_FALSE(parse_integer("12abc", v));
  EXPECT_FALSE(parse_integer("", v));
  EXPECT_FALSE(parse_integer("--5", v));
  EXPECT_FALSE(parse_integer(" 5", v));
  EXPECT_FALSE(parse_integer("09", v));
}

TEST(PositionalsTest, NonNumericPositionalDiagnostic) {
  abi::Manifest m;
  m.source_name = "stdin";
  m.source_lines = {"BEGIN { printf(\"%d\\n\", $1); }"};
  abi::Positional p;
  p.index = 1;
  p.numeric = true;
  p.line = 1;
  p.col_begin = 24;
  p.col_end = 26;
  m.positionals = {p};
  EXPECT_EQ(check_positionals(m, {"42"}), "");
  EXPECT_EQ(check_positionals(m, {}), ""); // missing -> 0
  EXPECT_EQ(check_positionals(m, {"abc"}),
            "stdin:1:24-26: ERROR: $1 used numerically but given \"abc\". Try using str($1).\n"
            "BEGIN { printf(\"%d\\n\", $1); }\n"
            "                       ~~\n");
}

} // namespace
} // namespace btc::rt
