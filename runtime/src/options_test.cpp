// options_test.cpp: command-line parsing of generated tools.
#include "options.h"

#include <gtest/gtest.h>

namespace btc::rt {
namespace {

bool parse(std::vector<const char*> args, Options& o, std::string& err) {
  args.insert(args.begin(), "tool");
  return parse_options(static_cast<int>(args.size()), args.data(), o, err);
}

TEST(OptionsTest, FlagsAndPositionalsMix) {
  Options o;
  std::string err;
  ASSERT_TRUE(parse({"42", "-q", "hello", "-f", "json", "-o", "out.txt", "-v"}, o, err)) << err;
  EXPECT_TRUE(o.quiet);
  EXPECT_TRUE(o.verbose);
  EXPECT_EQ(o.format, OutputFormat::Json);
  EXPECT_EQ(o.output_path, "out.txt");
  EXPECT_EQ(o.positionals, (std::vector<std::string>{"42", "hello"}));
}

TEST(OptionsTest, BundledAndAttachedValues) {
  Options o;
  std::string err;
  ASSERT_TRUE(parse({"-qvojson.out", "-ftext"}, o, err)) << err;
  EXPECT_TRUE(o.quiet);
  EXPECT_TRUE(o.verbose);
  EXPECT_EQ(o.output_path, "json.out");
  EXPECT_EQ(o.format, OutputFormat::Text);
}

TEST(OptionsTest, DoubleDashEndsOptions) {
  Options o;
  std::string err;
  ASSERT_TRUE(parse({"--", "-5", "-q"}, o, err)) << err;
  EXPECT_FALSE(o.quiet);
  EXPECT_EQ(o.positionals, (std::vector<std::string>{"-5", "-q"}));
}

TEST(OptionsTest, Errors) {
  Options o;
  std::string err;
  EXPECT_FALSE(parse({"-x"}, o, err));
  EXPECT_EQ(err, "unknown option '-x'");
  EXPECT_FALSE(parse({"--bogus"}, o, err));
  EXPECT_FALSE(parse({"-f", "yaml"}, o, err));
  EXPECT_FALSE(parse({"-o"}, o, err));
  EXPECT_EQ(err, "option '-o' requires an argument");
}

TEST(OptionsTest, HelpAndVersion) {
  Options o;
  std::string err;
  ASSERT_TRUE(parse({"--help", "--version"}, o, err));
  EXPECT_TRUE(o.help);
  EXPECT_TRUE(o.version);
  EXPECT_EQ(version_text("opensnoop"), "opensnoop (btc 0.1.0)\n");
  EXPECT_NE(usage_text("opensnoop").find("opensnoop [options]"), std::string::npos);
}

} // namespace
} // namespace btc::rt
