// expand.cpp: macro expansion (see expand.h) and the phase's entry point, which then runs
// the scoping pass (scopes.cpp).
//
// A call `f(a, b)` of `macro f(x, $v) { ... }` is replaced by a copy of the body in which
// `x` is a copy of `a`, `$v` is the caller's variable `b`, and every other `$var` gets the
// suffix of this expansion ("#m3") so it cannot touch the caller's. A map the body uses must
// be a `@map` parameter. Nested macros expand inside the copy, up to kMaxDepth levels.
#include "expand/expand.h"

#include "ast/clone.h"
#include "ast/walk.h"
#include "expand/prelude.h"
#include "expand/scopes.h"

#include <map>

namespace btc::expand {

namespace {

constexpr int kMaxDepth = 32;

struct Substitution {
  const ast::MacroDef* macro = nullptr;
  std::string suffix;                            // "#m3"
  std::map<std::string, std::string> vars, maps; // "$v" -> "$x", "@m" -> "@paths"
  std::map<std::string, const ast::Expr*> exprs; // "x" -> the argument
};

class Expander {
public:
  Expander(ast::Program& p, diag::Diagnostics& d) : prog_(p), diags_(d) {}

  size_t run() {
    for (auto& probe : prog_.probes) {
      if (probe.predicate) expr(probe.predicate, 0);
      block(probe.body, 0);
    }
    return calls_;
  }

private:
  // The script's macro of that name and arity, else the prelude's.
  const ast::MacroDef* find(const std::string& name, size_t arity, bool& name_known) const {
    name_known = false;
    const std::vector<ast::MacroDef>* lists[] = {&prog_.macros, &prelude_macros()};
    for (const auto* list : lists)
      for (const auto& m : *list) {
        if (m.name != name) continue;
        name_known = true;
        if (m.params.size() == arity) return &m;
      }
    return nullptr;
  }
  static bool from_prelude(const ast::MacroDef& m) {
    const auto& p = prelude_macros();
    return &m >= p.data() && &m < p.data() + p.size();
  }

  void block(ast::Block& b, int depth) {
    for (auto& s : b) stmt(*s, depth);
  }
  void stmt(ast::Stmt& s, int depth) {
    each_part(
        s, [&](ast::ExprPtr& e) { expr(e, depth); }, [&](ast::Block& b) { block(b, depth); });
  }

  void expr(ast::ExprPtr& e, int depth) {
    each_child(
        *e, [&](ast::ExprPtr& c) { expr(c, depth); }, [&](ast::Block& b) { block(b, depth); });
    bool known = false;
    if (auto* c = e->as<ast::Call>()) {
      const ast::MacroDef* m = find(c->name, c->args.size(), known);
      if (m) {
        e = instantiate(*m, std::move(c->args), e->range, depth);
      } else if (known) {
        diags_.error(e->range, "macro '" + c->name + "' does not take " +
                                   std::to_string(c->args.size()) + " argument" +
                                   (c->args.size() == 1 ? "" : "s"));
      }
    } else if (auto* id = e->as<ast::Ident>()) {
      if (const ast::MacroDef* m = find(id->name, 0, known))
        e = instantiate(*m, {}, e->range, depth);
    } else if (auto* b = e->as<ast::Builtin>()) { // `ppid`: a prelude macro used bare
      if (const ast::MacroDef* m = find(b->name, 0, known))
        e = instantiate(*m, {}, e->range, depth);
    }
  }

  ast::ExprPtr instantiate(const ast::MacroDef& m, std::vector<ast::ExprPtr> args,
                           source::SourceRange at, int depth) {
    auto fail = [&](const std::string& msg) {
      diags_.error(at, msg);
      auto none = std::make_unique<ast::Expr>();
      none->node = ast::IntLit{0};
      none->range = at;
      return none;
    };
    if (depth >= kMaxDepth)
      return fail("macro '" + m.name + "' expands more than " + std::to_string(kMaxDepth) +
                  " levels deep (does it call itself?)");
    ++calls_;
    Substitution s;
    s.macro = &m;
    s.suffix = "#m" + std::to_string(calls_);
    for (size_t i = 0; i < m.params.size(); ++i) {
      const std::string& p = m.params[i];
      ast::Expr& a = *args[i];
      if (p[0] == '$') {
        auto* v = a.as<ast::Var>();
        if (!v) return fail("macro '" + m.name + "' expects a variable for " + p);
        s.vars[p] = v->name;
      } else if (p[0] == '@') {
        auto* mr = a.as<ast::MapRef>();
        if (!mr || !mr->keys.empty()) return fail("macro '" + m.name + "' expects a map for " + p);
        s.maps[p] = mr->name;
      } else {
        s.exprs[p] = &a;
      }
    }
    ast::BlockExpr out;
    out.stmts = ast::clone(m.body);
    if (m.value) out.value = ast::clone(*m.value);
    for (auto& st : out.stmts) subst_stmt(*st, s);
    if (out.value) subst(out.value, s);
    if (from_prelude(m)) { // its text is not the script's: point at the call
      for (auto& st : out.stmts) ast::relocate(*st, at);
      if (out.value) ast::relocate(*out.value, at);
    }
    // Macros the body calls expand in the copy.
    block(out.stmts, depth + 1);
    if (out.value) expr(out.value, depth + 1);
    if (out.stmts.empty() && out.value) return std::move(out.value);
    auto e = std::make_unique<ast::Expr>();
    e->node = std::move(out);
    e->range = at;
    return e;
  }

  std::string rename_var(const std::string& name, const Substitution& s) {
    auto it = s.vars.find(name);
    return it != s.vars.end() ? it->second : name + s.suffix;
  }

  // typeof(x) of an expression parameter x: the type of the argument.
  void subst_type(ast::TypeName& t, const Substitution& s) {
    if (!t.in_typeof || t.of || t.tag != ast::TypeName::Tag::None || t.pointer_depth != 0 ||
        t.array_size)
      return;
    auto it = s.exprs.find(t.name);
    if (it == s.exprs.end()) return;
    t.of = ast::clone(*it->second);
    t.name = "typeof";
  }

  void subst_stmt(ast::Stmt& st, const Substitution& s) {
    if (auto* l = st.as<ast::LetStmt>()) {
      l->name = rename_var(l->name, s);
      if (l->type) subst_type(*l->type, s);
    }
    if (auto* f = st.as<ast::ForStmt>()) f->var = rename_var(f->var, s);
    each_part(
        st, [&](ast::ExprPtr& e) { subst(e, s); },
        [&](ast::Block& b) {
          for (auto& x : b) subst_stmt(*x, s);
        });
  }

  void subst(ast::ExprPtr& e, const Substitution& s) {
    if (auto* id = e->as<ast::Ident>()) {
      auto it = s.exprs.find(id->name);
      if (it != s.exprs.end()) {
        e = ast::clone(*it->second);
        return;
      }
    }
    if (auto* v = e->as<ast::Var>()) v->name = rename_var(v->name, s);
    if (auto* c = e->as<ast::Cast>()) subst_type(c->type, s);
    if (auto* z = e->as<ast::Sizeof>())
      if (auto* t = std::get_if<ast::TypeName>(&z->arg)) subst_type(*t, s);
    if (auto* m = e->as<ast::MapRef>()) {
      auto it = s.maps.find(m->name);
      if (it != s.maps.end())
        m->name = it->second;
      else
        diags_.error(e->range, "macro '" + s.macro->name + "' uses map " + m->name +
                                   ", which is not one of its parameters (pass it as a @map "
                                   "parameter)");
    }
    each_child(
        *e, [&](ast::ExprPtr& c) { subst(c, s); },
        [&](ast::Block& b) {
          for (auto& x : b) subst_stmt(*x, s);
        });
  }

  ast::Program& prog_;
  diag::Diagnostics& diags_;
  size_t calls_ = 0;
};

} // namespace

std::string display_name(const std::string& var) {
  return var.substr(0, var.find('#'));
}

ExpandResult expand(ast::Program& program, diag::Diagnostics& diags) {
  ExpandResult r;
  size_t errors = diags.error_count();
  r.macro_calls = Expander(program, diags).run();
  if (diags.error_count() == errors) resolve_scopes(program, diags);
  r.ok = diags.error_count() == errors;
  return r;
}

} // namespace btc::expand
