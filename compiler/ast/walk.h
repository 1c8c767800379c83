// walk.h: visiting the direct children of a node (the expand phase, imports, codegen).
// each_child(expr, fe) calls fe(ExprPtr&) on every child expression; a BlockExpr's statements
// go to fs(Block&). each_part(stmt, fe, fs) does the same for a statement's expressions and
// blocks. Callers may replace the ExprPtr they are given.
#pragma once

#include "ast/ast.h"

#include <type_traits>

namespace btc::ast {

template <class FE, class FS> void each_child(ast::Expr& e, FE&& fe, FS&& fs) {
  std::visit(
      [&](auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, ast::MapRef>) {
          for (auto& k : n.keys) fe(k);
        } else if constexpr (std::is_same_v<T, ast::Call>) {
          for (auto& a : n.args) fe(a);
        } else if constexpr (std::is_same_v<T, ast::Binary>) {
          fe(n.lhs);
          fe(n.rhs);
        } else if constexpr (std::is_same_v<T, ast::Unary>) {
          fe(n.operand);
        } else if constexpr (std::is_same_v<T, ast::IncDec>) {
          fe(n.target);
        } else if constexpr (std::is_same_v<T, ast::Ternary>) {
          fe(n.cond);
          fe(n.then_expr);
          fe(n.else_expr);
        } else if constexpr (std::is_same_v<T, ast::FieldAccess> ||
                             std::is_same_v<T, ast::TupleIndex>) {
          fe(n.base);
        } else if constexpr (std::is_same_v<T, ast::Index>) {
          fe(n.base);
          fe(n.index);
        } else if constexpr (std::is_same_v<T, ast::Cast>) {
          if (n.type.of) fe(n.type.of);
          fe(n.operand);
        } else if constexpr (std::is_same_v<T, ast::Tuple>) {
          for (auto& x : n.elems) fe(x);
        } else if constexpr (std::is_same_v<T, ast::RecordLit>) {
          for (auto& x : n.values) fe(x);
        } else if constexpr (std::is_same_v<T, ast::BlockExpr>) {
          fs(n.stmts);
          if (n.value) fe(n.value);
        } else if constexpr (std::is_same_v<T, ast::Sizeof>) {
          if (auto* x = std::get_if<ast::ExprPtr>(&n.arg)) fe(*x);
          else if (auto* t = std::get_if<ast::TypeName>(&n.arg); t && t->of)
            fe(t->of);
        }
      },
      e.node);
}

template <class FE, class FS> void each_part(ast::Stmt& s, FE&& fe, FS&& fs) {
  std::visit(
      [&](auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, ast::ExprStmt>) {
          fe(n.expr);
        } else if constexpr (std::is_same_v<T, ast::AssignStmt>) {
          fe(n.target);
          fe(n.value);
        } else if constexpr (std::is_same_v<T, ast::IfStmt>) {
          fe(n.cond);
          fs(n.then_block);
          fs(n.else_block);
        } else if constexpr (std::is_same_v<T, ast::UnrollStmt>) {
          fe(n.count);
          fs(n.body);
        } else if constexpr (std::is_same_v<T, ast::WhileStmt>) {
          fe(n.cond);
          fs(n.body);
        } else if constexpr (std::is_same_v<T, ast::LetStmt>) {
          if (n.type && n.type->of) fe(n.type->of);
          if (n.value) fe(n.value);
        } else if constexpr (std::is_same_v<T, ast::ForStmt>) {
          if (n.map) fe(n.map);
          if (n.lo) fe(n.lo);
          if (n.hi) fe(n.hi);
          fs(n.body);
        } else if constexpr (std::is_same_v<T, ast::ReturnStmt>) {
          if (n.value) fe(n.value);
        }
      },
      s.node);
}

// Every node of `e` / `s` placed at `at`: code that is not the script's own text (a prelude
// macro's body, an imported file) is reported where the script brought it in.
void relocate(Expr& e, SourceRange at);
void relocate(Stmt& s, SourceRange at);

} // namespace btc::ast
