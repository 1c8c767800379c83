// golden_test.cpp: file-driven parser tests and the bpftrace-tools corpus.
//
// For every tests/parse/<name>.bt: the ast::print() dump must equal <name>.ast, and the
// rendered diagnostics must equal <name>.err (no .err file: no diagnostics expected).
// BTC_UPDATE_GOLDENS=1 rewrites the expectations (review the diff before committing!).
// Also: each of Debian's bpftrace tools (/usr/sbin/*.bt) must parse without diagnostics.
#include "ast/printer.h"
#include "parse/parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace btc::parse {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

std::vector<std::string> bt_files(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".bt") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

bool update_goldens() {
  const char* v = std::getenv("BTC_UPDATE_GOLDENS");
  return v && std::string(v) == "1";
}

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, Matches) {
  fs::path dir = BTC_PARSE_GOLDEN_DIR;
  std::string name = GetParam();
  source::SourceFile file(name + ".bt", read_file(dir / (name + ".bt")));
  diag::Diagnostics diags;
  ParseOptions options;
  options.script_dir = BTC_PARSE_GOLDEN_DIR; // #include "FILE" is relative to the script
  ast::Program prog = parse(file, diags, options);
  std::string ast_text = ast::print(prog);
  std::string err_text = diag::render_all(diags, file);
  fs::path ast_path = dir / (name + ".ast");
  fs::path err_path = dir / (name + ".err");
  if (update_goldens()) {
    write_file(ast_path, ast_text);
    if (err_text.empty()) fs::remove(err_path);
    else write_file(err_path, err_text);
    return;
  }
  ASSERT_TRUE(fs::exists(ast_path)) << ast_path << " missing (run with BTC_UPDATE_GOLDENS=1)";
  EXPECT_EQ(read_file(ast_path), ast_text);
  std::string expected_err = fs::exists(err_path) ? read_file(err_path) : std::string();
  EXPECT_EQ(expected_err, err_text);
  // Error cases are named err_*; everything else must parse cleanly.
  EXPECT_EQ(name.rfind("err_", 0) == 0, diags.has_errors());
}

INSTANTIATE_TEST_SUITE_P(Parse, Golden, ::testing::ValuesIn(bt_files(BTC_PARSE_GOLDEN_DIR)),
                         [](const auto& info) { return info.param; });

TEST(GoldenSuite, HasEnoughCases) {
  EXPECT_GE(bt_files(BTC_PARSE_GOLDEN_DIR).size(), 40u);
}

// Debian's bpftrace package installs the 38 tools of bpftrace v0.17 here.
const char* const kToolsDir = "/usr/sbin";

class Tool : public ::testing::TestWithParam<std::string> {};

TEST_P(Tool, ParsesWithoutDiagnostics) {
  fs::path p = fs::path(kToolsDir) / (GetParam() + ".bt");
  if (!fs::exists(p)) GTEST_SKIP() << "bpftrace tools not installed";
  source::SourceFile file(p.filename().string(), read_file(p));
  diag::Diagnostics diags;
  ParseOptions options;
  options.script_dir = BTC_PARSE_GOLDEN_DIR; // #include "FILE" is relative to the script
  ast::Program prog = parse(file, diags, options);
  EXPECT_EQ(diags.size(), 0u) << diag::render_all(diags, file);
  EXPECT_FALSE(prog.probes.empty());
}

std::vector<std::string> tool_names() {
  std::vector<std::string> names = bt_files(kToolsDir);
  if (names.empty()) names.push_back("none_installed");
  return names;
}

INSTANTIATE_TEST_SUITE_P(BpftraceTools, Tool, ::testing::ValuesIn(tool_names()),
                         [](const auto& info) { return info.param; });

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Tool);

TEST(BpftraceTools, AllThirtyEightPresentOrSkipped) {
  auto names = bt_files(kToolsDir);
  if (names.empty()) GTEST_SKIP() << "no bpftrace tools in " << kToolsDir;
  EXPECT_GE(names.size(), 38u);
}

} // namespace
} // namespace btc::parse
