// lexer.cpp: tokens, literals (integers, strings, chars), macros and raw attach/preamble text.
//
// Input: the script text. Output: Tokens (see lexer.h). Integer literals accept decimal, octal
// (leading 0), hex, scientific integers (1e6), '_' separators and C suffixes; strings decode
// \n \t \r \" \\ \NNN \xHH. Every scan step consumes at least one character.
#include "parse/lexer.h"

#include "parse/names.h"

#include <cctype>
#include <utility>

namespace btc::parse {

namespace {

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// Characters that may appear unquoted in an attach point (paths, wildcards, offsets, $1).
bool is_attach_char(char c) {
  if (is_ident_char(c)) return true;
  switch (c) {
  case ':': case '/': case '*': case '+': case '-': case '.': case '$': case '[': case ']':
  case '?': case '~': case '@':
    return true;
  default:
    return false;
  }
}

struct Keyword {
  std::string_view word;
  Tok kind;
};
constexpr Keyword kKeywords[] = {
    {"if", Tok::KwIf},           {"else", Tok::KwElse},         {"while", Tok::KwWhile},
    {"unroll", Tok::KwUnroll},   {"break", Tok::KwBreak},       {"continue", Tok::KwContinue},
    {"return", Tok::KwReturn},   {"sizeof", Tok::KwSizeof},     {"offsetof", Tok::KwOffsetof},
    {"struct", Tok::KwStruct},   {"union", Tok::KwUnion},       {"enum", Tok::KwEnum},
};

struct Punct {
  std::string_view text;
  Tok kind;
};
// Longest spellings first (maximal munch).
constexpr Punct kPuncts[] = {
    {"<<=", Tok::ShlAssign}, {">>=", Tok::ShrAssign}, {"->", Tok::Arrow},
    {"++", Tok::PlusPlus},   {"--", Tok::MinusMinus}, {"+=", Tok::PlusAssign},
    {"-=", Tok::MinusAssign}, {"*=", Tok::StarAssign}, {"/=", Tok::SlashAssign},
    {"%=", Tok::PercentAssign}, {"&=", Tok::AmpAssign}, {"|=", Tok::PipeAssign},
    {"^=", Tok::CaretAssign}, {"<<", Tok::Shl},        {">>", Tok::Shr},
    {"<=", Tok::Le},         {">=", Tok::Ge},         {"==", Tok::EqEq},
    {"!=", Tok::Ne},         {"&&", Tok::AndAnd},     {"||", Tok::OrOr},
    {"{", Tok::LBrace},      {"}", Tok::RBrace},      {"(", Tok::LParen},
    {")", Tok::RParen},      {"[", Tok::LBracket},    {"]", Tok::RBracket},
    {";", Tok::Semi},        {",", Tok::Comma},       {":", Tok::Colon},
    {"?", Tok::Question},    {".", Tok::Dot},         {"+", Tok::Plus},
    {"-", Tok::Minus},       {"*", Tok::Star},        {"/", Tok::Slash},
    {"%", Tok::Percent},     {"&", Tok::Amp},         {"|", Tok::Pipe},
    {"^", Tok::Caret},       {"!", Tok::Bang},        {"~", Tok::Tilde},
    {"<", Tok::Lt},          {">", Tok::Gt},          {"=", Tok::Assign},
};

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 99;
}

bool is_int_suffix(std::string_view s) {
  std::string low;
  for (char c : s) low += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return low.empty() || low == "u" || low == "l" || low == "ul" || low == "lu" || low == "ll" ||
         low == "ull" || low == "llu";
}

// Duration suffixes of bpftrace 0.2x literals (`100us`, `1s`): nanoseconds per unit; 0 when
// `s` is not one.
uint64_t duration_unit(std::string_view s) {
  struct Unit {
    std::string_view suffix;
    uint64_t ns;
  };
  static constexpr Unit kUnits[] = {{"ns", 1},
                                    {"us", 1000},
                                    {"ms", 1000 * 1000},
                                    {"s", 1000ull * 1000 * 1000},
                                    {"m", 60ull * 1000 * 1000 * 1000},
                                    {"h", 3600ull * 1000 * 1000 * 1000},
                                    {"d", 86400ull * 1000 * 1000 * 1000}};
  for (const auto& u : kUnits)
    if (u.suffix == s) return u.ns;
  return 0;
}

// Accumulate digits of `base` (skipping '_' separators). Returns false on a bad digit or
// overflow; `consumed` tells where the digit run stopped.
bool parse_digits(std::string_view s, int base, uint64_t& value, size_t& consumed, bool& overflow) {
  value = 0;
  consumed = 0;
  overflow = false;
  bool any = false;
  for (; consumed < s.size(); ++consumed) {
    char c = s[consumed];
    if (c == '_' && any) continue;
    int d = digit_value(c);
    if (d >= base) break;
    if (value > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) overflow = true;
    value = value * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
    any = true;
  }
  return any;
}

} // namespace

const char* tok_spelling(Tok k) {
  switch (k) {
  case Tok::End: return "end of file";
  case Tok::Int: return "integer";
  case Tok::Str: return "string";
  case Tok::Ident: return "identifier";
  case Tok::Builtin: return "builtin";
  case Tok::Var: return "variable";
  case Tok::Map: return "map";
  case Tok::Positional: return "positional parameter";
  case Tok::PositionalCount: return "positional parameter count";
  case Tok::KwIf: return "if";
  case Tok::KwElse: return "else";
  case Tok::KwWhile: return "while";
  case Tok::KwUnroll: return "unroll";
  case Tok::KwBreak: return "break";
  case Tok::KwContinue: return "continue";
  case Tok::KwReturn: return "return";
  case Tok::KwSizeof: return "sizeof";
  case Tok::KwOffsetof: return "offsetof";
  case Tok::KwStruct: return "struct";
  case Tok::KwUnion: return "union";
  case Tok::KwEnum: return "enum";
  case Tok::LBrace: return "{";
  case Tok::RBrace: return "}";
  case Tok::LParen: return "(";
  case Tok::RParen: return ")";
  case Tok::LBracket: return "[";
  case Tok::RBracket: return "]";
  case Tok::Semi: return ";";
  case Tok::Comma: return ",";
  case Tok::Colon: return ":";
  case Tok::Question: return "?";
  case Tok::Dot: return ".";
  case Tok::Arrow: return "->";
  case Tok::Plus: return "+";
  case Tok::Minus: return "-";
  case Tok::Star: return "*";
  case Tok::Slash: return "/";
  case Tok::Percent: return "%";
  case Tok::Amp: return "&";
  case Tok::Pipe: return "|";
  case Tok::Caret: return "^";
  case Tok::Bang: return "!";
  case Tok::Tilde: return "~";
  case Tok::Shl: return "<<";
  case Tok::Shr: return ">>";
  case Tok::Lt: return "<";
  case Tok::Le: return "<=";
  case Tok::Gt: return ">";
  case Tok::Ge: return ">=";
  case Tok::EqEq: return "==";
  case Tok::Ne: return "!=";
  case Tok::AndAnd: return "&&";
  case Tok::OrOr: return "||";
  case Tok::PlusPlus: return "++";
  case Tok::MinusMinus: return "--";
  case Tok::Assign: return "=";
  case Tok::PlusAssign: return "+=";
  case Tok::MinusAssign: return "-=";
  case Tok::StarAssign: return "*=";
  case Tok::SlashAssign: return "/=";
  case Tok::PercentAssign: return "%=";
  case Tok::AmpAssign: return "&=";
  case Tok::PipeAssign: return "|=";
  case Tok::CaretAssign: return "^=";
  case Tok::ShlAssign: return "<<=";
  case Tok::ShrAssign: return ">>=";
  case Tok::PredEnd: return "/";
  }
  return "token";
}

std::string token_description(const Token& t) {
  if (t.kind == Tok::Ident) return is_function(t.text) ? "call" : "identifier";
  if (t.kind == Tok::Builtin)
    return t.text == "kstack" || t.text == "ustack" ? "call_builtin" : "builtin";
  if (t.kind == Tok::KwSizeof || t.kind == Tok::KwOffsetof) return "call";
  if (t.kind == Tok::Comma) return "\",\"";
  return tok_spelling(t.kind);
}

Lexer::Lexer(const source::SourceFile& file, diag::Diagnostics& diags)
    : file_(&file), text_(file.text()), diags_(&diags) {}

char Lexer::peek_char(uint32_t ahead) const {
  return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
}

void Lexer::seek(uint32_t pos) {
  pos_ = pos < text_.size() ? pos : static_cast<uint32_t>(text_.size());
  pending_.clear();
}

void Lexer::error(source::SourceRange r, std::string msg) {
  if (in_macro_) r = macro_range_;
  // The parser may re-lex text after a syntax error; report each lexical error once.
  if (!reported_.insert({r.begin, msg}).second) return;
  diags_->error(r, std::move(msg));
}

Token Lexer::make(Tok k, uint32_t start, std::string text) {
  Token t;
  t.kind = k;
  t.range = in_macro_ ? macro_range_ : source::SourceRange{start, pos_};
  t.text = std::move(text);
  return t;
}

bool Lexer::skip_trivia() {
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (is_space(c)) {
      ++pos_;
    } else if (c == '/' && peek_char(1) == '/') {
      while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
    } else if (c == '/' && peek_char(1) == '*') {
      uint32_t start = pos_;
      pos_ += 2;
      while (pos_ < text_.size() && !(text_[pos_] == '*' && peek_char(1) == '/')) ++pos_;
      if (pos_ >= text_.size()) {
        error({start, start + 2}, "end of file during comment");
        pos_ = static_cast<uint32_t>(text_.size());
      } else {
        pos_ += 2;
      }
    } else {
      return true;
    }
  }
  return false;
}

Token Lexer::next() {
  while (true) {
    if (!pending_.empty()) {
      Token t = std::move(pending_.front());
      pending_.pop_front();
      return t;
    }
    skip_trivia();
    Token t = scan();
    if ((t.kind == Tok::Ident || t.kind == Tok::Builtin) && macros_.count(t.text) &&
        !expanding_.count(t.text)) {
      expand_macro(t.text, t.range, 0);
      continue; // an empty expansion simply disappears
    }
    return t;
  }
}

void Lexer::expand_macro(const std::string& name, source::SourceRange r, int depth) {
  const std::string& value = macros_[name];
  auto saved_text = text_;
  auto saved_pos = pos_;
  bool saved_in_macro = in_macro_;
  auto saved_range = macro_range_;
  bool saved_pred = predicate_mode_;
  expanding_.insert(name);
  text_ = value;
  pos_ = 0;
  if (!in_macro_) macro_range_ = r;
  in_macro_ = true;
  predicate_mode_ = false;
  while (skip_trivia()) {
    Token t = scan();
    if (t.kind == Tok::End) break;
    if ((t.kind == Tok::Ident || t.kind == Tok::Builtin) && macros_.count(t.text) &&
        !expanding_.count(t.text) && depth < 32) {
      expand_macro(t.text, t.range, depth + 1);
      continue;
    }
    pending_.push_back(std::move(t));
  }
  expanding_.erase(name);
  text_ = saved_text;
  pos_ = saved_pos;
  in_macro_ = saved_in_macro;
  macro_range_ = saved_range;
  predicate_mode_ = saved_pred;
}

Token Lexer::scan() {
  while (true) {
    if (pos_ >= text_.size()) {
      Token t;
      t.kind = Tok::End;
      uint32_t n = static_cast<uint32_t>(text_.size());
      t.range = in_macro_ ? macro_range_ : source::SourceRange{n, n};
      return t;
    }
    uint32_t start = pos_;
    char c = text_[pos_];
    if (std::isdigit(static_cast<unsigned char>(c))) return scan_number(start);
    if (c == '"') return scan_string(start);
    if (c == '\'') return scan_char(start);
    if (is_ident_start(c)) return scan_word(start);
    if (c == '$') return scan_dollar(start);
    if (c == '@') {
      ++pos_;
      while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
      return make(Tok::Map, start, std::string(text_.substr(start, pos_ - start)));
    }
    if (c == '/' && predicate_mode_) {
      uint32_t p = pos_ + 1;
      while (p < text_.size() && is_space(text_[p])) ++p;
      if (p < text_.size() && (text_[p] == '/' || text_[p] == '{')) {
        ++pos_;
        return make(Tok::PredEnd, start, "/");
      }
    }
    for (const auto& p : kPuncts) {
      if (text_.substr(pos_, p.text.size()) == p.text) {
        pos_ += static_cast<uint32_t>(p.text.size());
        return make(p.kind, start, std::string(p.text));
      }
    }
    // Not a token: report, skip it, and keep scanning (as flex's catch-all rule does).
    ++pos_;
    error({start, pos_}, std::string("invalid character '") + c + "'");
    skip_trivia();
  }
}

Token Lexer::scan_number(uint32_t start) {
  while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
  // `1e-3`: a negative (or signed) exponent is not an integer; swallow it for one message.
  char last = text_[pos_ - 1];
  if ((last == 'e' || last == 'E') && (peek_char() == '-' || peek_char() == '+') &&
      std::isdigit(static_cast<unsigned char>(peek_char(1)))) {
    pos_ += 1;
    while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
  }
  std::string_view s = text_.substr(start, pos_ - start);
  Token t = make(Tok::Int, start, std::string(s));
  auto bad = [&](const std::string& why) {
    error(t.range, why);
    return t;
  };
  uint64_t value = 0;
  size_t used = 0;
  bool overflow = false;
  std::string_view rest;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    if (!parse_digits(s.substr(2), 16, value, used, overflow))
      return bad("invalid integer literal '" + std::string(s) + "'");
    rest = s.substr(2 + used);
  } else {
    parse_digits(s, 10, value, used, overflow);
    rest = s.substr(used);
    if (!rest.empty() && (rest[0] == 'e' || rest[0] == 'E') && rest.size() > 1 &&
        std::isdigit(static_cast<unsigned char>(rest[1]))) {
      uint64_t exp = 0;
      size_t eused = 0;
      bool eover = false;
      parse_digits(rest.substr(1), 10, exp, eused, eover);
      rest = rest.substr(1 + eused);
      for (uint64_t i = 0; i < exp && !overflow; ++i) {
        if (value > UINT64_MAX / 10) overflow = true;
        value *= 10;
        if (value == 0) break;
      }
      if (eover) overflow = true;
    } else if (s.size() > 1 && s[0] == '0' && rest.empty()) {
      // Leading zero: octal.
      size_t oused = 0;
      parse_digits(s.substr(1), 8, value, oused, overflow);
      if (1 + oused != s.size()) return bad("invalid octal literal '" + std::string(s) + "'");
    }
  }
  bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  if (uint64_t unit = hex ? 0 : duration_unit(rest)) {
    if (value > UINT64_MAX / unit) overflow = true;
    value *= unit;
    rest = {};
  }
  if (!is_int_suffix(rest)) return bad("invalid integer literal '" + std::string(s) + "'");
  if (overflow) return bad("integer literal is out of range: " + std::string(s));
  t.int_value = value;
  return t;
}

bool Lexer::scan_escape(std::string& out, uint32_t lit_start) {
  uint32_t esc_start = pos_ - 1;
  if (pos_ >= text_.size()) return false;
  char c = text_[pos_];
  switch (c) {
  case 'n': out += '\n'; ++pos_; return true;
  case 't': out += '\t'; ++pos_; return true;
  case 'r': out += '\r'; ++pos_; return true;
  case '"': out += '"'; ++pos_; return true;
  case '\\': out += '\\'; ++pos_; return true;
  default: break;
  }
  if (c >= '0' && c <= '7') {
    unsigned v = 0;
    int n = 0;
    while (n < 3 && pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '7') {
      v = v * 8 + static_cast<unsigned>(text_[pos_] - '0');
      ++pos_;
      ++n;
    }
    if (v > 255) {
      error({esc_start, pos_}, "octal escape sequence out of range");
      return true;
    }
    out += static_cast<char>(v);
    return true;
  }
  if (c == 'x' && digit_value(peek_char(1)) < 16) {
    ++pos_;
    unsigned v = 0;
    int n = 0;
    while (n < 2 && pos_ < text_.size() && digit_value(text_[pos_]) < 16) {
      v = v * 16 + static_cast<unsigned>(digit_value(text_[pos_]));
      ++pos_;
      ++n;
    }
    out += static_cast<char>(v);
    return true;
  }
  if (c == '\n') return false; // backslash at end of line: the string is unterminated
  ++pos_;
  (void)lit_start;
  error({esc_start, pos_}, std::string("invalid escape character '\\") + c + "'");
  return true;
}

Token Lexer::scan_string(uint32_t start) {
  ++pos_; // opening quote
  std::string value;
  while (true) {
    if (pos_ >= text_.size() || text_[pos_] == '\n') {
      error({start, pos_}, "unterminated string");
      return make(Tok::Str, start, std::move(value));
    }
    char c = text_[pos_];
    if (c == '"') {
      ++pos_;
      return make(Tok::Str, start, std::move(value));
    }
    ++pos_;
    if (c == '\\') {
      if (!scan_escape(value, start)) {
        error({start, pos_}, "unterminated string");
        return make(Tok::Str, start, std::move(value));
      }
    } else {
      value += c;
    }
  }
}

// 'c' is an extension: 0.17 rejects character literals; we lex them as integers.
Token Lexer::scan_char(uint32_t start) {
  ++pos_;
  std::string value;
  while (pos_ < text_.size() && text_[pos_] != '\'' && text_[pos_] != '\n') {
    char c = text_[pos_++];
    if (c == '\\') {
      if (peek_char() == '\'') {
        value += '\'';
        ++pos_;
      } else if (!scan_escape(value, start)) {
        break;
      }
    } else {
      value += c;
    }
  }
  if (pos_ >= text_.size() || text_[pos_] != '\'') {
    error({start, pos_}, "unterminated character literal");
    return make(Tok::Int, start, std::string(text_.substr(start, pos_ - start)));
  }
  ++pos_;
  Token t = make(Tok::Int, start, std::string(text_.substr(start, pos_ - start)));
  if (value.size() != 1) {
    error(t.range, "character literal must contain exactly one character");
    return t;
  }
  t.int_value = static_cast<unsigned char>(value[0]);
  return t;
}

Token Lexer::scan_word(uint32_t start) {
  while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
  std::string_view w = text_.substr(start, pos_ - start);
  for (const auto& kw : kKeywords)
    if (kw.word == w) return make(kw.kind, start, std::string(w));
  return make(is_builtin(w) ? Tok::Builtin : Tok::Ident, start, std::string(w));
}

Token Lexer::scan_dollar(uint32_t start) {
  ++pos_;
  char c = peek_char();
  if (c == '#') {
    ++pos_;
    return make(Tok::PositionalCount, start, "$#");
  }
  if (std::isdigit(static_cast<unsigned char>(c))) {
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    std::string s(text_.substr(start, pos_ - start));
    Token t = make(Tok::Positional, start, s);
    uint64_t v = 0;
    bool big = false;
    for (char d : s.substr(1)) {
      if (v > (INT64_MAX - 9) / 10) big = true;
      v = v * 10 + static_cast<uint64_t>(d - '0');
    }
    if (v == 0 || big || v > UINT32_MAX)
      error(t.range, "param " + s + " is out of integer range [1, 9223372036854775807]");
    t.int_value = big ? 0 : v;
    return t;
  }
  if (is_ident_start(c)) {
    while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
    return make(Tok::Var, start, std::string(text_.substr(start, pos_ - start)));
  }
  error({start, pos_}, "invalid character '$'");
  skip_trivia();
  return scan();
}

Token Lexer::lex_attach_point() {
  uint32_t start = pos_;
  bool seen_colon = false;
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c == '"') {
      uint32_t q = pos_++;
      while (pos_ < text_.size() && text_[pos_] != '"' && text_[pos_] != '\n') {
        if (text_[pos_] == '\\' && pos_ + 1 < text_.size() && text_[pos_ + 1] != '\n') ++pos_;
        ++pos_;
      }
      if (pos_ >= text_.size() || text_[pos_] != '"') {
        error({q, pos_}, "unterminated string");
        break;
      }
      ++pos_;
      continue;
    }
    if (!is_attach_char(c)) break;
    // Before the first ':' a '/' starts the predicate (`BEGIN/1/`); after it, it is a path.
    if (c == '/' && !seen_colon) break;
    // `//` starts a comment even right after an attach point (0.17 glued it to the text).
    if (c == '/' && peek_char(1) == '/') break;
    if (c == ':') seen_colon = true;
    ++pos_;
  }
  Token t;
  t.kind = pos_ > start ? Tok::Ident : Tok::End;
  t.range = {start, pos_};
  t.text = std::string(text_.substr(start, pos_ - start));
  return t;
}

std::string Lexer::lex_line(source::SourceRange& range) {
  uint32_t start = pos_;
  std::string out;
  bool in_str = false;
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c == '\\' && peek_char(1) == '\n') { // line continuation
      pos_ += 2;
      while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
      if (!out.empty() && out.back() != ' ') out += ' ';
      continue;
    }
    if (c == '\n') break;
    if (!in_str && c == '/' && peek_char(1) == '/') {
      while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      break;
    }
    if (!in_str && c == '/' && peek_char(1) == '*') {
      uint32_t cstart = pos_;
      pos_ += 2;
      while (pos_ < text_.size() && !(text_[pos_] == '*' && peek_char(1) == '/')) ++pos_;
      if (pos_ >= text_.size()) {
        error({cstart, cstart + 2}, "end of file during comment");
        break;
      }
      pos_ += 2;
      out += ' ';
      continue;
    }
    if (c == '"') in_str = !in_str;
    out += c;
    ++pos_;
  }
  uint32_t end = pos_;
  while (end > start && is_space(text_[end - 1])) --end;
  range = {start, end};
  if (pos_ < text_.size()) ++pos_; // the newline
  size_t b = out.find_first_not_of(" \t\r");
  size_t e = out.find_last_not_of(" \t\r");
  return b == std::string::npos ? std::string() : out.substr(b, e - b + 1);
}

void Lexer::skip_line() {
  while (pos_ < text_.size() && text_[pos_] != '\n') {
    if (text_[pos_] == '\\' && peek_char(1) == '\n') ++pos_;
    ++pos_;
  }
  if (pos_ < text_.size()) ++pos_;
}

bool Lexer::lex_c_definition(std::string& text, source::SourceRange& range) {
  uint32_t start = pos_;
  int depth = 0;
  bool opened = false;
  text.clear();
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c == '/' && peek_char(1) == '/') {
      while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      continue;
    }
    if (c == '/' && peek_char(1) == '*') {
      uint32_t cstart = pos_;
      pos_ += 2;
      while (pos_ < text_.size() && !(text_[pos_] == '*' && peek_char(1) == '/')) {
        if (text_[pos_] == '\n') text += '\n';
        ++pos_;
      }
      if (pos_ >= text_.size()) {
        error({cstart, cstart + 2}, "end of file during comment");
        range = {start, pos_};
        return false;
      }
      pos_ += 2;
      text += ' ';
      continue;
    }
    if (c == '"' || c == '\'') {
      text += c;
      ++pos_;
      while (pos_ < text_.size() && text_[pos_] != c && text_[pos_] != '\n') {
        if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) text += text_[pos_++];
        text += text_[pos_++];
      }
      if (pos_ < text_.size() && text_[pos_] == c) text += text_[pos_++];
      continue;
    }
    text += c;
    ++pos_;
    if (c == ';' && depth == 0) {
      range = {start, pos_};
      return true;
    }
    if (c == '{') {
      ++depth;
      opened = true;
    } else if (c == '}' && depth > 0 && --depth == 0 && opened) {
      range = {start, pos_};
      // The rest of the definition up to a ';' on the same line belongs to it: a plain ';',
      // `} T;` of a typedef, `} __attribute__((packed));`. Without a ';' (it is optional)
      // the definition ends at the brace, so a probe may follow.
      uint32_t scan = pos_;
      int parens = 0;
      while (scan < text_.size() && text_[scan] != '\n' && text_[scan] != '{' &&
             !(text_[scan] == ';' && parens == 0)) {
        if (text_[scan] == '(') ++parens;
        if (text_[scan] == ')') --parens;
        ++scan;
      }
      if (scan < text_.size() && text_[scan] == ';') {
        text += std::string(text_.substr(pos_, scan + 1 - pos_));
        pos_ = scan + 1;
        range.end = pos_;
      }
      return true;
    }
  }
  range = {start, pos_};
  uint32_t kw_end = start;
  while (kw_end < text_.size() && is_ident_char(text_[kw_end])) ++kw_end;
  error({start, kw_end}, "end of file in C definition");
  return false;
}

} // namespace btc::parse
