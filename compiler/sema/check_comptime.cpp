// check_comptime.cpp: what bpftrace 0.26 decides while compiling: typeinfo(x) (a record
// describing x's type), `if comptime (cond)` (only the taken branch is kept), fail(fmt, ...)
// and the config block's unstable_* switches.
//
// Examples:
//   typeinfo($x) with $x an int64 -> (btf_id = 0, base_type = "int", full_type = "int64")
//   if comptime (typeinfo($x).full_type == "string[4]") { A } else { B } -> B for an int64 $x
//   fail("no %s", "way") in a probe body -> a located compile error "no way"; under a run-time
//   condition (if, while, ?:, for, a predicate) -> errorf("no %s", "way"); exit(1) there.
#include "sema/checker.h"

#include "btc/check.h"

#include <cctype>

namespace btc::sema {

namespace {

// A value known while compiling: an integer, a string or a record of such values.
struct Constant {
  enum class Kind { Int, Str, Record } kind = Kind::Int;
  int64_t i = 0;
  std::string s;
  // A record's fields, in order (two vectors: a pair<string, Constant> member would need
  // Constant complete, which libstdc++ checks under clang).
  std::vector<std::string> names;
  std::vector<Constant> values;

  bool operator==(const Constant& o) const {
    return kind == o.kind && i == o.i && s == o.s && names == o.names && values == o.values;
  }
};

std::string full_type(const Type& t);

std::string base_type(const Type& t) {
  using K = ast::TypeKind;
  switch (t.kind) {
  case K::None:
    return "none";
  case K::Integer:
    return t.is_bool ? "bool" : "int";
  case K::String:
    return "string";
  case K::Buffer:
    return "buffer";
  case K::Tuple:
    return t.elem_names.empty() ? "tuple" : "record";
  case K::Record:
    return "c_type";
  case K::Array:
    return "array";
  case K::Pointer:
  case K::Ctx:
    return "pointer";
  case K::Ksym:
    return "ksym_t";
  case K::Usym:
    return "usym_t";
  case K::Inet:
    return "inet";
  case K::Username:
    return "username";
  case K::Probe:
    return "string";
  case K::Kstack:
    return "kstack";
  case K::Ustack:
    return "ustack";
  case K::Timestamp:
    return "timestamp";
  case K::MacAddr:
    return "mac_address";
  case K::CgroupPath:
    return "cgroup_path_t";
  case K::Strerror:
    return "strerror_t";
  case K::Count:
    return "count_t";
  case K::Sum:
    return "sum_t";
  case K::Min:
    return "min_t";
  case K::Max:
    return "max_t";
  case K::Avg:
    return "avg_t";
  case K::Stats:
    return "stats_t";
  case K::Hist:
    return "hist_t";
  case K::Lhist:
    return "lhist_t";
  case K::Tseries:
    return "tseries_t";
  }
  return "none";
}

// 0.26's spelling of a whole type: "int64", "uint8", "string[4]", "struct task_struct *",
// "(int64,string[2])", "record { .a = int64 }", "usum_t".
std::string full_type(const Type& t) {
  using K = ast::TypeKind;
  switch (t.kind) {
  case K::Integer:
    if (t.is_bool) return "bool";
    return (t.is_signed ? "int" : "uint") + std::to_string(8 * t.size);
  case K::String:
  case K::Inet:
  case K::Buffer:
    return base_type(t) + "[" + std::to_string(t.size) + "]";
  case K::Pointer:
    return (t.pointee ? full_type(*t.pointee) : std::string("void")) + " *";
  case K::Array:
    return (t.pointee ? full_type(*t.pointee) : std::string("none")) + "[" +
           std::to_string(t.count) + "]";
  case K::Record:
    return std::string(t.is_union ? "union " : "struct ") + t.name;
  case K::Tuple: {
    std::string out = t.elem_names.empty() ? "(" : "record { ";
    for (size_t i = 0; i < t.elems.size(); ++i) {
      if (t.elem_names.empty()) {
        out += (i ? "," : "") + full_type(t.elems[i]);
      } else {
        out += (i ? ", ." : ".") + t.elem_names[i] + " = " + full_type(t.elems[i]);
      }
    }
    return out + (t.elem_names.empty() ? ")" : " }");
  }
  case K::Sum:
  case K::Min:
  case K::Max:
  case K::Avg:
  case K::Stats:
    return (t.is_signed ? "" : "u") + base_type(t);
  case K::None:
  case K::Ctx:
  case K::Ksym:
  case K::Usym:
  case K::Username:
  case K::Probe:
  case K::Kstack:
  case K::Ustack:
  case K::Timestamp:
  case K::MacAddr:
  case K::CgroupPath:
  case K::Strerror:
  case K::Count:
  case K::Hist:
  case K::Lhist:
  case K::Tseries:
    return base_type(t);
  }
  return base_type(t);
}

Constant num(int64_t v) {
  Constant c;
  c.i = v;
  return c;
}

Constant text(std::string v) {
  Constant c;
  c.kind = Constant::Kind::Str;
  c.s = std::move(v);
  return c;
}

Constant typeinfo_of(const Type& t) {
  Constant c;
  c.kind = Constant::Kind::Record;
  Constant id, base, full;
  base.kind = full.kind = Constant::Kind::Str;
  base.s = base_type(t);
  full.s = full_type(t);
  c.names = {"btf_id", "base_type", "full_type"};
  c.values = {id, base, full};
  return c;
}

// The value of `e` when only literals, sizeof/offsetof (already folded), typeinfo() and
// operators on them are involved; nullopt otherwise. `e` has been checked.
std::optional<Constant> constant(const ast::Expr& e) {
  using Kind = Constant::Kind;
  if (auto* c = e.as<ast::Call>();
      c && c->desc && c->args.size() == 1 && std::holds_alternative<builtins::ValueFn>(c->desc->id))
    if (auto v = type_predicate(std::get<builtins::ValueFn>(c->desc->id), *c->args[0]))
      return num(*v ? 1 : 0);
  if (auto* i = e.as<ast::IntLit>()) return num(static_cast<int64_t>(i->value));
  if (auto* b = e.as<ast::BoolLit>()) return num(b->value ? 1 : 0);
  if (auto* s = e.as<ast::StrLit>()) return text(s->value);
  if (auto* c = e.as<ast::Call>()) {
    if (c->desc && std::holds_alternative<builtins::ValueFn>(c->desc->id) &&
        std::get<builtins::ValueFn>(c->desc->id) == builtins::ValueFn::Typeinfo)
      return typeinfo_of(c->args[0]->type);
    return std::nullopt;
  }
  if (auto* r = e.as<ast::RecordLit>()) {
    Constant out;
    out.kind = Kind::Record;
    for (size_t i = 0; i < r->names.size(); ++i) {
      auto v = constant(*r->values[i]);
      if (!v) return std::nullopt;
      out.names.push_back(r->names[i]);
      out.values.push_back(std::move(*v));
    }
    return out;
  }
  if (auto* f = e.as<ast::FieldAccess>()) {
    auto base = constant(*f->base);
    if (!base || base->kind != Kind::Record) return std::nullopt;
    for (size_t i = 0; i < base->names.size(); ++i)
      if (base->names[i] == f->field) return base->values[i];
    return std::nullopt;
  }
  if (auto* ti = e.as<ast::TupleIndex>()) { // sema turns `.field` of a record into this
    auto base = constant(*ti->base);
    if (!base || base->kind != Kind::Record || ti->index >= base->values.size())
      return std::nullopt;
    return base->values[ti->index];
  }
  if (auto* u = e.as<ast::Unary>()) {
    auto v = constant(*u->operand);
    if (!v || v->kind != Kind::Int) return std::nullopt;
    switch (u->op) {
    case ast::UnOp::Neg:
      return num(-v->i);
    case ast::UnOp::LogNot:
      return num(v->i == 0 ? 1 : 0);
    case ast::UnOp::BitNot:
      return num(~v->i);
    case ast::UnOp::Deref:
    case ast::UnOp::AddrOf:
      return std::nullopt;
    }
    return std::nullopt;
  }
  if (auto* b = e.as<ast::Binary>()) {
    auto l = constant(*b->lhs), r = constant(*b->rhs);
    if (!l || !r) return std::nullopt;
    if (b->op == ast::BinOp::Eq) return num(*l == *r ? 1 : 0);
    if (b->op == ast::BinOp::Ne) return num(*l == *r ? 0 : 1);
    if (l->kind != Kind::Int || r->kind != Kind::Int) return std::nullopt;
    int64_t x = l->i, y = r->i;
    switch (b->op) {
    case ast::BinOp::Add:
      return num(x + y);
    case ast::BinOp::Sub:
      return num(x - y);
    case ast::BinOp::Mul:
      return num(x * y);
    case ast::BinOp::Div:
      return num(y == 0 ? 0 : x / y);
    case ast::BinOp::Mod:
      return num(y == 0 ? 0 : x % y);
    case ast::BinOp::Shl:
      return num(x << (y & 63));
    case ast::BinOp::Shr:
      return num(x >> (y & 63));
    case ast::BinOp::BitAnd:
      return num(x & y);
    case ast::BinOp::BitOr:
      return num(x | y);
    case ast::BinOp::BitXor:
      return num(x ^ y);
    case ast::BinOp::Lt:
      return num(x < y);
    case ast::BinOp::Le:
      return num(x <= y);
    case ast::BinOp::Gt:
      return num(x > y);
    case ast::BinOp::Ge:
      return num(x >= y);
    case ast::BinOp::LogAnd:
      return num(x && y);
    case ast::BinOp::LogOr:
      return num(x || y);
    case ast::BinOp::Eq:
    case ast::BinOp::Ne:
      break; // above
    }
  }
  return std::nullopt;
}

ast::ExprPtr literal_of(const Constant& c, source::SourceRange at) {
  switch (c.kind) {
  case Constant::Kind::Int:
    return ast::make_expr(ast::IntLit{static_cast<uint64_t>(c.i)}, at);
  case Constant::Kind::Str:
    return ast::make_expr(ast::StrLit{c.s}, at);
  case Constant::Kind::Record: {
    ast::RecordLit r;
    r.names = c.names;
    for (const Constant& v : c.values) r.values.push_back(literal_of(v, at));
    return ast::make_expr(std::move(r), at);
  }
  }
  return nullptr;
}

} // namespace

std::optional<int64_t> constant_int(const ast::Expr& e) {
  auto v = constant(e);
  if (!v || v->kind != Constant::Kind::Int) return std::nullopt;
  return v->i;
}

std::string Checker::unstable_setting(const std::string& feature, const char* dflt) const {
  for (const auto& s : options_.unstable)
    if (s.name == feature) return s.value;
  return dflt;
}

// typeinfo(x) (0.26, behind `config = { unstable_typeinfo = enable }`): the record
// (btf_id, base_type, full_type) of x's type; x is not evaluated. The reporting walk replaces
// the call by that record literal.
std::optional<bool> type_predicate(builtins::ValueFn f, const ast::Expr& arg) {
  using builtins::ValueFn;
  struct Predicate {
    ValueFn fn;
    bool (*test)(const ast::Expr&);
  };
  // clang-format off
  static constexpr Predicate kPredicates[] = {
    {ValueFn::IsStr, [](const ast::Expr& a) { return a.type.is_string(); }},
    {ValueFn::IsPtr, [](const ast::Expr& a) { return a.type.is_pointer(); }},
    {ValueFn::IsArray, [](const ast::Expr& a) { return a.type.kind == ast::TypeKind::Array; }},
    {ValueFn::IsInteger, [](const ast::Expr& a) { return a.type.is_integer() && !a.type.is_bool; }},
    {ValueFn::IsUnsignedInteger, [](const ast::Expr& a) {
       return a.type.is_integer() && !a.type.is_bool && !a.type.is_signed; }},
    {ValueFn::IsLiteral, [](const ast::Expr& a) {
       return a.as<ast::IntLit>() || a.as<ast::StrLit>() || a.as<ast::BoolLit>(); }},
  };
  // clang-format on
  for (const auto& p : kPredicates)
    if (p.fn == f) return p.test(arg);
  return std::nullopt;
}

// The predicates become literals; assert_str() checks a string-like value (a string, or an
// array of / pointer to 8-bit integers, as 0.26's strings.bt does); default_str_length() is
// the size of str()'s result.
Type Checker::check_type_predicate(ast::Expr& e, ast::Call& c, builtins::ValueFn f) {
  using builtins::ValueFn;
  if (f == ValueFn::DefaultStrLength) {
    if (reporting_) e.node = ast::IntLit{options_.strlen};
    return Type::uint64();
  }
  check_expr(*c.args[0]);
  const Type& t = c.args[0]->type;
  if (f == ValueFn::AssertStr) {
    bool chars = (t.kind == ast::TypeKind::Array || t.is_pointer()) && t.pointee &&
                 t.pointee->is_integer() && t.pointee->size == 1;
    if (!t.is_string() && !chars && t.kind != ast::TypeKind::None)
      error(c.args[0]->range,
            t.kind == ast::TypeKind::Array ? "string-like arrays must contain a char-like type"
            : t.is_pointer()               ? "string-like pointers must point to a char-like type"
                             : "string-like values must be either strings, arrays or pointers");
    return Type::none();
  }
  bool v = type_predicate(f, *c.args[0]).value_or(false);
  if (reporting_) e.node = ast::BoolLit{v};
  return Type::boolean();
}

Type Checker::check_typeinfo(ast::Expr& e, ast::Call& c) {
  if (unstable_setting("typeinfo", "error") == "error") {
    error(e.range, "typeinfo() is an unstable feature of bpftrace 0.26: enable it with "
                   "config = { unstable_typeinfo = enable }");
    return Type::none();
  }
  ast::Expr& arg = *c.args[0];
  // typeinfo(uint32): a bare type name.
  if (auto* id = arg.as<ast::Ident>(); id && !info_.enum_values.count(id->name)) {
    ast::TypeName tn;
    tn.name = id->name;
    tn.range = arg.range;
    if (auto t = resolve_type_name(tn))
      arg.type = *t;
    else
      check_expr(arg);
  } else {
    check_expr(arg);
  }
  ast::ExprPtr record = literal_of(typeinfo_of(arg.type), e.range);
  Type t = check_record(*record, *record->as<ast::RecordLit>());
  if (reporting_) e.node = std::move(record->node);
  return t;
}

// fail(fmt, args...) (0.26): a compile-time error wherever it is reached unconditionally. Under
// a run-time condition (btc's positional parameters, for one, are only known when the tool
// starts) it becomes errorf(fmt, args...); exit(1).
Type Checker::check_fail(ast::Expr& e, ast::Call& c) {
  if (runtime_branches_ == 0) {
    std::vector<std::string> parts;
    for (size_t i = 0; i < c.args.size(); ++i) {
      check_expr(*c.args[i]);
      auto v = constant(*c.args[i]);
      if (!v || v->kind == Constant::Kind::Record) {
        error(c.args[i]->range, "fail() arguments must be literals (known when compiling)");
        return Type::none();
      }
      parts.push_back(v->kind == Constant::Kind::Str ? v->s : std::to_string(v->i));
    }
    std::string msg;
    const std::string& fmt = parts[0];
    size_t next = 1;
    for (size_t i = 0; i < fmt.size(); ++i) {
      if (fmt[i] == '%' && i + 1 < fmt.size()) {
        if (fmt[i + 1] == '%') {
          msg += '%';
          ++i;
          continue;
        }
        size_t j = i + 1;
        while (j < fmt.size() && !std::isalpha(static_cast<unsigned char>(fmt[j]))) ++j;
        while (j < fmt.size() && (fmt[j] == 'l' || fmt[j] == 'h')) ++j;
        msg += next < parts.size() ? parts[next++] : std::string();
        i = j;
        continue;
      }
      msg += fmt[i];
    }
    error(e.range, msg);
    return Type::none();
  }
  // errorf(...) then exit(1), as a block in place of the call.
  ast::Call errorf{"errorf", std::move(c.args), c.name_range, nullptr};
  ast::BlockExpr block;
  block.stmts.push_back(
      ast::make_stmt(ast::ExprStmt{ast::make_expr(std::move(errorf), e.range)}, e.range));
  std::vector<ast::ExprPtr> status;
  status.push_back(ast::make_expr(ast::IntLit{1}, e.range));
  block.stmts.push_back(
      ast::make_stmt(ast::ExprStmt{ast::make_expr(
                         ast::Call{"exit", std::move(status), c.name_range, nullptr}, e.range)},
                     e.range));
  e.node = std::move(block);
  check_expr(e);
  return e.type;
}

// `if comptime (cond)`: cond must be known when compiling; only the taken branch is checked,
// and the reporting walk (which knows every map's type) drops the other.
void Checker::check_comptime_if(ast::IfStmt& n) {
  check_expr(*n.cond);
  auto v = constant(*n.cond);
  if (!v || v->kind != Constant::Kind::Int) {
    auto* call = n.cond->as<ast::Call>();
    if (call && info_.runtime_value_of.count(n.cond.get()))
      // kfunc_exist/kfunc_allowed: bpftrace answers them when compiling on the target itself.
      error(n.cond->range, call->name + "() is answered where the tool runs, not when "
                                        "compiling: write a plain `if`");
    else
      error(n.cond->range, "if comptime needs a condition known when compiling (literals, "
                           "sizeof, offsetof, typeinfo() and operators on them)");
    check_block(n.then_block);
    check_block(n.else_block);
    return;
  }
  bool taken = v->i != 0;
  if (reporting_) {
    (taken ? n.else_block : n.then_block).clear();
    n.cond->node = ast::IntLit{taken ? 1u : 0u};
    n.cond->type = Type::int64();
  }
  check_block(taken ? n.then_block : n.else_block);
}

// `a == b` / `a != b` of tuples or records known when compiling (typeinfo() results,
// literals): folded to 0 or 1 by the reporting walk. False when either side is not constant.
bool Checker::fold_comparison(ast::Expr& e, ast::Binary& b) {
  auto l = constant(*b.lhs), r = constant(*b.rhs);
  if (!l || !r) return false;
  bool equal = *l == *r;
  if (reporting_) e.node = ast::IntLit{(b.op == ast::BinOp::Eq) == equal ? 1u : 0u};
  return true;
}

} // namespace btc::sema
