// parse_stmt.cpp: blocks and statements: if/else, while, unroll, break/continue/return,
// assignments (= and the ten compound operators) and expression statements.
//
// Input: tokens. Output: ast::Block / ast::StmtPtr. Statements are ';'-separated; the last one
// in a block may omit it. As an extension a ';' right after the '}' of if/while/unroll is
// accepted (0.17 rejects it).
// Example: `if (pid > 1) { @x = 1 } else { @x += 2; }` -> IfStmt{cond, [Assign], [Assign +=]}.
#include "parse/parser_impl.h"

namespace btc::parse {

namespace {

struct AssignSpelling {
  Tok tok;
  ast::AssignOp op;
};
constexpr AssignSpelling kAssignOps[] = {
    {Tok::Assign, ast::AssignOp::Assign},      {Tok::PlusAssign, ast::AssignOp::Add},
    {Tok::MinusAssign, ast::AssignOp::Sub},    {Tok::StarAssign, ast::AssignOp::Mul},
    {Tok::SlashAssign, ast::AssignOp::Div},    {Tok::PercentAssign, ast::AssignOp::Mod},
    {Tok::AmpAssign, ast::AssignOp::BitAnd},   {Tok::PipeAssign, ast::AssignOp::BitOr},
    {Tok::CaretAssign, ast::AssignOp::BitXor}, {Tok::ShlAssign, ast::AssignOp::Shl},
    {Tok::ShrAssign, ast::AssignOp::Shr},
};

bool assign_op(Tok k, ast::AssignOp& op) {
  for (const auto& a : kAssignOps) {
    if (a.tok == k) {
      op = a.op;
      return true;
    }
  }
  return false;
}

using ast::make_stmt;

bool ends_with_block(const ast::Stmt& s) {
  if (const auto* es = s.as<ast::ExprStmt>()) return es->expr->as<ast::BlockExpr>() != nullptr;
  return s.as<ast::IfStmt>() || s.as<ast::WhileStmt>() || s.as<ast::UnrollStmt>() ||
         s.as<ast::ForStmt>();
}

} // namespace

bool Parser::parse_block(ast::Block& out, bool* trailing) {
  if (trailing) *trailing = false;
  if (!expect(Tok::LBrace, "{")) return false;
  if (++depth_ > kMaxNesting) {
    error(cur().range, "program nested too deeply");
    --depth_;
    return false;
  }
  bool ok = true;
  while (!too_many_errors()) {
    if (at(Tok::RBrace)) {
      take();
      break;
    }
    if (at(Tok::End)) {
      syntax_error(cur(), "}");
      ok = false;
      break;
    }
    ast::StmtPtr s = parse_statement();
    if (!s) {
      sync_statement();
      continue;
    }
    bool block_like = ends_with_block(*s);
    bool is_expr = s->as<ast::ExprStmt>() != nullptr;
    out.push_back(std::move(s));
    if (block_like) {
      accept(Tok::Semi); // extension: 0.17 rejects `if (...) {};`
      continue;
    }
    if (accept(Tok::Semi)) continue;
    if (at(Tok::RBrace)) {
      if (trailing) *trailing = is_expr;
      continue;
    }
    syntax_error(cur(), "}");
    sync_statement();
  }
  --depth_;
  return ok;
}

bool Parser::parse_block_expr(ast::Block& stmts, ast::ExprPtr& value) {
  bool trailing = false;
  if (!parse_block(stmts, &trailing)) return false;
  if (trailing) {
    value = std::move(stmts.back()->as<ast::ExprStmt>()->expr);
    stmts.pop_back();
  }
  return true;
}

ast::StmtPtr Parser::parse_statement() {
  const Token& t = cur();
  source::SourceRange r = t.range;
  if (t.kind == Tok::KwIf) return parse_if();
  if (t.kind == Tok::Ident && t.text == "let") return parse_let();
  if (t.kind == Tok::Ident && t.text == "for" &&
      (peek(1).kind == Tok::LParen || peek(1).kind == Tok::Var))
    return parse_for();
  if (t.kind == Tok::KwWhile) return parse_while();
  if (t.kind == Tok::KwUnroll) return parse_unroll();
  if (t.kind == Tok::KwBreak || t.kind == Tok::KwContinue || t.kind == Tok::KwReturn) {
    Tok k = take().kind;
    if (k == Tok::KwBreak) return make_stmt(ast::BreakStmt{}, r);
    if (k == Tok::KwContinue) return make_stmt(ast::ContinueStmt{}, r);
    ast::ReturnStmt ret;
    if (cur().kind != Tok::Semi && cur().kind != Tok::RBrace) {
      ret.value = parse_expr();
      if (!ret.value) return nullptr;
      r.end = ret.value->range.end;
    }
    return make_stmt(std::move(ret), r);
  }
  if (t.kind == Tok::Semi) {
    syntax_error(t, "}");
    return nullptr;
  }
  return parse_assign_or_expr();
}

// `(cond)` as 0.17 writes it, or a bare condition as 0.2x allows (`if $x {`): '{' never
// continues an expression, so one expression parser reads both.
ast::ExprPtr Parser::parse_condition() {
  if (at(Tok::LBrace)) {
    syntax_error(cur(), "(");
    return nullptr;
  }
  return parse_expr();
}

ast::StmtPtr Parser::parse_if() {
  Token kw = take();
  ast::IfStmt st;
  if (at(Tok::Ident) && cur().text == "comptime") {
    take();
    st.comptime = true;
  }
  st.cond = parse_condition();
  if (!st.cond) return nullptr;
  if (!parse_block(st.then_block)) return nullptr;
  if (accept(Tok::KwElse)) {
    st.has_else = true;
    if (at(Tok::KwIf)) {
      ast::StmtPtr nested = parse_if();
      if (!nested) return nullptr;
      st.else_block.push_back(std::move(nested));
    } else if (!parse_block(st.else_block)) {
      return nullptr;
    }
  }
  return make_stmt(std::move(st), {kw.range.begin, last_end_});
}

ast::StmtPtr Parser::parse_while() {
  Token kw = take();
  ast::WhileStmt st;
  st.cond = parse_condition();
  if (!st.cond) return nullptr;
  if (!parse_block(st.body)) return nullptr;
  return make_stmt(std::move(st), {kw.range.begin, last_end_});
}

// unroll (N) { ... } with N an integer literal or a positional parameter.
ast::StmtPtr Parser::parse_unroll() {
  Token kw = take();
  if (!expect(Tok::LParen, "(")) return nullptr;
  ast::UnrollStmt st;
  Token n = cur();
  auto e = std::make_unique<ast::Expr>();
  e->range = n.range;
  if (n.kind == Tok::Int) {
    e->node = ast::IntLit{n.int_value};
  } else if (n.kind == Tok::Positional) {
    e->node = ast::Positional{static_cast<uint32_t>(n.int_value)};
  } else {
    syntax_error(n, "integer");
    return nullptr;
  }
  take();
  st.count = std::move(e);
  if (!expect(Tok::RParen, ")")) return nullptr;
  if (!parse_block(st.body)) return nullptr;
  return make_stmt(std::move(st), {kw.range.begin, last_end_});
}

// let $x;  let $x = expr;  let $x: TYPE [= expr];
ast::StmtPtr Parser::parse_let() {
  Token kw = take();
  if (!at(Tok::Var)) {
    syntax_error(cur(), "variable");
    return nullptr;
  }
  Token var = take();
  ast::LetStmt st;
  st.name = var.text;
  st.name_range = var.range;
  if (accept(Tok::Colon)) {
    ast::TypeName tn;
    if (!parse_type_name(tn)) return nullptr;
    st.type = std::move(tn);
  }
  if (accept(Tok::Assign)) {
    st.value = parse_expr();
    if (!st.value) return nullptr;
  }
  return make_stmt(std::move(st), {kw.range.begin, last_end_});
}

// for ($kv : @map) { ... }  /  for ($i : lo..hi) { ... }; the parentheses are optional.
ast::StmtPtr Parser::parse_for() {
  Token kw = take();
  bool paren = accept(Tok::LParen);
  if (!at(Tok::Var)) {
    syntax_error(cur(), "variable");
    return nullptr;
  }
  Token var = take();
  ast::ForStmt st;
  st.var = var.text;
  st.var_range = var.range;
  if (!expect(Tok::Colon, ":")) return nullptr;
  if (at(Tok::Map) && (peek(1).kind == Tok::RParen || peek(1).kind == Tok::LBrace)) {
    st.map = parse_map();
    if (!st.map) return nullptr;
  } else {
    st.lo = parse_unary();
    if (!st.lo) return nullptr;
    if (!expect(Tok::Dot, "..") || !expect(Tok::Dot, "..")) return nullptr;
    st.hi = parse_unary();
    if (!st.hi) return nullptr;
  }
  if (paren && !expect(Tok::RParen, ")")) return nullptr;
  if (!parse_block(st.body)) return nullptr;
  return make_stmt(std::move(st), {kw.range.begin, last_end_});
}

ast::StmtPtr Parser::parse_assign_or_expr() {
  uint32_t begin = cur().range.begin;
  ast::ExprPtr e = parse_expr();
  if (!e) return nullptr;
  ast::AssignOp op;
  if (!assign_op(cur().kind, op)) return make_stmt(ast::ExprStmt{std::move(e)}, {begin, last_end_});
  // Only $variables and @maps can be assigned; anything else is a syntax error in 0.17.
  if (!e->as<ast::Var>() && !e->as<ast::MapRef>()) {
    syntax_error(cur(), "}");
    return nullptr;
  }
  ast::AssignStmt st;
  st.op_range = cur().range;
  take();
  st.op = op;
  st.target = std::move(e);
  st.value = parse_expr();
  if (!st.value) return nullptr;
  return make_stmt(std::move(st), {begin, last_end_});
}

} // namespace btc::parse
