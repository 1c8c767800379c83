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

namespace btc::parse {

ast::Program parse(const source::SourceFile& file, diag::Diagnostics& diags);

} // namespace btc::parse
