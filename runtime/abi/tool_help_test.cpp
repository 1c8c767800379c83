// tool_help_test.cpp: a tool's --help and --version text from its manifest.
#include "btc/tool_help.h"

#include <gtest/gtest.h>

namespace btc::abi {
namespace {

Manifest sample() {
  Manifest m;
  m.source_name = "/src/tools/opensnoop.bt";
  m.description = "opensnoop       Trace open() syscalls.\n\nUSAGE: opensnoop.bt\n";
  m.btc_version = "9.8.7";
  m.script_sha256 = std::string(64, 'a');
  m.target_arch = "aarch64";
  return m;
}

TEST(ToolHelpTest, HelpStartsWithTheHeaderComment) {
  std::string help = tool_help(sample(), "opensnoop");
  EXPECT_EQ(
      help.rfind("opensnoop       Trace open() syscalls.\n\nUSAGE: opensnoop.bt\n\nUSAGE:\n", 0),
      0u)
      << help;
  EXPECT_NE(help.find("    -p PID         trace only process PID"), std::string::npos);
}

TEST(ToolHelpTest, NoHeaderCommentStartsWithUsage) {
  Manifest m = sample();
  m.description.clear();
  EXPECT_EQ(tool_help(m, "t").rfind("USAGE:\n    t [options] [--] [ARG...]\n", 0), 0u);
}

TEST(ToolHelpTest, VersionNamesBtcScriptHashAndTarget) {
  EXPECT_EQ(tool_version(sample(), "opensnoop"),
            "opensnoop (btc 9.8.7)\nscript: opensnoop.bt sha256:" + std::string(64, 'a') +
                "\ntarget: aarch64\n");
}

TEST(ToolHelpTest, ScriptOptionsWithDefaults) {
  Manifest m = sample();
  m.named_options.push_back({"depth", OptionKind::Int, "3", "stack depth"});
  m.named_options.push_back({"errname", OptionKind::Bool, "false", ""});
  std::string help = tool_help(m, "opensnoop");
  EXPECT_NE(help.find("SCRIPT OPTIONS:\n    --depth=NUM    stack depth (int, default 3)\n"
                      "    --errname      (bool, default false)\n"),
            std::string::npos)
      << help;
}

TEST(ToolHelpTest, PositionalParametersNumericIfAnyUseIs) {
  Manifest m = sample();
  m.max_positional = 2;
  m.positionals.push_back({2, false, 1, 1, 2});
  m.positionals.push_back({2, true, 3, 1, 2});
  std::string help = tool_help(m, "t");
  EXPECT_NE(help.find("POSITIONAL PARAMETERS:\n"
                      "    $1             text (empty when not given)\n"
                      "    $2             a number (0 when not given)\n"),
            std::string::npos)
      << help;
}

TEST(ToolHelpTest, LongFlagsWrapToTheNextLine) {
  std::string help = tool_usage(sample(), "t");
  EXPECT_NE(help.find("    --usdt-file-activation\n                   with -p: raise usdt"),
            std::string::npos);
  EXPECT_NE(help.find("attached;\n                   cpid is its pid"), std::string::npos);
}

} // namespace
} // namespace btc::abi
