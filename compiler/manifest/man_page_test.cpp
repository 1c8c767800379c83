// man_page_test.cpp: the roff a tool's man page is made of (rendering is checked with groff
// by tests/e2e's man page case).
#include "manifest/man_page.h"

#include <gtest/gtest.h>

namespace btc::manifest {
namespace {

abi::Manifest sample() {
  abi::Manifest m;
  m.source_name = "tools/opensnoop.bt";
  m.description = "opensnoop       Trace open() syscalls.\n\n.dotted line \\n here\n";
  m.btc_version = "0.1.0";
  m.script_sha256 = "abc";
  m.target_arch = "x86_64";
  return m;
}

bool has(const std::string& page, const std::string& text) {
  return page.find(text) != std::string::npos;
}

TEST(ManPageTest, TitleAndNameFromTheHeaderComment) {
  std::string page = man_page(sample(), "opensnoop", "2026-01-02");
  EXPECT_TRUE(has(page, ".TH OPENSNOOP 8 2026-01-02 \"btc 0.1.0\" \"btc tools\"\n")) << page;
  EXPECT_TRUE(has(page, ".SH NAME\nopensnoop \\- Trace open() syscalls.\n")) << page;
}

TEST(ManPageTest, DescriptionKeptAsWrittenWithRoffEscaped) {
  std::string page = man_page(sample(), "opensnoop", "2026-01-02");
  EXPECT_TRUE(
      has(page, ".nf\nopensnoop       Trace open() syscalls.\n\n\\&.dotted line \\en here\n.fi\n"))
      << page;
}

TEST(ManPageTest, OptionsScriptOptionsAndPositionals) {
  abi::Manifest m = sample();
  m.named_options.push_back({"depth", abi::OptionKind::Int, "3", "stack depth"});
  m.max_positional = 1;
  std::string page = man_page(m, "opensnoop", "2026-01-02");
  EXPECT_TRUE(has(page, ".TP\n\\-p PID\ntrace only process PID; exit when it exits\n")) << page;
  EXPECT_TRUE(has(page, ".SH SCRIPT OPTIONS\n")) << page;
  EXPECT_TRUE(has(page, ".TP\n\\-\\-depth=NUM\nstack depth (int, default 3)\n")) << page;
  EXPECT_TRUE(has(page, ".SH POSITIONAL PARAMETERS\n.TP\n$1\ntext (empty when not given)\n"));
  EXPECT_TRUE(has(page, ".TP\nBPFTRACE_BTF=FILE\n")) << page;
}

TEST(ManPageTest, NoHeaderCommentStillNamesTheTool) {
  abi::Manifest m = sample();
  m.description.clear();
  std::string page = man_page(m, "t", "2026-01-02");
  EXPECT_TRUE(has(page, ".SH NAME\nt \\- a bpftrace script compiled by btc\n")) << page;
  EXPECT_FALSE(has(page, ".nf\n")) << page;
}

} // namespace
} // namespace btc::manifest
