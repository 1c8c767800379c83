// parse_expr.cpp: expressions by precedence (spec 4.3): ternary (right assoc.), the ten binary
// levels || && | ^ & ==/!= relational shifts additive multiplicative (left assoc.), unary
// operators and casts, postfix ([] . -> ++ --), primaries (literals, names, calls, maps,
// tuples, sizeof, offsetof).
//
// Input: tokens. Output: ast::ExprPtr (null after a reported syntax error).
// Example: `1 << 4 + 1` -> Binary(<<, 1, Binary(+, 4, 1)); `-5` -> IntLit(-5) (folded);
// `(Conference*)arg0` -> Cast(TypeName{Conference, *}, Builtin arg0).
#include "parse/parser_impl.h"

#include "builtins/builtins.h"
#include "parse/names.h"

namespace btc::parse {

namespace {

struct BinLevel {
  Tok tok;
  ast::BinOp op;
  int level; // 1 = loosest (||) ... 10 = tightest (* / %)
};
constexpr BinLevel kBinOps[] = {
    {Tok::OrOr, ast::BinOp::LogOr, 1},    {Tok::AndAnd, ast::BinOp::LogAnd, 2},
    {Tok::Pipe, ast::BinOp::BitOr, 3},    {Tok::Caret, ast::BinOp::BitXor, 4},
    {Tok::Amp, ast::BinOp::BitAnd, 5},    {Tok::EqEq, ast::BinOp::Eq, 6},
    {Tok::Ne, ast::BinOp::Ne, 6},         {Tok::Lt, ast::BinOp::Lt, 7},
    {Tok::Le, ast::BinOp::Le, 7},         {Tok::Gt, ast::BinOp::Gt, 7},
    {Tok::Ge, ast::BinOp::Ge, 7},         {Tok::Shl, ast::BinOp::Shl, 8},
    {Tok::Shr, ast::BinOp::Shr, 8},       {Tok::Plus, ast::BinOp::Add, 9},
    {Tok::Minus, ast::BinOp::Sub, 9},     {Tok::Star, ast::BinOp::Mul, 10},
    {Tok::Slash, ast::BinOp::Div, 10},    {Tok::Percent, ast::BinOp::Mod, 10},
};

const BinLevel* binop_of(Tok k) {
  for (const auto& b : kBinOps)
    if (b.tok == k) return &b;
  return nullptr;
}

using ast::make_expr;

// Field names after '.' / '->' may be spelled like keywords or builtins (`->comm`, `.args`).
bool is_word(Tok k) {
  return k == Tok::Ident || k == Tok::Builtin || k == Tok::KwIf || k == Tok::KwElse ||
         k == Tok::KwWhile || k == Tok::KwUnroll || k == Tok::KwBreak || k == Tok::KwContinue ||
         k == Tok::KwReturn || k == Tok::KwSizeof || k == Tok::KwOffsetof ||
         k == Tok::KwStruct || k == Tok::KwUnion || k == Tok::KwEnum;
}

bool is_tag(Tok k) { return k == Tok::KwStruct || k == Tok::KwUnion || k == Tok::KwEnum; }

bool is_postfix_start(Tok k) {
  return k == Tok::LBracket || k == Tok::Dot || k == Tok::Arrow || k == Tok::LParen ||
         k == Tok::PlusPlus || k == Tok::MinusMinus;
}

} // namespace

ast::ExprPtr Parser::parse_expr() {
  if (++depth_ > kMaxNesting) {
    error(cur().range, "expression nested too deeply");
    --depth_;
    return nullptr;
  }
  ast::ExprPtr e = parse_ternary();
  --depth_;
  return e;
}

ast::ExprPtr Parser::parse_ternary() {
  ast::ExprPtr cond = parse_binary(1);
  if (!cond || !at(Tok::Question)) return cond;
  take();
  ast::ExprPtr then_e = parse_expr();
  if (!then_e || !expect(Tok::Colon, ":")) return nullptr;
  ast::ExprPtr else_e = parse_expr(); // right associative
  if (!else_e) return nullptr;
  source::SourceRange r = source::SourceRange::join(cond->range, else_e->range);
  return make_expr(ast::Ternary{std::move(cond), std::move(then_e), std::move(else_e)}, r);
}

ast::ExprPtr Parser::parse_binary(int min_level) {
  ast::ExprPtr lhs = parse_unary();
  while (lhs) {
    const BinLevel* b = binop_of(cur().kind);
    if (!b || b->level < min_level) break;
    take();
    ast::ExprPtr rhs = parse_binary(b->level + 1);
    if (!rhs) return nullptr;
    source::SourceRange r = source::SourceRange::join(lhs->range, rhs->range);
    lhs = make_expr(ast::Binary{b->op, std::move(lhs), std::move(rhs)}, r);
  }
  return lhs;
}

ast::ExprPtr Parser::make_incdec(ast::ExprPtr target, const Token& op, bool prefix,
                                 source::SourceRange err_range) {
  bool inc = op.kind == Tok::PlusPlus;
  if (!target->as<ast::Var>() && !target->as<ast::MapRef>()) {
    error(err_range, std::string("The ") + (inc ? "++" : "--") +
                         " operator must be applied to a map or variable");
    return nullptr;
  }
  source::SourceRange r = source::SourceRange::join(target->range, op.range);
  return make_expr(ast::IncDec{std::move(target), inc, prefix}, r);
}

ast::ExprPtr Parser::parse_unary() {
  if (++depth_ > kMaxNesting) {
    error(cur().range, "expression nested too deeply");
    --depth_;
    return nullptr;
  }
  struct Guard {
    int& d;
    ~Guard() { --d; }
  } guard{depth_};

  Token op = cur();
  ast::UnOp uop = ast::UnOp::Neg;
  bool unary = true;
  if (op.kind == Tok::Minus) uop = ast::UnOp::Neg;
  else if (op.kind == Tok::Bang) uop = ast::UnOp::LogNot;
  else if (op.kind == Tok::Tilde) uop = ast::UnOp::BitNot;
  else if (op.kind == Tok::Star) uop = ast::UnOp::Deref;
  else if (op.kind == Tok::Amp)
    uop = ast::UnOp::AddrOf;
  else unary = false;
  if (unary) {
    take();
    // `-N` on a plain integer literal folds into a negative literal (as 0.17 does).
    if (op.kind == Tok::Minus && at(Tok::Int) && !is_postfix_start(peek(1).kind)) {
      Token lit = take();
      return make_expr(ast::IntLit{0 - lit.int_value}, {op.range.begin, lit.range.end});
    }
    ast::ExprPtr operand = parse_unary();
    if (!operand) return nullptr;
    source::SourceRange r = {op.range.begin, operand->range.end};
    return make_expr(ast::Unary{uop, std::move(operand)}, r);
  }
  if (op.kind == Tok::PlusPlus || op.kind == Tok::MinusMinus) {
    take();
    ast::ExprPtr operand = parse_unary();
    if (!operand) return nullptr;
    return make_incdec(std::move(operand), op, true, op.range);
  }
  if (op.kind == Tok::LParen && cast_ahead()) {
    take();
    ast::Cast c;
    if (!parse_type_name(c.type) || !expect(Tok::RParen, ")")) return nullptr;
    c.operand = parse_unary();
    if (!c.operand) return nullptr;
    source::SourceRange r = {op.range.begin, c.operand->range.end};
    return make_expr(std::move(c), r);
  }
  ast::ExprPtr prim = parse_primary();
  if (!prim) return nullptr;
  return parse_postfix(std::move(prim));
}

// A parenthesised type: `(struct X *)`, `(union X)`, `(uint32)`, `(uint8[4])`, and seed-style
// bare tags with at least one '*': `(path *)`, `(Conference**)`.
bool Parser::cast_ahead() {
  if (is_tag(peek(1).kind)) return true;
  if (peek(1).kind != Tok::Ident) return false;
  if (peek(1).text == "typeof" && peek(2).kind == Tok::LParen) return true;
  bool int_type = is_int_type(peek(1).text);
  size_t k = 2;
  if (peek(k).kind == Tok::Star) {
    while (peek(k).kind == Tok::Star) ++k;
    return peek(k).kind == Tok::RParen;
  }
  if (!int_type) return false;
  if (peek(2).kind == Tok::RParen) return true;
  if (peek(2).kind == Tok::LBracket && peek(3).kind == Tok::RBracket) // (uint8[])x
    return peek(4).kind == Tok::RParen;
  return peek(2).kind == Tok::LBracket && peek(3).kind == Tok::Int &&
         peek(4).kind == Tok::RBracket && peek(5).kind == Tok::RParen;
}

// Inside sizeof(...): a type unless it clearly is an expression.
bool Parser::type_ahead() {
  if (is_tag(cur().kind)) return true;
  if (cur().kind != Tok::Ident) return false;
  Tok next = peek(1).kind;
  if (next == Tok::RParen || next == Tok::Star) return true;
  return next == Tok::LBracket && is_int_type(cur().text);
}

bool Parser::parse_type_name(ast::TypeName& out) {
  uint32_t begin = cur().range.begin;
  if (at(Tok::Ident) && cur().text == "typeof" && peek(1).kind == Tok::LParen) {
    // typeof(TYPE) is TYPE; typeof(EXPR) the expression's type.
    take();
    take();
    if (type_ahead()) {
      if (!parse_type_name(out)) return false;
      out.in_typeof = true;
    } else {
      out.name = "typeof";
      out.of = parse_expr();
      if (!out.of) return false;
    }
    if (!expect(Tok::RParen, ")")) return false;
    out.range = {begin, last_end_};
    return true;
  }
  if (is_tag(cur().kind)) {
    Tok k = take().kind;
    out.tag = k == Tok::KwStruct  ? ast::TypeName::Tag::Struct
              : k == Tok::KwUnion ? ast::TypeName::Tag::Union
                                  : ast::TypeName::Tag::Enum;
  }
  if (!is_word(cur().kind)) {
    syntax_error(cur(), "identifier");
    return false;
  }
  out.name = take().text;
  while (accept(Tok::Star)) ++out.pointer_depth;
  if (at(Tok::LBracket)) {
    take();
    if (at(Tok::RBracket)) { // `uint8[]`: the size of the value cast (0.26's array casts)
      out.array_size = 0;
    } else if (!at(Tok::Int)) {
      syntax_error(cur(), "integer");
      return false;
    } else {
      out.array_size = static_cast<uint32_t>(take().int_value);
    }
    if (!expect(Tok::RBracket, "]")) return false;
  }
  out.range = {begin, last_end_};
  return true;
}

ast::ExprPtr Parser::parse_postfix(ast::ExprPtr base) {
  while (base) {
    Tok k = cur().kind;
    if (k == Tok::LBracket) {
      take();
      ast::ExprPtr idx = parse_expr();
      if (!idx || !expect(Tok::RBracket, "]")) return nullptr;
      source::SourceRange r = {base->range.begin, last_end_};
      base = make_expr(ast::Index{std::move(base), std::move(idx)}, r);
    } else if (k == Tok::Dot || k == Tok::Arrow) {
      if (k == Tok::Dot && peek(1).kind == Tok::Dot) break; // `lo..hi` of a range loop
      take();
      if (k == Tok::Dot && at(Tok::Int)) {
        Token n = take();
        source::SourceRange r = {base->range.begin, n.range.end};
        base = make_expr(ast::TupleIndex{std::move(base), static_cast<uint32_t>(n.int_value)}, r);
        continue;
      }
      if (!is_word(cur().kind)) {
        syntax_error(cur(), "identifier");
        return nullptr;
      }
      Token f = take();
      source::SourceRange r = {base->range.begin, f.range.end};
      base = make_expr(ast::FieldAccess{std::move(base), f.text, k == Tok::Arrow}, r);
    } else if (k == Tok::PlusPlus || k == Tok::MinusMinus) {
      Token op = take();
      source::SourceRange target_range = base->range;
      return make_incdec(std::move(base), op, false, target_range);
    } else {
      break;
    }
  }
  return base;
}

ast::ExprPtr Parser::parse_primary() {
  const Token& t = cur();
  source::SourceRange r = t.range;
  Tok k = t.kind;
  if (k == Tok::Int) return make_expr(ast::IntLit{take().int_value}, r);
  if (k == Tok::Str) return make_expr(ast::StrLit{take().text}, r);
  if (k == Tok::Ident && (t.text == "true" || t.text == "false") && peek(1).kind != Tok::LParen) {
    bool v = take().text == "true";
    return make_expr(ast::BoolLit{v}, r);
  }
  if (k == Tok::LBrace) {
    ast::BlockExpr b;
    if (!parse_block_expr(b.stmts, b.value)) return nullptr;
    return make_expr(std::move(b), {r.begin, last_end_});
  }
  if (k == Tok::Builtin || k == Tok::Ident) {
    Token name = take();
    if (at(Tok::LParen)) return parse_call(name);
    if (name.kind == Tok::Builtin) return make_expr(ast::Builtin{name.text}, r);
    return make_expr(ast::Ident{name.text}, r);
  }
  if (k == Tok::Var) return make_expr(ast::Var{take().text}, r);
  if (k == Tok::Positional)
    return make_expr(ast::Positional{static_cast<uint32_t>(take().int_value)}, r);
  if (k == Tok::PositionalCount) {
    take();
    return make_expr(ast::PositionalCount{}, r);
  }
  if (k == Tok::Map) return parse_map();
  if (k == Tok::LParen) return parse_paren();
  if (k == Tok::KwSizeof) return parse_sizeof();
  if (k == Tok::KwOffsetof) return parse_offsetof();
  syntax_error(t);
  return nullptr;
}

// `( expr )`, a tuple `(a, b, ...)` (0.2x also `()` and `(a,)`) or a record `(a = 1, b = 2)`.
ast::ExprPtr Parser::parse_paren() {
  uint32_t begin = take().range.begin;
  if (accept(Tok::RParen)) return make_expr(ast::Tuple{}, {begin, last_end_});
  if (at(Tok::Ident) && peek(1).kind == Tok::Assign) return parse_record(begin);
  ast::ExprPtr first = parse_expr();
  if (!first) return nullptr;
  if (accept(Tok::RParen)) return first;
  if (at(Tok::Comma) && peek(1).kind == Tok::RParen) {
    take();
    take();
    ast::Tuple one;
    one.elems.push_back(std::move(first));
    return make_expr(std::move(one), {begin, last_end_});
  }
  if (!at(Tok::Comma)) {
    syntax_error(cur(), ") or \",\"");
    return nullptr;
  }
  ast::Tuple tup;
  tup.elems.push_back(std::move(first));
  while (accept(Tok::Comma)) {
    ast::ExprPtr e = parse_expr();
    if (!e) return nullptr;
    tup.elems.push_back(std::move(e));
  }
  if (!expect(Tok::RParen, ") or \",\"")) return nullptr;
  return make_expr(std::move(tup), {begin, last_end_});
}

ast::ExprPtr Parser::parse_record(uint32_t begin) {
  ast::RecordLit rec;
  while (true) {
    if (!at(Tok::Ident)) {
      syntax_error(cur(), "field name");
      return nullptr;
    }
    Token name = take();
    for (const auto& n : rec.names)
      if (n == name.text) {
        error(name.range, "the record already has a field named '" + name.text + "'");
        return nullptr;
      }
    if (!expect(Tok::Assign, "=")) return nullptr;
    ast::ExprPtr v = parse_expr();
    if (!v) return nullptr;
    rec.names.push_back(name.text);
    rec.values.push_back(std::move(v));
    if (accept(Tok::Comma)) continue;
    if (!expect(Tok::RParen, ") or \",\"")) return nullptr;
    return make_expr(std::move(rec), {begin, last_end_});
  }
}

bool Parser::parse_expr_list(std::vector<ast::ExprPtr>& out, Tok close,
                             const std::string& expecting) {
  if (accept(close)) return true;
  while (true) {
    ast::ExprPtr e = parse_expr();
    if (!e) return false;
    out.push_back(std::move(e));
    if (accept(Tok::Comma)) continue;
    return expect(close, expecting);
  }
}

ast::ExprPtr Parser::parse_call(const Token& name) {
  take(); // '('
  ast::Call call;
  call.name = name.text;
  call.name_range = name.range;
  if (!parse_expr_list(call.args, Tok::RParen, ") or \",\"")) return nullptr;
  // 0.2x also writes builtin variables as calls: `pid()`, `ncpus()`.
  if (name.kind == Tok::Builtin && call.args.empty() && builtins::find_var(name.text) &&
      !builtins::find_function(name.text))
    return make_expr(ast::Builtin{name.text}, {name.range.begin, last_end_});
  return make_expr(std::move(call), {name.range.begin, last_end_});
}

ast::ExprPtr Parser::parse_map() {
  Token name = take();
  ast::MapRef m;
  m.name = name.text;
  if (at(Tok::LBracket)) {
    take();
    if (at(Tok::RBracket)) {
      syntax_error(cur());
      return nullptr;
    }
    if (!parse_expr_list(m.keys, Tok::RBracket, "] or \",\"")) return nullptr;
  }
  return make_expr(std::move(m), {name.range.begin, last_end_});
}

ast::ExprPtr Parser::parse_sizeof() {
  uint32_t begin = take().range.begin;
  if (!expect(Tok::LParen, "(")) return nullptr;
  ast::Sizeof s;
  if (type_ahead()) {
    ast::TypeName tn;
    if (!parse_type_name(tn)) return nullptr;
    s.arg = std::move(tn);
  } else {
    ast::ExprPtr e = parse_expr();
    if (!e) return nullptr;
    s.arg = std::move(e);
  }
  if (!expect(Tok::RParen, ")")) return nullptr;
  return make_expr(std::move(s), {begin, last_end_});
}

// offsetof(struct X, a.b.c)
ast::ExprPtr Parser::parse_offsetof() {
  uint32_t begin = take().range.begin;
  if (!expect(Tok::LParen, "(")) return nullptr;
  ast::Offsetof o;
  if (!parse_type_name(o.type) || !expect(Tok::Comma, "\",\"")) return nullptr;
  do {
    if (!is_word(cur().kind)) {
      syntax_error(cur(), "identifier");
      return nullptr;
    }
    o.fields.push_back(take().text);
  } while (accept(Tok::Dot));
  if (!expect(Tok::RParen, ")")) return nullptr;
  return make_expr(std::move(o), {begin, last_end_});
}

} // namespace btc::parse
