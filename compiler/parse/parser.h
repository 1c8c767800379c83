// parser.h: the front end's entry point: script text -> ast::Program.
//
// Input: a SourceFile. Output: the Program (preamble defines/includes/C definitions and the
// probes). Syntax errors are reported to `diags` in bpftrace's shape ("syntax error,
// unexpected ;"); the parser recovers at the next ';' or '}' so one run reports several.
// The caller checks diags.has_errors() before using the tree.
// Example: parse(SourceFile("stdin", "BEGIN { printf(\"hi\\n\"); }"), diags) gives one probe
// with attach point "BEGIN" and a body holding ExprStmt(Call printf(StrLit "hi\n")).
#pragma once

#include "ast/ast.h"
#include "diag/diag.h"
#include "source/source.h"

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace btc::parse {

struct ParseOptions {
  std::vector<std::string> include_dirs; // -I: searched first by #include
  std::string script_dir = ".";          // where #include "FILE" looks first
  std::vector<std::string> include_files; // --include: as `#include <FILE>` before the script
  // Files already brought in by `import` (canonical paths), shared with imported files' parsers.
  std::shared_ptr<std::set<std::string>> imported = std::make_shared<std::set<std::string>>();
  int import_depth = 0;
};

ast::Program parse(const source::SourceFile& file, diag::Diagnostics& diags,
                   const ParseOptions& options = {});

} // namespace btc::parse
