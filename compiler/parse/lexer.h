// lexer.h: the hand-written tokenizer for bpftrace programs.
//
// Input: a SourceFile. Output: Tokens pulled one at a time by the parser. The lexer has three
// ways of reading, chosen by the caller because bpftrace's lexing is context dependent:
//   next()              ordinary tokens of actions and predicates (object-like #define macros
//                       are substituted here: `#define TEN 10` makes `TEN` lex as `10`),
//   lex_attach_point()  one attach point as raw text (`uprobe:/bin/bash:readline`),
//   raw helpers         line/brace-balanced text for the preamble (#include, struct X {...}).
// Example: `@x[pid] += 1;` -> Map(@x) [ Builtin(pid) ] += Int(1) ; End.
// Lexical errors (bad escapes, unterminated strings or comments, stray characters) are
// reported to Diagnostics; the lexer always makes progress and ends with Tok::End.
#pragma once

#include "diag/diag.h"
#include "source/source.h"

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace btc::parse {

enum class Tok {
  End,
  Int,             // 123, 0x1f, 1e6, 'c'
  Str,             // "..." (text holds the decoded value)
  Ident,           // any other name
  Builtin,         // pid, comm, arg0, kstack, ...
  Var,             // $name
  Map,             // @name or @
  Positional,      // $1 (int_value holds the index)
  PositionalCount, // $#
  // Keywords.
  KwIf, KwElse, KwWhile, KwUnroll, KwBreak, KwContinue, KwReturn, KwSizeof, KwOffsetof,
  KwStruct, KwUnion, KwEnum,
  // Punctuation.
  LBrace, RBrace, LParen, RParen, LBracket, RBracket, Semi, Comma, Colon, Question, Dot, Arrow,
  Plus, Minus, Star, Slash, Percent, Amp, Pipe, Caret, Bang, Tilde, Shl, Shr,
  Lt, Le, Gt, Ge, EqEq, Ne, AndAnd, OrOr, PlusPlus, MinusMinus,
  Assign, PlusAssign, MinusAssign, StarAssign, SlashAssign, PercentAssign, AmpAssign,
  PipeAssign, CaretAssign, ShlAssign, ShrAssign,
  PredEnd,         // the '/' closing a predicate (only produced in predicate mode)
};

struct Token {
  Tok kind = Tok::End;
  source::SourceRange range;
  std::string text;        // spelling (names, attach text) or decoded string value
  uint64_t int_value = 0;  // Int, Positional
};

// Name used in "syntax error, unexpected <name>" messages (bison's token names in 0.17).
std::string token_description(const Token& t);
// Spelling of a punctuation/keyword kind, e.g. "+=" or "while".
const char* tok_spelling(Tok k);

class Lexer {
public:
  Lexer(const source::SourceFile& file, diag::Diagnostics& diags);

  // Next ordinary token (macros substituted).
  Token next();

  // Predicate mode: a '/' followed (after whitespace) by '/' or '{' is Tok::PredEnd.
  void set_predicate_mode(bool on) { predicate_mode_ = on; }

  // Skip spaces and comments; returns false at end of input.
  bool skip_trivia();
  uint32_t pos() const { return pos_; }
  // Reposition (drops pending macro tokens). Used by the parser between top-level items.
  void seek(uint32_t pos);
  bool at_end() const { return pos_ >= text_.size(); }
  char peek_char(uint32_t ahead = 0) const;

  // One attach point as raw text starting at pos() (call skip_trivia() first). Returns a token
  // of kind Ident with the verbatim text, or kind End when no attach-point character is here.
  Token lex_attach_point();
  // The rest of the current line from pos() (joining backslash-continued lines), consumed
  // including the newline. Comments are removed. The range covers the raw text.
  std::string lex_line(source::SourceRange& range);
  // A brace-balanced C definition starting at pos(): up to the '}' closing the first '{' (plus
  // a following ';' if present), or up to the first ';' when no '{' comes first. Comments are
  // blanked out. Returns false (and reports) when the input ends first.
  bool lex_c_definition(std::string& text, source::SourceRange& range);
  // Skip to the end of the current line (inactive #if regions).
  void skip_line();

  // Object-like macros.
  void define_macro(const std::string& name, const std::string& value) { macros_[name] = value; }
  void undefine_macro(const std::string& name) { macros_.erase(name); }

private:
  // Scan one token from text_ at pos_ without macro substitution.
  Token scan();
  Token scan_number(uint32_t start);
  Token scan_string(uint32_t start);
  Token scan_char(uint32_t start);
  Token scan_word(uint32_t start);
  Token scan_dollar(uint32_t start);
  // Decode one escape after a backslash at pos_ (pos_ points at the char after '\').
  bool scan_escape(std::string& out, uint32_t lit_start);
  Token make(Tok k, uint32_t start, std::string text = {});
  void error(source::SourceRange r, std::string msg);
  // Expand macro `name` (token range r) into pending_, recursively.
  void expand_macro(const std::string& name, source::SourceRange r, int depth);

  const source::SourceFile* file_;
  std::string_view text_;
  diag::Diagnostics* diags_;
  uint32_t pos_ = 0;
  bool predicate_mode_ = false;
  std::map<std::string, std::string> macros_;
  std::set<std::string> expanding_;
  std::deque<Token> pending_;
  std::set<std::pair<uint32_t, std::string>> reported_;
  // When scanning macro replacement text, every token and error gets this range.
  bool in_macro_ = false;
  source::SourceRange macro_range_;
};

} // namespace btc::parse
