// parser_test.cpp: one behaviour per test for the parser: tree shapes, precedence, casts,
// preamble handling, error messages and recovery.
#include "ast/printer.h"
#include "parse/parser.h"

#include <gtest/gtest.h>

namespace btc::parse {
namespace {

struct Parsed {
  ast::Program prog;
  std::vector<std::string> errors;
};

Parsed parse_text(const std::string& text) {
  source::SourceFile file("t.bt", text);
  diag::Diagnostics diags;
  Parsed p{parse(file, diags), {}};
  for (const auto& d : diags.all()) p.errors.push_back(d.message);
  return p;
}

// The dump of the single statement of `BEGIN { <stmt> }`.
std::string stmt_dump(const std::string& stmt) {
  Parsed p = parse_text("BEGIN { " + stmt + " }");
  EXPECT_TRUE(p.errors.empty()) << stmt << ": " << (p.errors.empty() ? "" : p.errors[0]);
  if (p.prog.probes.empty() || p.prog.probes[0].body.empty()) return "";
  return ast::print(*p.prog.probes[0].body[0]);
}

// The dump of expression `e` (as `@ = e`).
std::string expr_dump(const std::string& e) {
  Parsed p = parse_text("BEGIN { @ = " + e + " }");
  EXPECT_TRUE(p.errors.empty()) << e << ": " << (p.errors.empty() ? "" : p.errors[0]);
  if (p.prog.probes.empty() || p.prog.probes[0].body.empty()) return "";
  const auto* a = p.prog.probes[0].body[0]->as<ast::AssignStmt>();
  return a ? ast::print(*a->value) : "";
}

std::string first_error(const std::string& text) {
  Parsed p = parse_text(text);
  return p.errors.empty() ? "" : p.errors[0];
}

TEST(Parser, ProbeWithPredicateAndBody) {
  Parsed p = parse_text("kprobe:f /pid > 1/ { @x[comm] = count(); }");
  ASSERT_TRUE(p.errors.empty());
  ASSERT_EQ(p.prog.probes.size(), 1u);
  const auto& probe = p.prog.probes[0];
  ASSERT_EQ(probe.attach_points.size(), 1u);
  EXPECT_EQ(probe.attach_points[0].text, "kprobe:f");
  ASSERT_TRUE(probe.predicate);
  EXPECT_EQ(ast::print(*probe.predicate), "binary >\n  builtin pid\n  int 1\n");
  ASSERT_EQ(probe.body.size(), 1u);
}

TEST(Parser, MultipleAttachPointsAndTrailingComma) {
  Parsed p = parse_text("t:a:b,\n t:c:d , { }");
  ASSERT_TRUE(p.errors.empty());
  ASSERT_EQ(p.prog.probes[0].attach_points.size(), 2u);
  EXPECT_EQ(p.prog.probes[0].attach_points[1].text, "t:c:d");
}

TEST(Parser, AttachPointRangeIsTheText) {
  Parsed p = parse_text("  uprobe:/bin/bash:readline { }");
  EXPECT_EQ(p.prog.probes[0].attach_points[0].range.begin, 2u);
  EXPECT_EQ(p.prog.probes[0].attach_points[0].range.end, 27u);
}

TEST(Parser, PredicateSlashVersusDivision) {
  Parsed p = parse_text("BEGIN /10 / 2 == 5/ { }");
  ASSERT_TRUE(p.errors.empty());
  EXPECT_EQ(ast::print(*p.prog.probes[0].predicate),
            "binary ==\n  binary /\n    int 10\n    int 2\n  int 5\n");
}

TEST(Parser, Precedence) {
  EXPECT_EQ(expr_dump("1 << 4 + 1"), "binary <<\n  int 1\n  binary +\n    int 4\n    int 1\n");
  EXPECT_EQ(expr_dump("10 - 2 - 3"),
            "binary -\n  binary -\n    int 10\n    int 2\n  int 3\n");
  EXPECT_EQ(expr_dump("1 || 2 && 3"),
            "binary ||\n  int 1\n  binary &&\n    int 2\n    int 3\n");
  EXPECT_EQ(expr_dump("7 & 3 | 8 ^ 1"),
            "binary |\n  binary &\n    int 7\n    int 3\n  binary ^\n    int 8\n    int 1\n");
}

TEST(Parser, TernaryIsRightAssociative) {
  EXPECT_EQ(expr_dump("1 ? 2 : 3 ? 4 : 5"),
            "ternary\n  int 1\n  int 2\n  ternary\n    int 3\n    int 4\n    int 5\n");
}

TEST(Parser, NegativeLiteralIsFolded) {
  EXPECT_EQ(expr_dump("-5"), "int -5\n");
  EXPECT_EQ(expr_dump("-(5)"), "unary -\n  int 5\n");
  EXPECT_EQ(expr_dump("-9223372036854775808"), "int -9223372036854775808\n");
}

TEST(Parser, CastForms) {
  EXPECT_EQ(expr_dump("(uint32)-1"), "cast (uint32)\n  int -1\n");
  EXPECT_EQ(expr_dump("(struct task_struct *)curtask"),
            "cast (struct task_struct *)\n  builtin curtask\n");
  EXPECT_EQ(expr_dump("(Conference*)arg0"), "cast (Conference *)\n  builtin arg0\n");
  EXPECT_EQ(expr_dump("(path **)arg0"), "cast (path **)\n  builtin arg0\n");
  EXPECT_EQ(expr_dump("(uint8[4])1"), "cast (uint8[4])\n  int 1\n");
  EXPECT_EQ(expr_dump("(x)"), "ident x\n");
  EXPECT_EQ(expr_dump("(uint8)300 + 1"), "binary +\n  cast (uint8)\n    int 300\n  int 1\n");
}

TEST(Parser, TupleAndTupleIndex) {
  EXPECT_EQ(expr_dump("(1, \"a\")"), "tuple\n  int 1\n  string \"a\"\n");
  EXPECT_EQ(expr_dump("$t.1.0"), "tuple_index .0\n  tuple_index .1\n    var $t\n");
}

TEST(Parser, PostfixChain) {
  EXPECT_EQ(expr_dump("curtask->real_parent->comm"),
            "field ->comm\n  field ->real_parent\n    builtin curtask\n");
  EXPECT_EQ(expr_dump("$s->y[0]"), "index\n  field ->y\n    var $s\n  int 0\n");
}

TEST(Parser, MapKeysAndCalls) {
  EXPECT_EQ(expr_dump("@m[pid, comm]"), "map @m\n  builtin pid\n  builtin comm\n");
  EXPECT_EQ(expr_dump("kstack(perf, 3)"), "call kstack\n  ident perf\n  int 3\n");
  EXPECT_EQ(expr_dump("kstack"), "builtin kstack\n");
  EXPECT_EQ(expr_dump("sym(arg0)"), "call sym\n  builtin arg0\n");
}

TEST(Parser, SizeofAndOffsetof) {
  EXPECT_EQ(expr_dump("sizeof(uint32)"), "sizeof (uint32)\n");
  EXPECT_EQ(expr_dump("sizeof(comm)"), "sizeof\n  builtin comm\n");
  EXPECT_EQ(expr_dump("offsetof(struct task_struct, se.load)"),
            "offsetof (struct task_struct) se.load\n");
}

TEST(Parser, Positionals) {
  EXPECT_EQ(expr_dump("$2 + $#"), "binary +\n  positional $2\n  positional_count $#\n");
}

TEST(Parser, AssignmentsAndIncDec) {
  EXPECT_EQ(stmt_dump("@x[1] <<= 2"), "assign <<=\n  map @x\n    int 1\n  int 2\n");
  EXPECT_EQ(stmt_dump("$x++"), "expr\n  post++\n    var $x\n");
  EXPECT_EQ(stmt_dump("--@y"), "expr\n  pre--\n    map @y\n");
}

TEST(Parser, IfElseIfChain) {
  EXPECT_EQ(stmt_dump("if (1) { } else if (2) { @a = 1 } else { }"),
            "if\n  int 1\n  then\n  else\n    if\n      int 2\n      then\n        assign =\n"
            "          map @a\n          int 1\n      else\n");
}

TEST(Parser, UnrollCountForms) {
  EXPECT_EQ(stmt_dump("unroll (3) { }"), "unroll\n  int 3\n  body\n");
  EXPECT_EQ(stmt_dump("unroll ($1) { }"), "unroll\n  positional $1\n  body\n");
  EXPECT_EQ(first_error("BEGIN { unroll (1+1) { } }"), "syntax error, unexpected +, expecting )");
}

TEST(Parser, StraySemicolonAfterBlockAccepted) {
  EXPECT_TRUE(parse_text("BEGIN { if (1) { }; while (1) { }; @x = 1 }").errors.empty());
  EXPECT_EQ(first_error("BEGIN { ; }"), "syntax error, unexpected ;, expecting }");
}

TEST(Parser, LastStatementNeedsNoSemicolon) {
  Parsed p = parse_text("BEGIN { @a = 1; @b = 2 }");
  EXPECT_TRUE(p.errors.empty());
  EXPECT_EQ(p.prog.probes[0].body.size(), 2u);
}

TEST(Parser, SyntaxErrorMessages) {
  EXPECT_EQ(first_error("BEGIN { $x = 1 +; }"), "syntax error, unexpected ;");
  EXPECT_EQ(first_error("BEGIN { if (1) printf(\"x\"); }"),
            "syntax error, unexpected call, expecting {");
  EXPECT_EQ(first_error("BEGIN { @x = (1; }"), "syntax error, unexpected ;, expecting ) or \",\"");
  EXPECT_EQ(first_error("BEGIN { $x = $y = 1 }"), "syntax error, unexpected =, expecting }");
  EXPECT_EQ(first_error("BEGIN { $x = 1 2 }"), "syntax error, unexpected integer, expecting }");
  EXPECT_EQ(first_error("BEGIN {"), "syntax error, unexpected end of file, expecting }");
  EXPECT_EQ(first_error("BEGIN"), "unexpected end of file, expected {");
  EXPECT_EQ(first_error("BEGIN { if { } }"), "syntax error, unexpected {, expecting (");
  EXPECT_EQ(first_error("BEGIN { pid++ }"), "The ++ operator must be applied to a map or variable");
}

TEST(Parser, SyntaxErrorPointsAtTheToken) {
  source::SourceFile file("t.bt", "BEGIN\n{\n  $x = 1 +;\n}\n");
  diag::Diagnostics diags;
  parse(file, diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diag::render(diags.all()[0], file),
            "t.bt:3:11-12: ERROR: syntax error, unexpected ;\n  $x = 1 +;\n          ~\n");
}

TEST(Parser, RecoveryReportsSeveralErrors) {
  Parsed p = parse_text("BEGIN { $x = 1 +; @ok = 1; foo bar; } END { @y = (1; } i:s:1 { +; }");
  EXPECT_EQ(p.errors.size(), 4u);
  ASSERT_EQ(p.prog.probes.size(), 3u);
  EXPECT_EQ(p.prog.probes[0].body.size(), 2u); // @ok = 1 and foo
}

TEST(Parser, PreambleIncludesDefinesAndConditionals) {
  Parsed p = parse_text(
      "#!/usr/bin/env bpftrace\n#ifndef BPFTRACE_HAVE_BTF\n#include <linux/sched.h>\n"
      "#else\n#include <sys/socket.h>\n#endif\n#define N 4\nstruct S { int a; }\n"
      "BEGIN { @ = N; }");
  ASSERT_TRUE(p.errors.empty()) << p.errors[0];
  ASSERT_EQ(p.prog.includes.size(), 1u);
  EXPECT_EQ(p.prog.includes[0].path, "sys/socket.h");
  // The script's own #define, after the macros <sys/socket.h> brought.
  ASSERT_FALSE(p.prog.defines.empty());
  EXPECT_FALSE(p.prog.defines.back().from_header);
  EXPECT_EQ(p.prog.defines.back().value, "4");
  EXPECT_TRUE(p.prog.defines.front().from_header);
  ASSERT_EQ(p.prog.c_definitions.size(), 1u);
  EXPECT_EQ(p.prog.c_definitions[0].text, "struct S { int a; }");
  const auto* a = p.prog.probes[0].body[0]->as<ast::AssignStmt>();
  ASSERT_TRUE(a && a->value->as<ast::IntLit>());
  EXPECT_EQ(a->value->as<ast::IntLit>()->value, 4u);
}

TEST(Parser, FunctionLikeMacroIsNotSubstituted) {
  Parsed p = parse_text("#define ADD(a, b) ((a)+(b))\nBEGIN { @ = ADD(1, 2) }");
  EXPECT_TRUE(p.errors.empty());
  EXPECT_TRUE(p.prog.defines.empty());
  const auto* a = p.prog.probes[0].body[0]->as<ast::AssignStmt>();
  ASSERT_TRUE(a && a->value->as<ast::Call>());
  EXPECT_EQ(a->value->as<ast::Call>()->name, "ADD");
}

TEST(Parser, UndefAndRedefineUpdateTheDefineList) {
  Parsed p = parse_text("#define A 1\n#define B 2\n#define A 3\n#undef B\nBEGIN { @ = A + B }");
  EXPECT_TRUE(p.errors.empty());
  ASSERT_EQ(p.prog.defines.size(), 1u);
  EXPECT_EQ(p.prog.defines[0].name, "A");
  EXPECT_EQ(p.prog.defines[0].value, "3");
  const auto* a = p.prog.probes[0].body[0]->as<ast::AssignStmt>();
  ASSERT_TRUE(a);
  EXPECT_EQ(ast::print(*a->value), "binary +\n  int 3\n  ident B\n");
}

TEST(Parser, UnterminatedCDefinition) {
  EXPECT_EQ(first_error("struct S { int a;\nBEGIN { }"), "end of file in C definition");
}

TEST(Parser, EmptyProgramIsAnError) {
  EXPECT_EQ(first_error("// just a comment\n"), "unexpected end of file, expected a probe");
}

TEST(Parser, NodeRanges) {
  Parsed p = parse_text("BEGIN { @x = 1 + 22; }");
  const auto* a = p.prog.probes[0].body[0]->as<ast::AssignStmt>();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->value->range.begin, 13u);
  EXPECT_EQ(a->value->range.end, 19u);
  EXPECT_EQ(a->op_range.begin, 11u); // the `=`
  EXPECT_EQ(a->op_range.end, 12u);
  EXPECT_EQ(p.prog.probes[0].body[0]->range.begin, 8u);
  EXPECT_EQ(p.prog.probes[0].range.begin, 0u);
  EXPECT_EQ(p.prog.probes[0].range.end, 22u);
}

} // namespace
} // namespace btc::parse
