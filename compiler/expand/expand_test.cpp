// expand_test.cpp: the expand phase on small programs: macro substitution and hygiene, block
// scoping of let, range loops as while loops, the two-argument map functions, and the errors.
#include "expand/expand.h"

#include "ast/printer.h"
#include "parse/parser.h"

#include <gtest/gtest.h>

namespace btc::expand {
namespace {

struct Result {
  bool ok = false;
  std::string ast;    // the expanded program
  std::string errors; // rendered diagnostics
};

Result run(const std::string& text) {
  source::SourceFile file("t.bt", text);
  diag::Diagnostics diags;
  ast::Program prog = parse::parse(file, diags);
  EXPECT_FALSE(diags.has_errors()) << diag::render_all(diags, file);
  Result r;
  r.ok = expand(prog, diags).ok;
  r.ast = ast::print(prog);
  r.errors = diag::render_all(diags, file);
  return r;
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(Expand, ExpressionMacroIsSubstituted) {
  Result r = run("macro add_one(x) { x + 1 } BEGIN { @a = add_one(41); }");
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_TRUE(contains(r.ast, "binary +\n          int 41\n          int 1")) << r.ast;
  EXPECT_FALSE(contains(r.ast, "call add_one")) << r.ast;
}

TEST(Expand, BareZeroParameterMacro) {
  Result r = run("macro one() { 1 } BEGIN { @a = one; }");
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_TRUE(contains(r.ast, "map @a\n        int 1")) << r.ast;
}

TEST(Expand, MacroVariablesAreItsOwn) {
  Result r = run("macro m() { $a = 1; $a } BEGIN { $a = 5; @x = m(); }");
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_TRUE(contains(r.ast, "var $a#m1")) << r.ast; // the macro's own $a
  EXPECT_TRUE(contains(r.ast, "var $a\n")) << r.ast;  // the probe's $a, untouched
}

TEST(Expand, VariableAndMapParametersNameTheCallers) {
  Result r = run("macro inc($v, @m) { $v += 1; @m += 1; } BEGIN { $x = 1; @n = 1; inc($x, @n); }");
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_TRUE(contains(r.ast, "assign +=\n            var $x\n")) << r.ast;
  EXPECT_TRUE(contains(r.ast, "assign +=\n            map @n\n")) << r.ast;
}

TEST(Expand, MacroMustBeGivenItsMaps) {
  Result r = run("macro bad() { @x = 1; } BEGIN { bad(); }");
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(contains(r.errors, "macro 'bad' uses map @x, which is not one of its parameters"))
      << r.errors;
}

TEST(Expand, ParameterKindsAreChecked) {
  Result r = run("macro inc($v) { $v += 1; } BEGIN { inc(1 + 1); }");
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(contains(r.errors, "macro 'inc' expects a variable for $v")) << r.errors;
}

TEST(Expand, WrongArityAndRecursionAreErrors) {
  Result a = run("macro two(a, b) { a + b } BEGIN { @x = two(1); }");
  EXPECT_FALSE(a.ok);
  EXPECT_TRUE(contains(a.errors, "macro 'two' does not take 1 argument")) << a.errors;
  Result r = run("macro loop(x) { loop(x) } BEGIN { @x = loop(1); }");
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(contains(r.errors, "levels deep (does it call itself?)")) << r.errors;
}

TEST(Expand, LetIsBlockScoped) {
  Result r = run("BEGIN { $x = 1; if (1) { let $x = 2; @a = $x; } @b = $x; }");
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_TRUE(contains(r.ast, "let $x#1")) << r.ast;
  EXPECT_TRUE(contains(r.ast, "map @a\n            var $x#1")) << r.ast;
  EXPECT_TRUE(contains(r.ast, "map @b\n        var $x\n")) << r.ast;
}

TEST(Expand, RangeLoopBecomesWhile) {
  Result r = run("BEGIN { for ($i : 0..3) { @s += $i; } }");
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_FALSE(contains(r.ast, "for $i")) << r.ast;
  EXPECT_TRUE(contains(r.ast, "while\n        binary <\n          var $__for#")) << r.ast;
}

TEST(Expand, TwoArgumentMapFunctionsNameTheEntry) {
  Result r = run("BEGIN { @m[1] = 1; delete(@m, 1); @h = has_key(@m, 2); }");
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_TRUE(contains(r.ast, "call delete\n          map @m\n            int 1")) << r.ast;
  EXPECT_TRUE(contains(r.ast, "call has_key\n          map @m\n            int 2")) << r.ast;
}

TEST(Expand, PreludeMacrosPointAtTheCall) {
  Result r = run("BEGIN { @p = ppid; }");
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_TRUE(contains(r.ast, "field ->pid")) << r.ast;
  EXPECT_TRUE(contains(r.ast, "builtin curtask")) << r.ast;
}

TEST(Expand, DisplayNameDropsTheSuffix) {
  EXPECT_EQ(display_name("$x#3"), "$x");
  EXPECT_EQ(display_name("$x#m2#5"), "$x");
  EXPECT_EQ(display_name("$plain"), "$plain");
}

} // namespace
} // namespace btc::expand
