// lexer_test.cpp: token kinds, literal values, escapes, macros, raw attach/preamble reading,
// and lexical error messages.
#include "parse/lexer.h"

#include <gtest/gtest.h>

#include <vector>

namespace btc::parse {
namespace {

struct Lexed {
  std::vector<Token> tokens;
  std::vector<std::string> errors;
};

Lexed lex_all(const std::string& text, bool predicate_mode = false) {
  source::SourceFile file("t.bt", text);
  diag::Diagnostics diags;
  Lexer lex(file, diags);
  lex.set_predicate_mode(predicate_mode);
  Lexed out;
  for (int i = 0; i < 1000; ++i) {
    Token t = lex.next();
    if (t.kind == Tok::End) break;
    out.tokens.push_back(t);
  }
  for (const auto& d : diags.all()) out.errors.push_back(d.message);
  return out;
}

std::vector<Tok> kinds(const std::string& text) {
  std::vector<Tok> out;
  for (const auto& t : lex_all(text).tokens) out.push_back(t.kind);
  return out;
}

uint64_t int_of(const std::string& text) {
  Lexed l = lex_all(text);
  EXPECT_TRUE(l.errors.empty()) << text << ": " << (l.errors.empty() ? "" : l.errors[0]);
  EXPECT_EQ(l.tokens.size(), 1u) << text;
  return l.tokens.empty() ? 0 : l.tokens[0].int_value;
}

std::string str_of(const std::string& text) {
  Lexed l = lex_all(text);
  EXPECT_TRUE(l.errors.empty()) << text;
  EXPECT_EQ(l.tokens.size(), 1u);
  return l.tokens.empty() ? "" : l.tokens[0].text;
}

std::string first_error(const std::string& text) {
  Lexed l = lex_all(text);
  return l.errors.empty() ? "" : l.errors[0];
}

TEST(Lexer, NamesAndSigils) {
  Lexed l = lex_all("pid foo $x $1 $# @ @map arg3 sarg9 stack kstack if sizeof");
  std::vector<Tok> want = {Tok::Builtin, Tok::Ident, Tok::Var, Tok::Positional,
                           Tok::PositionalCount, Tok::Map, Tok::Map, Tok::Builtin,
                           Tok::Builtin, Tok::Builtin, Tok::Builtin, Tok::KwIf, Tok::KwSizeof};
  ASSERT_EQ(l.tokens.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(l.tokens[i].kind, want[i]) << i;
  EXPECT_EQ(l.tokens[2].text, "$x");
  EXPECT_EQ(l.tokens[3].int_value, 1u);
  EXPECT_EQ(l.tokens[5].text, "@");
  EXPECT_EQ(l.tokens[6].text, "@map");
}

TEST(Lexer, ArgTenIsNotABuiltin) {
  EXPECT_EQ(kinds("arg10 sarg arg"), (std::vector<Tok>{Tok::Ident, Tok::Ident, Tok::Ident}));
}

TEST(Lexer, OperatorsMaximalMunch) {
  EXPECT_EQ(kinds("<<= >>= << >> <= >= < > == != = ! && || & | ^ ~"),
            (std::vector<Tok>{Tok::ShlAssign, Tok::ShrAssign, Tok::Shl, Tok::Shr, Tok::Le,
                              Tok::Ge, Tok::Lt, Tok::Gt, Tok::EqEq, Tok::Ne, Tok::Assign,
                              Tok::Bang, Tok::AndAnd, Tok::OrOr, Tok::Amp, Tok::Pipe,
                              Tok::Caret, Tok::Tilde}));
  EXPECT_EQ(kinds("++ -- += -= *= /= %= &= |= ^= -> . ? : ; ,"),
            (std::vector<Tok>{Tok::PlusPlus, Tok::MinusMinus, Tok::PlusAssign,
                              Tok::MinusAssign, Tok::StarAssign, Tok::SlashAssign,
                              Tok::PercentAssign, Tok::AmpAssign, Tok::PipeAssign,
                              Tok::CaretAssign, Tok::Arrow, Tok::Dot, Tok::Question, Tok::Colon,
                              Tok::Semi, Tok::Comma}));
}

TEST(Lexer, IntegerLiterals) {
  EXPECT_EQ(int_of("0"), 0u);
  EXPECT_EQ(int_of("12345"), 12345u);
  EXPECT_EQ(int_of("0123"), 83u);
  EXPECT_EQ(int_of("0x1f"), 31u);
  EXPECT_EQ(int_of("0XFF"), 255u);
  EXPECT_EQ(int_of("1e6"), 1000000u);
  EXPECT_EQ(int_of("2E3"), 2000u);
  EXPECT_EQ(int_of("1_000_000"), 1000000u);
  EXPECT_EQ(int_of("10ULL"), 10u);
  EXPECT_EQ(int_of("10ul"), 10u);
  EXPECT_EQ(int_of("10L"), 10u);
  EXPECT_EQ(int_of("0xffffffffffffffff"), UINT64_MAX);
  EXPECT_EQ(int_of("18446744073709551615"), UINT64_MAX);
}

TEST(Lexer, IntegerLiteralErrors) {
  EXPECT_EQ(first_error("1e-3"), "invalid integer literal '1e-3'");
  EXPECT_EQ(first_error("09"), "invalid octal literal '09'");
  EXPECT_EQ(first_error("1abc"), "invalid integer literal '1abc'");
  EXPECT_EQ(first_error("18446744073709551616"),
            "integer literal is out of range: 18446744073709551616");
  EXPECT_EQ(first_error("1e100"), "integer literal is out of range: 1e100");
  EXPECT_EQ(first_error("0x"), "invalid integer literal '0x'");
}

TEST(Lexer, StringEscapes) {
  EXPECT_EQ(str_of(R"("a\nb\tc\rd\"e\\f")"), "a\nb\tc\rd\"e\\f");
  EXPECT_EQ(str_of(R"("\101\102\0x")"), std::string("AB\0x", 4));
  EXPECT_EQ(str_of(R"("\x41\x4a\x7")"), "AJ\x07");
  EXPECT_EQ(str_of(R"("")"), "");
}

TEST(Lexer, StringErrors) {
  EXPECT_EQ(first_error("\"abc\n\""), "unterminated string");
  EXPECT_EQ(first_error("\"abc"), "unterminated string");
  EXPECT_EQ(first_error(R"("a\qb")"), "invalid escape character '\\q'");
  EXPECT_EQ(first_error(R"("\777")"), "octal escape sequence out of range");
}

TEST(Lexer, UnterminatedStringRange) {
  source::SourceFile file("t.bt", "x \"abc\ny");
  diag::Diagnostics diags;
  Lexer lex(file, diags);
  lex.next();
  Token s = lex.next();
  EXPECT_EQ(s.kind, Tok::Str);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags.all()[0].range.begin, 2u);
  EXPECT_EQ(diags.all()[0].range.end, 6u);
  EXPECT_EQ(lex.next().text, "y");
}

TEST(Lexer, CharLiteralsAreIntegers) {
  EXPECT_EQ(int_of("'a'"), 97u);
  EXPECT_EQ(int_of("'\\n'"), 10u);
  EXPECT_EQ(int_of("'\\''"), 39u);
  EXPECT_EQ(first_error("'ab'"), "character literal must contain exactly one character");
  EXPECT_EQ(first_error("'a"), "unterminated character literal");
}

TEST(Lexer, Comments) {
  EXPECT_EQ(kinds("a // b\n c /* d \n e */ f"),
            (std::vector<Tok>{Tok::Ident, Tok::Ident, Tok::Ident}));
  EXPECT_EQ(first_error("a /* never closed"), "end of file during comment");
}

TEST(Lexer, InvalidCharacterIsReportedAndSkipped) {
  Lexed l = lex_all("a ` b");
  ASSERT_EQ(l.errors.size(), 1u);
  EXPECT_EQ(l.errors[0], "invalid character '`'");
  EXPECT_EQ(l.tokens.size(), 2u);
}

TEST(Lexer, PositionalZeroIsAnError) {
  EXPECT_EQ(first_error("$0"), "param $0 is out of integer range [1, 9223372036854775807]");
}

TEST(Lexer, PredicateEnd) {
  EXPECT_EQ(kinds("a / b"), (std::vector<Tok>{Tok::Ident, Tok::Slash, Tok::Ident}));
  Lexed l = lex_all("a / b / {", true);
  ASSERT_EQ(l.tokens.size(), 5u);
  EXPECT_EQ(l.tokens[1].kind, Tok::Slash);
  EXPECT_EQ(l.tokens[3].kind, Tok::PredEnd);
  Lexed l2 = lex_all("a /\n\n /", true);
  EXPECT_EQ(l2.tokens[1].kind, Tok::PredEnd);
}

TEST(Lexer, MacroSubstitution) {
  source::SourceFile file("t.bt", "X + Y Z");
  diag::Diagnostics diags;
  Lexer lex(file, diags);
  lex.define_macro("X", "10");
  lex.define_macro("Y", "(X * 2)");
  lex.define_macro("Z", "Z");
  std::vector<std::string> texts;
  std::vector<source::SourceRange> ranges;
  for (Token t = lex.next(); t.kind != Tok::End; t = lex.next()) {
    texts.push_back(t.text);
    ranges.push_back(t.range);
  }
  EXPECT_EQ(texts, (std::vector<std::string>{"10", "+", "(", "10", "*", "2", ")", "Z"}));
  // Expansion tokens carry the range of the outermost macro name.
  ASSERT_EQ(ranges.size(), 8u);
  EXPECT_EQ(ranges[0].begin, 0u);
  EXPECT_EQ(ranges[3].begin, 4u);
  EXPECT_EQ(ranges[3].end, 5u);
  EXPECT_TRUE(diags.all().empty());
}

TEST(Lexer, AttachPointRawText) {
  auto attach = [](const std::string& text) {
    source::SourceFile file("t.bt", text);
    diag::Diagnostics diags;
    Lexer lex(file, diags);
    return lex.lex_attach_point().text;
  };
  EXPECT_EQ(attach("uprobe:/bin/bash:readline /pid/"), "uprobe:/bin/bash:readline");
  EXPECT_EQ(attach("kprobe:f+0x10,"), "kprobe:f+0x10");
  EXPECT_EQ(attach("uprobe:\"/p/a b\":\"f\"{"), "uprobe:\"/p/a b\":\"f\"");
  EXPECT_EQ(attach("software:faults: {"), "software:faults:");
  EXPECT_EQ(attach("i:ms:$1{"), "i:ms:$1");
  EXPECT_EQ(attach("BEGIN/1/"), "BEGIN");
  EXPECT_EQ(attach("t:syscalls:sys_enter_*\n"), "t:syscalls:sys_enter_*");
  EXPECT_EQ(attach("ur:/lib/*/libc.so.6:malloc "), "ur:/lib/*/libc.so.6:malloc");
  EXPECT_EQ(attach("t:a:b// comment"), "t:a:b");
}

TEST(Lexer, CDefinitionText) {
  source::SourceFile file("t.bt", "struct A { int a; /* c */ struct { int b; } n; } ; BEGIN");
  diag::Diagnostics diags;
  Lexer lex(file, diags);
  std::string text;
  source::SourceRange r;
  ASSERT_TRUE(lex.lex_c_definition(text, r));
  EXPECT_EQ(text, "struct A { int a;   struct { int b; } n; } ;");
  lex.skip_trivia();
  EXPECT_EQ(lex.peek_char(), 'B');
}

TEST(Lexer, TokenDescriptionsFollowBison) {
  Lexed l = lex_all("printf foo pid kstack 1 \"s\" $x @m $1 , ; sizeof");
  std::vector<std::string> want = {"call", "identifier", "builtin", "call_builtin", "integer",
                                   "string", "variable", "map", "positional parameter",
                                   "\",\"", ";", "call"};
  ASSERT_EQ(l.tokens.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(token_description(l.tokens[i]), want[i]);
}

} // namespace
} // namespace btc::parse
