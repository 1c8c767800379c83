// ctoken.cpp: tokenizer, text-to-source offset mapping and #define expansion for cdecl.
#include "cdecl/ctoken.h"

#include <cctype>
#include <set>

namespace btc::cdecl {

namespace {
bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
} // namespace

namespace {
// Text offset -> source offset for every character of def.text (plus its end); empty when
// the text does not line up with the source.
std::vector<uint32_t> build_map(const ast::CDefinition& def, const source::SourceFile& file) {
  const std::string& src = file.text();
  const std::string& text = def.text;
  std::vector<uint32_t> map(text.size() + 1, 0);
  size_t i = 0, j = def.range.begin;
  auto fail = [] { return std::vector<uint32_t>{}; };
  auto peek = [&](size_t k) { return k < src.size() ? src[k] : '\0'; };
  // Mirrors the script lexer's C-definition scan (see parse/lexer.cpp lex_c_definition).
  while (i < text.size()) {
    if (j >= src.size()) return fail();
    char c = src[j];
    // A comment the text kept verbatim is matched character by character below.
    bool verbatim = c == '/' && i + 1 < text.size() && text[i] == '/' && text[i + 1] == peek(j + 1);
    if (!verbatim && c == '/' && peek(j + 1) == '/') {
      while (j < src.size() && src[j] != '\n') ++j;
      continue;
    }
    if (!verbatim && c == '/' && peek(j + 1) == '*') {
      size_t start = j;
      j += 2;
      while (j < src.size() && !(src[j] == '*' && peek(j + 1) == '/')) {
        if (src[j] == '\n') {
          if (i >= text.size() || text[i] != '\n') return fail();
          map[i++] = static_cast<uint32_t>(j);
        }
        ++j;
      }
      j += 2;
      if (i >= text.size() || text[i] != ' ') return fail();
      map[i++] = static_cast<uint32_t>(start);
      continue;
    }
    if (c == '"' || c == '\'') {
      char q = c;
      if (text[i] != q) return fail();
      map[i++] = static_cast<uint32_t>(j++);
      while (j < src.size() && src[j] != q && src[j] != '\n' && i < text.size()) {
        if (src[j] == '\\' && j + 1 < src.size()) {
          if (text[i] != src[j]) return fail();
          map[i++] = static_cast<uint32_t>(j++);
          if (i >= text.size()) return fail();
        }
        if (text[i] != src[j]) return fail();
        map[i++] = static_cast<uint32_t>(j++);
      }
      if (j < src.size() && src[j] == q && i < text.size()) {
        if (text[i] != q) return fail();
        map[i++] = static_cast<uint32_t>(j++);
      }
      continue;
    }
    if (text[i] != c) return fail();
    map[i++] = static_cast<uint32_t>(j++);
  }
  map[text.size()] = static_cast<uint32_t>(j);
  return map;
}
} // namespace

SourceMap::SourceMap(const ast::CDefinition& def, const source::SourceFile& file)
    : map_(build_map(def, file)), whole_(def.range) {}

source::SourceRange SourceMap::range(uint32_t begin, uint32_t end) const {
  if (map_.empty() || begin >= map_.size()) return whole_;
  if (end <= begin || end > map_.size()) return {map_[begin], map_[begin]};
  return {map_[begin], map_[end - 1] + 1};
}

namespace {

const char* const kPuncts[] = {
    "<<=", ">>=", "...", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "->", "++", "--",
    "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "{", "}", "[", "]", "(", ")", ";", ",",
    ":", "*", "=", "+", "-", "/", "%", "|", "&", "^", "~", "!", "?", "<", ">", ".", "#",
};

// Parses the digits of an integer literal (after the prefix) in `base`; false on overflow or
// a bad digit.
bool parse_digits(std::string_view s, int base, uint64_t& v) {
  v = 0;
  if (s.empty()) return false;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return false;
    if (d >= base) return false;
    if (v > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) return false;
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  return true;
}

// One escape sequence after the backslash at s[i]; advances i past it.
bool char_escape(std::string_view s, size_t& i, uint64_t& v) {
  if (i >= s.size()) return false;
  char c = s[i++];
  switch (c) {
  case 'n': v = '\n'; return true;
  case 't': v = '\t'; return true;
  case 'r': v = '\r'; return true;
  case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
    v = static_cast<uint64_t>(c - '0');
    for (int k = 0; k < 2 && i < s.size() && s[i] >= '0' && s[i] <= '7'; ++k)
      v = v * 8 + static_cast<uint64_t>(s[i++] - '0');
    return true;
  }
  case 'x': {
    size_t b = i;
    while (i < s.size() && std::isxdigit(static_cast<unsigned char>(s[i]))) ++i;
    return parse_digits(s.substr(b, i - b), 16, v);
  }
  case 'a': v = 7; return true;
  case 'b': v = 8; return true;
  case 'f': v = 12; return true;
  case 'v': v = 11; return true;
  case '\\': case '\'': case '"': case '?': v = static_cast<uint64_t>(c); return true;
  default: return false;
  }
}

} // namespace

bool tokenize(std::string_view text, const SourceMap& map, std::vector<Token>& out,
              diag::Diagnostics& diags) {
  size_t i = 0;
  auto loc = [&](size_t b, size_t e) {
    return map.range(static_cast<uint32_t>(b), static_cast<uint32_t>(e));
  };
  while (true) {
    while (i < text.size()) {
      if (is_space(text[i])) {
        ++i;
      } else if (text.substr(i, 2) == "//") {
        while (i < text.size() && text[i] != '\n') ++i;
      } else if (text.substr(i, 2) == "/*") {
        size_t e = text.find("*/", i + 2);
        i = e == std::string_view::npos ? text.size() : e + 2;
      } else {
        break;
      }
    }
    if (i >= text.size()) break;
    size_t b = i;
    char c = text[i];
    Token t;
    if (is_ident_start(c)) {
      while (i < text.size() && is_ident_char(text[i])) ++i;
      t.kind = TokKind::Ident;
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '.' && i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1])))) {
      while (i < text.size() && (is_ident_char(text[i]) || text[i] == '.' ||
                                 ((text[i] == '+' || text[i] == '-') &&
                                  (text[i - 1] == 'e' || text[i - 1] == 'E' ||
                                   text[i - 1] == 'p' || text[i - 1] == 'P'))))
        ++i;
      std::string_view s = text.substr(b, i - b);
      bool hex = s.size() > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
      bool bin = s.size() > 1 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B');
      bool is_float = s.find('.') != std::string_view::npos ||
                      (!hex && s.find_first_of("eE") != std::string_view::npos) ||
                      (hex && s.find_first_of("pP") != std::string_view::npos);
      if (is_float) {
        diags.error(loc(b, i), "floating point is not supported");
        return false;
      }
      size_t end = s.size();
      bool is_unsigned = false;
      while (end > 0 && (s[end - 1] == 'u' || s[end - 1] == 'U' || s[end - 1] == 'l' ||
                         s[end - 1] == 'L')) {
        if (s[end - 1] == 'u' || s[end - 1] == 'U') is_unsigned = true;
        --end;
      }
      std::string_view digits = s.substr(0, end);
      int base = 10;
      if (hex || bin) {
        base = hex ? 16 : 2;
        digits.remove_prefix(2);
      } else if (digits.size() > 1 && digits[0] == '0') {
        base = 8;
        digits.remove_prefix(1);
      }
      if (!parse_digits(digits, base, t.value)) {
        diags.error(loc(b, i), "invalid integer literal '" + std::string(s) + "'");
        return false;
      }
      t.is_unsigned = is_unsigned || t.value > static_cast<uint64_t>(INT64_MAX);
      t.kind = TokKind::Number;
    } else if (c == '\'' || c == '"') {
      ++i;
      std::vector<uint64_t> chars;
      while (i < text.size() && text[i] != c && text[i] != '\n') {
        uint64_t v = static_cast<unsigned char>(text[i]);
        if (text[i] == '\\') {
          ++i;
          if (!char_escape(text, i, v)) {
            diags.error(loc(b, i), "invalid escape sequence");
            return false;
          }
        } else {
          ++i;
        }
        chars.push_back(v);
      }
      if (i >= text.size() || text[i] != c) {
        diags.error(loc(b, i), c == '"' ? "unterminated string literal"
                                        : "unterminated character constant");
        return false;
      }
      ++i;
      if (c == '\'') {
        if (chars.size() != 1) {
          diags.error(loc(b, i), "character constants must hold exactly one character");
          return false;
        }
        // A char constant has type int with the value of a (signed) char.
        t.value = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(chars[0])));
        t.kind = TokKind::Char;
      } else {
        t.kind = TokKind::String;
      }
    } else {
      for (const char* p : kPuncts) {
        std::string_view ps(p);
        if (text.substr(i, ps.size()) == ps) {
          i += ps.size();
          t.kind = TokKind::Punct;
          break;
        }
      }
      if (t.kind != TokKind::Punct) {
        std::string shown = std::isprint(static_cast<unsigned char>(c)) ? std::string(1, c)
                                                                         : "\\x" + std::to_string(
                                                                               static_cast<unsigned char>(c));
        diags.error(loc(b, b + 1), "syntax error in C definition: unexpected character '" +
                                       shown + "'");
        return false;
      }
    }
    t.text = std::string(text.substr(b, i - b));
    t.range = loc(b, i);
    out.push_back(std::move(t));
  }
  Token end;
  end.kind = TokKind::End;
  end.range = loc(text.size(), text.size());
  out.push_back(std::move(end));
  return true;
}

namespace {
void expand_into(const std::vector<Token>& toks, const std::vector<ast::Define>& defines,
                 uint32_t before, std::set<std::string>& active,
                 const source::SourceRange* at, std::vector<Token>& out) {
  for (const Token& t : toks) {
    if (t.kind == TokKind::End) continue;
    const ast::Define* def = nullptr;
    if (t.kind == TokKind::Ident && !active.count(t.text)) {
      for (const auto& d : defines) // the last definition before `before` wins
        if (d.name == t.text && d.range.begin <= before) def = &d;
    }
    if (!def) {
      out.push_back(t);
      if (at) out.back().range = *at;
      continue;
    }
    std::vector<Token> body;
    diag::Diagnostics ignored;
    ast::CDefinition fake;
    fake.range = t.range;
    source::SourceFile empty("", "");
    if (!tokenize(def->value, SourceMap(fake, empty), body, ignored)) {
      out.push_back(t); // not C tokens: leave the name alone (the parser will complain)
      continue;
    }
    source::SourceRange r = at ? *at : t.range;
    active.insert(def->name);
    expand_into(body, defines, before, active, &r, out);
    active.erase(def->name);
  }
}
} // namespace

std::vector<Token> expand_defines(const std::vector<Token>& toks,
                                  const std::vector<ast::Define>& defines, uint32_t before) {
  std::vector<Token> out;
  std::set<std::string> active;
  expand_into(toks, defines, before, active, nullptr, out);
  Token end;
  end.kind = TokKind::End;
  end.range = toks.empty() ? source::SourceRange{} : toks.back().range;
  out.push_back(std::move(end));
  return out;
}

} // namespace btc::cdecl
