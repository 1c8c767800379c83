// parser.cpp: parse() and the Parser's token stream: lazy lookahead, expect/accept, syntax
// errors in bison's words, and statement-level resynchronisation.
//
// Input: the Lexer. Output: tokens for the rule functions in parse_{program,stmt,expr}.cpp.
// Example: with lookahead `;` where an expression is needed, syntax_error() reports
// "syntax error, unexpected ;" on the `;`.
#include "parse/parser.h"

#include "parse/parser_impl.h"

namespace btc::parse {

ast::Program parse(const source::SourceFile& file, diag::Diagnostics& diags,
                   const ParseOptions& options) {
  Parser p(file, diags, options);
  return p.parse_program();
}

Parser::Parser(const source::SourceFile& file, diag::Diagnostics& diags,
               const ParseOptions& options)
    : file_(file), diags_(diags), options_(options), lex_(file, diags) {
  // As 0.17 runs clang with BTF: scripts test BPFTRACE_HAVE_BTF, and <linux/types.h> (whose
  // types BTF has) is skipped.
  defined_.insert("BPFTRACE_HAVE_BTF");
  defined_.insert("_LINUX_TYPES_H");
}

const Token& Parser::peek(size_t n) {
  while (la_.size() <= n) {
    if (!la_.empty() && la_.back().kind == Tok::End) return la_.back();
    la_.push_back(lex_.next());
  }
  return la_[n];
}

Token Parser::take() {
  peek(0);
  Token t = std::move(la_.front());
  la_.pop_front();
  if (t.kind != Tok::End) last_end_ = t.range.end;
  return t;
}

bool Parser::accept(Tok k) {
  if (!at(k)) return false;
  take();
  return true;
}

bool Parser::expect(Tok k, const std::string& expecting) {
  if (accept(k)) return true;
  syntax_error(cur(), expecting);
  return false;
}

void Parser::syntax_error(const Token& t, const std::string& expecting) {
  if (panic_) return;
  panic_ = true;
  std::string msg = "syntax error, unexpected " + token_description(t);
  if (!expecting.empty()) msg += ", expecting " + expecting;
  diags_.error(t.range, std::move(msg));
}

void Parser::error(source::SourceRange r, std::string msg) {
  if (panic_) return;
  panic_ = true;
  diags_.error(r, std::move(msg));
}

bool Parser::too_many_errors() const { return diags_.size() >= 100; }

void Parser::sync_statement() {
  int depth = 0;
  while (!at(Tok::End)) {
    Tok k = cur().kind;
    if (depth == 0 && k == Tok::Semi) {
      take();
      break;
    }
    if (depth == 0 && k == Tok::RBrace) break;
    if (k == Tok::LBrace || k == Tok::LParen || k == Tok::LBracket) ++depth;
    if ((k == Tok::RBrace || k == Tok::RParen || k == Tok::RBracket) && depth > 0) --depth;
    take();
  }
  // At the end of input the error already reported is the last word.
  if (!at(Tok::End)) panic_ = false;
}

void Parser::resync_lexer() {
  if (!la_.empty()) {
    la_.clear();
    lex_.seek(last_end_);
  }
  lex_.set_predicate_mode(false);
}

} // namespace btc::parse
