// caret_test.cpp: located messages as bpftrace 0.17 prints them (checked against 0.17 on a
// tab-indented script): raw columns in the header, the underline under the expanded line.
#include "btc/caret.h"

#include <gtest/gtest.h>

namespace btc::abi {
namespace {

TEST(Caret, TabsCountOneInTheHeaderAndFourUnderTheLine) {
  std::string_view line = "BEGIN {\tprintf(\"%d\\n\", $1); exit(); }";
  EXPECT_EQ(render_located({"t.bt", 1, 0, 24, 26}, &line, "ERROR", "bad"),
            "t.bt:1:24-26: ERROR: bad\n"
            "BEGIN {    printf(\"%d\\n\", $1); exit(); }\n"
            "                          ~~\n");
}

TEST(Caret, WithoutALineOrAcrossLines) {
  EXPECT_EQ(render_located({}, nullptr, "WARNING", "w"), "WARNING: w\n");
  EXPECT_EQ(render_located({"t.bt", 3, 5, 1, 2}, nullptr, "ERROR", "e"), "t.bt:3-5: ERROR: e\n");
  // A known line without its text: the header alone.
  EXPECT_EQ(render_located({"t.bt", 2, 0, 3, 4}, nullptr, "ERROR", "e"), "t.bt:2:3-4: ERROR: e\n");
}

} // namespace
} // namespace btc::abi
