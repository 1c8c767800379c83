// clone.cpp: deep copies of expressions and statements (ranges, types and sema annotations
// included). The expand phase copies a macro's body once per call site.
#include "ast/clone.h"

#include "ast/walk.h"

namespace btc::ast {

TypeName::TypeName() = default;
TypeName::TypeName(TypeName&& other) noexcept = default;
TypeName& TypeName::operator=(TypeName&& other) noexcept = default;
TypeName::~TypeName() = default;
TypeName::TypeName(const TypeName& other)
    : name(other.name), tag(other.tag), pointer_depth(other.pointer_depth),
      array_size(other.array_size), range(other.range), of(other.of ? clone(*other.of) : nullptr),
      in_typeof(other.in_typeof) {}
TypeName& TypeName::operator=(const TypeName& other) {
  if (this != &other) *this = TypeName(other);
  return *this;
}

namespace {

ExprPtr opt(const ExprPtr& e) {
  return e ? clone(*e) : nullptr;
}

std::vector<ExprPtr> all(const std::vector<ExprPtr>& v) {
  std::vector<ExprPtr> out;
  out.reserve(v.size());
  for (const auto& e : v) out.push_back(clone(*e));
  return out;
}

struct ExprCopier {
  ExprNode operator()(const IntLit& n) const { return n; }
  ExprNode operator()(const StrLit& n) const { return n; }
  ExprNode operator()(const BoolLit& n) const { return n; }
  ExprNode operator()(const Builtin& n) const { return n; }
  ExprNode operator()(const Ident& n) const { return n; }
  ExprNode operator()(const Positional& n) const { return n; }
  ExprNode operator()(const PositionalCount& n) const { return n; }
  ExprNode operator()(const Var& n) const { return n; }
  ExprNode operator()(const MapRef& n) const { return MapRef{n.name, all(n.keys)}; }
  ExprNode operator()(const Call& n) const {
    return Call{n.name, all(n.args), n.name_range, n.desc};
  }
  ExprNode operator()(const Binary& n) const { return Binary{n.op, clone(*n.lhs), clone(*n.rhs)}; }
  ExprNode operator()(const Unary& n) const { return Unary{n.op, clone(*n.operand)}; }
  ExprNode operator()(const IncDec& n) const {
    return IncDec{clone(*n.target), n.increment, n.prefix};
  }
  ExprNode operator()(const Ternary& n) const {
    return Ternary{clone(*n.cond), clone(*n.then_expr), clone(*n.else_expr)};
  }
  ExprNode operator()(const FieldAccess& n) const {
    return FieldAccess{clone(*n.base), n.field, n.arrow};
  }
  ExprNode operator()(const TupleIndex& n) const { return TupleIndex{clone(*n.base), n.index}; }
  ExprNode operator()(const Index& n) const { return Index{clone(*n.base), clone(*n.index)}; }
  ExprNode operator()(const Cast& n) const { return Cast{n.type, clone(*n.operand)}; }
  ExprNode operator()(const Tuple& n) const { return Tuple{all(n.elems)}; }
  ExprNode operator()(const RecordLit& n) const { return RecordLit{n.names, all(n.values)}; }
  ExprNode operator()(const BlockExpr& n) const { return BlockExpr{clone(n.stmts), opt(n.value)}; }
  ExprNode operator()(const Sizeof& n) const {
    if (const auto* t = std::get_if<TypeName>(&n.arg)) return Sizeof{*t};
    return Sizeof{clone(*std::get<ExprPtr>(n.arg))};
  }
  ExprNode operator()(const Offsetof& n) const { return n; }
};

struct StmtCopier {
  StmtNode operator()(const ExprStmt& n) const { return ExprStmt{clone(*n.expr)}; }
  StmtNode operator()(const AssignStmt& n) const {
    return AssignStmt{n.op, clone(*n.target), clone(*n.value), n.op_range};
  }
  StmtNode operator()(const IfStmt& n) const {
    return IfStmt{clone(*n.cond), clone(n.then_block), clone(n.else_block), n.has_else, n.comptime};
  }
  StmtNode operator()(const UnrollStmt& n) const {
    return UnrollStmt{clone(*n.count), clone(n.body)};
  }
  StmtNode operator()(const WhileStmt& n) const { return WhileStmt{clone(*n.cond), clone(n.body)}; }
  StmtNode operator()(const LetStmt& n) const {
    return LetStmt{n.name, n.type, opt(n.value), n.name_range, n.var_type};
  }
  StmtNode operator()(const ForStmt& n) const {
    return ForStmt{n.var, opt(n.map), opt(n.lo), opt(n.hi), clone(n.body), n.var_range};
  }
  StmtNode operator()(const BreakStmt& n) const { return n; }
  StmtNode operator()(const ContinueStmt& n) const { return n; }
  StmtNode operator()(const ReturnStmt& n) const { return ReturnStmt{opt(n.value)}; }
};

} // namespace

ExprPtr clone(const Expr& e) {
  auto out = std::make_unique<Expr>();
  out->node = std::visit(ExprCopier{}, e.node);
  out->range = e.range;
  out->type = e.type;
  return out;
}

StmtPtr clone(const Stmt& s) {
  auto out = std::make_unique<Stmt>();
  out->node = std::visit(StmtCopier{}, s.node);
  out->range = s.range;
  return out;
}

Block clone(const Block& b) {
  Block out;
  out.reserve(b.size());
  for (const auto& s : b) out.push_back(clone(*s));
  return out;
}

void relocate(Expr& e, SourceRange at) {
  e.range = at;
  if (auto* c = e.as<Call>()) c->name_range = at;
  if (auto* c = e.as<Cast>()) c->type.range = at;
  each_child(
      e, [&](ExprPtr& c) { relocate(*c, at); },
      [&](Block& b) {
        for (auto& x : b) relocate(*x, at);
      });
}

void relocate(Stmt& s, SourceRange at) {
  s.range = at;
  if (auto* a = s.as<AssignStmt>()) a->op_range = at;
  if (auto* l = s.as<LetStmt>()) l->name_range = at;
  if (auto* f = s.as<ForStmt>()) f->var_range = at;
  each_part(
      s, [&](ExprPtr& c) { relocate(*c, at); },
      [&](Block& b) {
        for (auto& x : b) relocate(*x, at);
      });
}

} // namespace btc::ast
