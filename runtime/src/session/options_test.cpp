// options_test.cpp: command-line parsing of generated tools.
#include "btc/tool_help.h"
#include "session/options.h"

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

TEST(OptionsTest, UsdtFileActivation) {
  Options a, b;
  std::string err;
  ASSERT_TRUE(parse({"--usdt-file-activation", "-p", "1"}, a, err)) << err;
  ASSERT_TRUE(parse({"-p", "1"}, b, err)) << err;
  EXPECT_TRUE(a.usdt_file_activation);
  EXPECT_FALSE(b.usdt_file_activation);
}

TEST(OptionsTest, ListLongAndShort) {
  Options a, b, c;
  std::string err;
  ASSERT_TRUE(parse({"--list"}, a, err)) << err;
  ASSERT_TRUE(parse({"-lq"}, b, err)) << err;
  ASSERT_TRUE(parse({"x"}, c, err)) << err;
  EXPECT_TRUE(a.list);
  EXPECT_TRUE(b.list);
  EXPECT_TRUE(b.quiet);
  EXPECT_FALSE(c.list);
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
}

// Every option --help and the man page document is one the parser takes.
TEST(OptionsTest, EveryDocumentedOptionParses) {
  for (const btc::abi::ToolOptionDoc& d : btc::abi::tool_option_docs()) {
    std::string flags(d.flags);
    for (size_t start = 0; start < flags.size();) {
      size_t comma = flags.find(", ", start);
      std::string flag = flags.substr(start, comma - start);
      start = comma == std::string::npos ? flags.size() : comma + 2;
      std::vector<std::string> args = {flag};
      if (d.arg == "MODE")
        args.push_back("line");
      else if (d.arg == "FORMAT")
        args.push_back("json");
      else if (d.arg == "PID")
        args.push_back("1");
      else if (d.arg == "[ADDR]:PORT")
        args.push_back(":9100");
      else if (!d.arg.empty())
        args.push_back("x");
      if (flag == "--usdt-file-activation") args = {"-p", "1", flag};
      std::vector<const char*> argv;
      for (const std::string& a : args) argv.push_back(a.c_str());
      Options o;
      std::string err;
      EXPECT_TRUE(parse(argv, o, err)) << flag << ": " << err;
    }
  }
}

TEST(OptionsTest, MetricsOptions) {
  Options o;
  std::string err;
  ASSERT_TRUE(parse({"--metrics", "0.0.0.0:9100", "--metrics-prefix=fleet", "-q"}, o, err)) << err;
  EXPECT_TRUE(o.metrics);
  EXPECT_EQ(o.metrics_address.text(), "0.0.0.0:9100");
  EXPECT_EQ(o.metrics_prefix, "fleet");
  Options e;
  EXPECT_FALSE(parse({"--metrics=nothere:1"}, e, err));
  EXPECT_NE(err.find("invalid --metrics address 'nothere:1'"), std::string::npos) << err;
  EXPECT_FALSE(parse({"--metrics-prefix", "9x"}, e, err));
  EXPECT_NE(err.find("invalid --metrics-prefix '9x'"), std::string::npos) << err;
  EXPECT_FALSE(parse({"--metrics"}, e, err));
  EXPECT_NE(err.find("requires an argument"), std::string::npos) << err;
}

TEST(OptionsTest, ProcessOptions) {
  Options o;
  std::string err;
  ASSERT_TRUE(parse({"-p", "1234", "5"}, o, err)) << err;
  EXPECT_EQ(o.target_pid, 1234);
  EXPECT_TRUE(o.command.empty());
  EXPECT_EQ(o.positionals, (std::vector<std::string>{"5"}));
  Options c;
  ASSERT_TRUE(parse({"-c", "/bin/sleep 1", "-q"}, c, err)) << err;
  EXPECT_EQ(c.command, "/bin/sleep 1");
  EXPECT_TRUE(c.quiet);
  Options attached;
  ASSERT_TRUE(parse({"-p42"}, attached, err)) << err;
  EXPECT_EQ(attached.target_pid, 42);
}

TEST(OptionsTest, ProcessOptionErrors) {
  Options o;
  std::string err;
  EXPECT_FALSE(parse({"-p", "abc"}, o, err));
  EXPECT_EQ(err, "invalid pid 'abc' (expected a positive process id)");
  Options z;
  EXPECT_FALSE(parse({"-p", "0"}, z, err));
  Options both;
  EXPECT_FALSE(parse({"-p", "1", "-c", "true"}, both, err));
  EXPECT_EQ(err, "Cannot use both -c and -p.");
  Options empty;
  EXPECT_FALSE(parse({"-c", "  "}, empty, err));
}

TEST(OptionsTest, HelperErrorLevelAndBuffering) {
  Options o;
  std::string err;
  EXPECT_EQ(o.buffering, Buffering::Line);
  ASSERT_TRUE(parse({"-k"}, o, err)) << err;
  EXPECT_EQ(o.helper_errors, 1);
  Options kk;
  ASSERT_TRUE(parse({"-kk", "-B", "none"}, kk, err)) << err;
  EXPECT_EQ(kk.helper_errors, 2);
  EXPECT_EQ(kk.buffering, Buffering::None);
  Options full;
  ASSERT_TRUE(parse({"-qkBfull"}, full, err)) << err;
  EXPECT_EQ(full.helper_errors, 1);
  EXPECT_EQ(full.buffering, Buffering::Full);
  EXPECT_FALSE(parse({"-B", "page"}, full, err));
  EXPECT_EQ(err, "invalid buffering mode 'page' (expected line, full or none)");
}

} // namespace
} // namespace btc::rt
