// scopes.cpp: block scoping of `let` and `for` variables, and range loops as while loops.
//
// Each `let $x` (and each loop variable) gets the name "$x#N", N unique in the program, used
// by every `$x` after it in its block and the blocks inside; `$x` outside keeps 0.17's
// probe-wide meaning. A range loop
//   for ($i : lo..hi) { body }
// becomes (names unique per loop; lo and hi are evaluated once, as bpftrace documents)
//   $__for#N = lo; $__end#N = hi;
//   while ($__for#N < $__end#N) { $i#M = $__for#N; $__for#N++; body }
// so `continue` moves to the next value and `break` leaves the loop.
#include "expand/scopes.h"

#include "ast/walk.h"

#include <map>
#include <vector>

namespace btc::expand {

namespace {

ast::ExprPtr make(ast::ExprNode n, source::SourceRange r) {
  return ast::make_expr(std::move(n), r);
}
using ast::make_stmt;

ast::StmtPtr assign(const std::string& var, ast::ExprPtr value, source::SourceRange r) {
  ast::AssignStmt a;
  a.target = make(ast::Var{var}, r);
  a.value = std::move(value);
  a.op_range = r;
  return make_stmt(std::move(a), r);
}

class Scoper {
public:
  void run(ast::Program& prog) {
    for (auto& probe : prog.probes) {
      scopes_.clear();
      if (probe.predicate) expr(probe.predicate);
      block(probe.body);
    }
  }

private:
  std::string declare(const std::string& name) {
    std::string unique = name + "#" + std::to_string(++counter_);
    scopes_.back()[name] = unique;
    return unique;
  }
  std::string lookup(const std::string& name) const {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      auto f = it->find(name);
      if (f != it->end()) return f->second;
    }
    return name;
  }

  void block(ast::Block& b) {
    scopes_.emplace_back();
    statements(b);
    scopes_.pop_back();
  }

  // The statements of a block, in the innermost scope.
  void statements(ast::Block& b) {
    ast::Block out;
    for (auto& s : b) {
      if (auto* f = s->as<ast::ForStmt>(); f && !f->map) {
        range_loop(*f, s->range, out);
        continue;
      }
      stmt(*s);
      // `let $x = v` is a declaration followed by an assignment.
      ast::ExprPtr init;
      if (auto* l = s->as<ast::LetStmt>(); l && l->value) init = std::move(l->value);
      std::string name = s->as<ast::LetStmt>() ? s->as<ast::LetStmt>()->name : "";
      source::SourceRange r = s->range;
      out.push_back(std::move(s));
      if (init) out.push_back(assign(name, std::move(init), r));
    }
    b = std::move(out);
  }

  void stmt(ast::Stmt& s) {
    if (auto* l = s.as<ast::LetStmt>()) {
      if (l->value) expr(l->value); // `let $x = $x + 1` reads the outer $x
      l->name = declare(l->name);
      return;
    }
    if (auto* f = s.as<ast::ForStmt>()) { // over a map
      expr(f->map);
      scopes_.emplace_back();
      f->var = declare(f->var);
      block(f->body);
      scopes_.pop_back();
      return;
    }
    each_part(
        s, [&](ast::ExprPtr& e) { expr(e); }, [&](ast::Block& b) { block(b); });
  }

  void expr(ast::ExprPtr& e) {
    if (auto* v = e->as<ast::Var>()) v->name = lookup(v->name);
    map_key_argument(*e);
    if (auto* b = e->as<ast::BlockExpr>()) { // its value sees its declarations
      scopes_.emplace_back();
      statements(b->stmts);
      if (b->value) expr(b->value);
      scopes_.pop_back();
      return;
    }
    each_child(
        *e, [&](ast::ExprPtr& c) { expr(c); }, [&](ast::Block& b) { block(b); });
  }

  // bpftrace 0.2x names a map entry with two arguments: delete(@m, k) and has_key(@m, k) are
  // delete(@m[k]) and has_key(@m[k]) (a tuple k is the map's keys).
  static void map_key_argument(ast::Expr& e) {
    auto* c = e.as<ast::Call>();
    if (!c || c->args.size() != 2 || (c->name != "delete" && c->name != "has_key")) return;
    auto* m = c->args[0]->as<ast::MapRef>();
    if (!m || !m->keys.empty()) return;
    m->keys.push_back(std::move(c->args[1]));
    c->args.pop_back();
    c->args[0]->range = e.range;
  }

  void range_loop(ast::ForStmt& f, source::SourceRange r, ast::Block& out) {
    expr(f.lo);
    expr(f.hi);
    std::string n = std::to_string(++counter_);
    std::string k = "$__for#" + n, end = "$__end#" + n;
    source::SourceRange lo_r = f.lo->range, hi_r = f.hi->range;
    out.push_back(assign(k, std::move(f.lo), lo_r));
    out.push_back(assign(end, std::move(f.hi), hi_r));
    ast::WhileStmt w;
    w.cond = make(ast::Binary{ast::BinOp::Lt, make(ast::Var{k}, r), make(ast::Var{end}, r)}, r);
    scopes_.emplace_back();
    std::string var = declare(f.var);
    w.body.push_back(assign(var, make(ast::Var{k}, f.var_range), f.var_range));
    w.body.push_back(
        make_stmt(ast::ExprStmt{make(ast::IncDec{make(ast::Var{k}, r), true, false}, r)}, r));
    block(f.body);
    for (auto& s : f.body) w.body.push_back(std::move(s));
    scopes_.pop_back();
    out.push_back(make_stmt(std::move(w), r));
  }

  std::vector<std::map<std::string, std::string>> scopes_;
  size_t counter_ = 0;
};

} // namespace

void resolve_scopes(ast::Program& program, diag::Diagnostics&) {
  Scoper().run(program);
}

} // namespace btc::expand
