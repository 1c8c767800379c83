// cexpr.cpp: integer constant expressions in array sizes, bitfield widths, enumerator values
// and alignments.
//
// Supports literals (with u/l suffixes), character constants, enumerators (and #defines,
// already expanded into tokens), parentheses, casts to integer types, sizeof(type),
// _Alignof(type), unary + - ~ !, binary * / % + - << >> < > <= >= == != & ^ | && || and ?:.
// Arithmetic is 64-bit; a result is unsigned when an operand is (C's usual conversions,
// simplified to one width).
// Example: `(1 << 4) | FLAG_B` with FLAG_B = 2 -> 18.
#include "cdecl/cparser.h"

namespace btc::cdecl {

namespace {

struct BinOpInfo {
  const char* op;
  int prec;
};
const BinOpInfo kBinOps[] = {
    {"||", 1}, {"&&", 2}, {"|", 3},  {"^", 4},  {"&", 5},  {"==", 6}, {"!=", 6},
    {"<", 7},  {">", 7},  {"<=", 7}, {">=", 7}, {"<<", 8}, {">>", 8}, {"+", 9},
    {"-", 9},  {"*", 10}, {"/", 10}, {"%", 10},
};

int precedence(const Token& t) {
  if (t.kind != TokKind::Punct) return -1;
  for (const auto& b : kBinOps)
    if (t.text == b.op) return b.prec;
  return -1;
}

} // namespace

bool Parser::parse_const_expr(Value& v) { return parse_conditional(v); }

bool Parser::evaluate(std::vector<Token> toks, Value& v) {
  toks_ = std::move(toks);
  pos_ = 0;
  return parse_const_expr(v) && cur().kind == TokKind::End;
}

std::optional<int64_t> evaluate_constant(std::string_view text,
                                         const std::vector<ast::Define>& defines) {
  source::SourceFile file("expr", std::string(text));
  ast::CDefinition def{std::string(text), {0, static_cast<uint32_t>(text.size())}};
  diag::Diagnostics scratch;
  std::vector<Token> toks;
  if (!tokenize(text, SourceMap(def, file), toks, scratch)) return std::nullopt;
  toks = expand_defines(toks, defines, UINT32_MAX);
  for (auto& t : toks) {
    if (t.kind != TokKind::Ident) continue;
    t.kind = TokKind::Number; // not a macro: 0, as the preprocessor takes it
    t.value = 0;
    t.is_unsigned = false;
  }
  ExternalTypes none = [](std::string_view, bool) { return std::optional<ast::Type>(); };
  Parser parser(defines, none, scratch);
  Value v;
  if (!parser.evaluate(std::move(toks), v) || scratch.has_errors()) return std::nullopt;
  return v.v;
}

bool Parser::parse_conditional(Value& v) {
  Leave leave{depth_};
  if (!enter()) return false;
  if (!parse_binary(v, 1)) return false;
  if (!accept("?")) return true;
  Value a, b;
  if (!parse_const_expr(a) || !expect(":", "in the conditional expression") ||
      !parse_conditional(b))
    return false;
  v = v.v ? a : b;
  return true;
}

bool Parser::parse_binary(Value& lhs, int min_prec) {
  if (!parse_unary(lhs)) return false;
  while (true) {
    int prec = precedence(cur());
    if (prec < min_prec) return true;
    std::string op = cur().text;
    source::SourceRange op_range = cur().range;
    ++pos_;
    Value rhs;
    if (!parse_binary(rhs, prec + 1)) return false;
    bool u = lhs.is_unsigned || rhs.is_unsigned;
    uint64_t a = static_cast<uint64_t>(lhs.v), b = static_cast<uint64_t>(rhs.v);
    Value r;
    r.is_unsigned = u;
    if (op == "||" || op == "&&") {
      r.is_unsigned = false;
      r.v = op == "||" ? (a || b) : (a && b);
    } else if (op == "|") {
      r.v = static_cast<int64_t>(a | b);
    } else if (op == "^") {
      r.v = static_cast<int64_t>(a ^ b);
    } else if (op == "&") {
      r.v = static_cast<int64_t>(a & b);
    } else if (op == "==" || op == "!=") {
      r.is_unsigned = false;
      r.v = (a == b) == (op == "==");
    } else if (op == "<" || op == ">" || op == "<=" || op == ">=") {
      bool lt = u ? a < b : lhs.v < rhs.v;
      bool gt = u ? a > b : lhs.v > rhs.v;
      r.is_unsigned = false;
      r.v = op == "<" ? lt : op == ">" ? gt : op == "<=" ? !gt : !lt;
    } else if (op == "<<" || op == ">>") {
      if ((rhs.v < 0 && !rhs.is_unsigned) || b >= 64) {
        error(op_range, "shift count is out of range in a constant expression");
        return false;
      }
      r.is_unsigned = lhs.is_unsigned;
      if (op == "<<") r.v = static_cast<int64_t>(a << b);
      else r.v = lhs.is_unsigned ? static_cast<int64_t>(a >> b) : (lhs.v >> b);
    } else if (op == "+") {
      r.v = static_cast<int64_t>(a + b);
    } else if (op == "-") {
      r.v = static_cast<int64_t>(a - b);
    } else if (op == "*") {
      r.v = static_cast<int64_t>(a * b);
    } else { // / %
      if (b == 0) {
        error(op_range, "division by zero in a constant expression");
        return false;
      }
      if (u) {
        r.v = static_cast<int64_t>(op == "/" ? a / b : a % b);
      } else if (lhs.v == INT64_MIN && rhs.v == -1) {
        r.v = op == "/" ? INT64_MIN : 0;
      } else {
        r.v = op == "/" ? lhs.v / rhs.v : lhs.v % rhs.v;
      }
    }
    lhs = r;
  }
}

bool Parser::parse_unary(Value& v) {
  Leave leave{depth_};
  if (!enter()) return false;
  if (accept("+")) return parse_unary(v);
  if (accept("-")) {
    if (!parse_unary(v)) return false;
    v.v = static_cast<int64_t>(0 - static_cast<uint64_t>(v.v));
    return true;
  }
  if (accept("~")) {
    if (!parse_unary(v)) return false;
    v.v = static_cast<int64_t>(~static_cast<uint64_t>(v.v));
    return true;
  }
  if (accept("!")) {
    if (!parse_unary(v)) return false;
    v.v = v.v == 0;
    v.is_unsigned = false;
    return true;
  }
  if (is_ident("sizeof") || is_ident("_Alignof") || is_ident("__alignof__") ||
      is_ident("alignof") || is_ident("__alignof")) {
    bool is_sizeof = cur().text == "sizeof";
    source::SourceRange kw = cur().range;
    ++pos_;
    if (!is_punct("(") || (++pos_, !starts_type_name())) {
      error(kw, std::string(is_sizeof ? "sizeof" : "_Alignof") +
                    " is only supported on a parenthesized type in C definitions");
      return false;
    }
    TypeInfo t;
    source::SourceRange tr = cur().range;
    if (!parse_type_name(t)) return false;
    tr = source::SourceRange::join(tr, toks_[pos_ - 1].range);
    if (!expect(")", "after the type")) return false;
    if (!t.complete && !complete_type(t)) {
      if (!t.poisoned)
        error(tr, std::string("invalid application of '") + (is_sizeof ? "sizeof" : "_Alignof") +
                      "' to an incomplete type '" + t.spelling + "'");
      return false;
    }
    v.v = is_sizeof ? t.type.size : t.align;
    v.is_unsigned = true;
    return true;
  }
  if (is_punct("(")) {
    ++pos_;
    if (starts_type_name()) { // a cast
      TypeInfo t;
      if (!parse_type_name(t) || !expect(")", "after the cast type")) return false;
      if (!parse_unary(v)) return false;
      if (t.type.kind == ast::TypeKind::Pointer || (t.type.kind == ast::TypeKind::Integer &&
                                                    t.type.size >= 8)) {
        v.is_unsigned = t.type.kind == ast::TypeKind::Pointer || !t.type.is_signed;
        return true;
      }
      if (t.type.kind != ast::TypeKind::Integer) {
        error(cur().range, "cast to '" + t.spelling + "' in a constant expression");
        return false;
      }
      uint32_t bits = t.type.size * 8;
      uint64_t mask = (uint64_t(1) << bits) - 1;
      uint64_t x = static_cast<uint64_t>(v.v) & mask;
      if (t.type.is_signed && (x >> (bits - 1)) & 1) x |= ~mask;
      v.v = static_cast<int64_t>(x);
      v.is_unsigned = !t.type.is_signed && bits >= 32; // narrower types promote to int
      return true;
    }
    if (!parse_const_expr(v)) return false;
    return expect(")", "to close the parenthesis");
  }
  return parse_primary(v);
}

bool Parser::parse_primary(Value& v) {
  const Token& t = cur();
  switch (t.kind) {
  case TokKind::Number:
  case TokKind::Char:
    v.v = static_cast<int64_t>(t.value);
    v.is_unsigned = t.is_unsigned;
    ++pos_;
    return true;
  case TokKind::Ident: {
    auto it = enum_values_.find(t.text);
    if (it == enum_values_.end()) {
      error(t.range, "use of undeclared identifier '" + t.text + "'");
      return false;
    }
    v.v = it->second;
    v.is_unsigned = false;
    ++pos_;
    return true;
  }
  case TokKind::String:
  case TokKind::Punct:
  case TokKind::End:
    return syntax_error("expected an integer constant expression");
  }
  return false;
}

} // namespace btc::cdecl
