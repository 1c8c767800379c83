// check_expr.cpp: typing of expressions with bpftrace 0.17's rules (spec 4.1-4.5, 6).
//
// Integers are 64-bit after promotion: arithmetic yields int64 when both operands are signed,
// uint64 otherwise; comparisons and logic yield int64 0/1. sizeof and enum constants are
// folded into IntLit nodes here. Every integer and pointer also carries its address space
// (ast::AddrSpace), which casts, arithmetic, dereferences and indexing keep.
// Example: `(uint8)300 + 1`: the cast is unsigned int8, the sum unsigned int64;
// `*((int32 **)arg0 + 1)` in a uprobe is an `int32 *` pointing into the traced process.
#include "btf/tracepoint_types.h"
#include "sema/checker.h"

#include "ast/clone.h"

#include <algorithm>
#include <string>

namespace btc::sema {

namespace {
std::string op_text(ast::BinOp op) { return ast::binop_text(op); }
} // namespace

// The type's family as 0.17 names it in some messages: "string", "integer", else its name.
std::string type_class(const Type& t) {
  if (t.is_string()) return "string";
  if (t.is_integer()) return "integer";
  return ast::type_name(t);
}

namespace {
// Alignment of a tuple element in 0.17's layout (an LLVM struct of the elements' types):
// integers and pointers by their size, arrays by their element, strings, buffers and records
// (byte arrays there) by 1, the 8-byte special values by 8.
uint32_t tuple_align(const Type& t) {
  using K = ast::TypeKind;
  switch (t.kind) {
  case K::Integer: return std::min<uint32_t>(std::max<uint32_t>(t.size, 1), 8);
  case K::Array: return t.pointee ? tuple_align(*t.pointee) : 1;
  case K::Tuple: {
    uint32_t a = 1;
    for (const auto& e : t.elems) a = std::max(a, tuple_align(e));
    return a;
  }
  case K::String: case K::Buffer: case K::Record: case K::MacAddr: case K::None:
    return 1;
  case K::Pointer: case K::Ctx: case K::Ksym: case K::Usym: case K::Inet: case K::Username:
  case K::Probe: case K::Kstack: case K::Ustack: case K::Timestamp: case K::CgroupPath:
  case K::Strerror: case K::Count: case K::Sum: case K::Min: case K::Max: case K::Avg:
  case K::Stats:
  case K::Hist:
  case K::Lhist:
  case K::Tseries:
    return 8;
  }
  return 8;
}
} // namespace

Type Checker::storage_type(const Type& t) {
  switch (t.kind) {
  case ast::TypeKind::Integer: {
    Type wide = Type::integer(8, t.is_signed).in(t.as);
    wide.is_bool = t.is_bool;
    return wide;
  }
  case ast::TypeKind::Tuple: {
    // 0.17's layout: elements at their own size (an int8 is one byte) and natural alignment,
    // so sizeof(((int8)1, (int16)1, (int32)1)) is 8.
    Type out;
    out.kind = ast::TypeKind::Tuple;
    uint32_t off = 0, align = 1;
    for (const auto& e : t.elems) {
      Type s = e.is_integer() ? e : storage_type(e);
      uint32_t a = tuple_align(s);
      off = (off + a - 1) / a * a;
      out.elem_offsets.push_back(off);
      off += s.size;
      align = std::max(align, a);
      out.elems.push_back(std::move(s));
    }
    out.size = (off + align - 1) / align * align;
    out.elem_names = t.elem_names;
    return out;
  }
  default: return t;
  }
}

uint32_t Checker::map_id(const std::string& name) const {
  for (uint32_t i = 0; i < info_.maps.size(); ++i)
    if (info_.maps[i].name == name) return i;
  return abi::kNoIndex;
}

MapInfo& Checker::map_info(const std::string& name, source::SourceRange r) {
  uint32_t id = map_id(name);
  if (id != abi::kNoIndex) return info_.maps[id];
  MapInfo m;
  m.name = name;
  m.first_use = r;
  info_.maps.push_back(std::move(m));
  return info_.maps.back();
}

void Checker::finalise_map(MapInfo& m) {
  auto& st = maps_[m.name];
  m.value_type = st.value;
  m.key_types = st.keys;
  m.key_labels = st.key_labels;
  m.key_labels.resize(st.keys.size());
  m.scalar = st.keys.empty();
  m.key_offsets.clear();
  uint32_t off = 0;
  for (const auto& k : m.key_types) {
    m.key_offsets.push_back(off);
    off += align8(k.size);
  }
  m.key_size = m.scalar ? 8 : off;
  using K = ast::TypeKind;
  switch (st.value.kind) {
  case K::Count: m.kind = abi::MapKind::Count; m.value_size = 8; break;
  case K::Sum: m.kind = abi::MapKind::Sum; m.value_size = 8; break;
  case K::Min: m.kind = abi::MapKind::Min; m.value_size = 16; break;
  case K::Max: m.kind = abi::MapKind::Max; m.value_size = 16; break;
  case K::Avg: m.kind = abi::MapKind::Avg; m.value_size = 16; break;
  case K::Stats: m.kind = abi::MapKind::Stats; m.value_size = 16; break;
  // Histograms keep the sum of their values after the buckets (a metric's exact _sum).
  case K::Hist:
    m.kind = abi::MapKind::Hist;
    m.value_size = 8 * (abi::kHistBuckets + 1);
    break;
  case K::Lhist: {
    m.kind = abi::MapKind::Lhist;
    uint32_t buckets = static_cast<uint32_t>((st.value.lhist_max - st.value.lhist_min) /
                                             std::max<int64_t>(st.value.lhist_step, 1)) + 2;
    m.value_size = 8 * (buckets + 1);
    break;
  }
  case K::Tseries:
    m.kind = abi::MapKind::Tseries;
    m.value_size = abi::kTseriesSlotSize * std::max<uint32_t>(st.value.tseries_intervals, 1);
    break;
  default:
    m.kind = abi::MapKind::Plain;
    m.value_size = std::max<uint32_t>(8, align8(st.value.size));
    break;
  }
  m.percpu = m.kind != abi::MapKind::Plain;
  // A scalar count or histogram is a one-entry per-CPU array: the kernel inlines array
  // lookups, where a hash lookup costs every event ~20 ns. Histograms can tell "never
  // updated" from their zero buckets (the runtime skips an all-zero one, as a missing hash
  // entry); count prints 0 either way, as 0.17 does.
  m.is_array = m.scalar && (m.kind == abi::MapKind::Count || m.kind == abi::MapKind::Hist ||
                            m.kind == abi::MapKind::Lhist);
  if (m.is_array) m.key_size = 4;
}

ast::AddrSpace Checker::probe_memory() const {
  if (!probe_ || probe_->specs.empty()) return ast::AddrSpace::None;
  probes::ProbeKind kind = probe_->specs.front().kind;
  for (const auto& s : probe_->specs)
    if (s.kind != kind) return ast::AddrSpace::None;
  return probes::describe(kind).memory;
}

void Checker::note_positional(uint32_t index, bool numeric, source::SourceRange r) {
  info_.max_positional = std::max(info_.max_positional, index);
  for (auto& p : info_.positionals)
    if (p.index == index && p.numeric == numeric) return;
  info_.positionals.push_back({index, numeric, r});
}

const btf::TracepointFormat* Checker::tracepoint_format(const std::string& tp,
                                                        source::SourceRange r) {
  auto it = tp_formats_.find(tp);
  if (it != tp_formats_.end()) return &it->second;
  // A failure is said in every walk: only the reporting walk's errors are kept, and codegen
  // must never see args of a tracepoint without a format.
  if (auto failed = tp_failed_.find(tp); failed != tp_failed_.end()) {
    error(r, failed->second);
    return nullptr;
  }
  std::string root = options_.tracefs_root;
  if (root.empty()) {
    if (auto err = btf::ensure_tracefs(root)) {
      std::string msg = "cannot read tracepoint formats: " + llvm::toString(std::move(err));
      error(r, msg);
      tp_failed_[tp] = msg;
      return nullptr;
    }
  }
  auto colon = tp.find(':');
  auto fmt = btf::read_tracepoint_format(tp.substr(0, colon), tp.substr(colon + 1), root);
  if (!fmt) {
    llvm::consumeError(fmt.takeError());
    // The record's layout shapes the program: it must be known when compiling.
    std::string msg = "tracepoint " + tp +
                      " is not on this host, and its args are laid out "
                      "by its format when compiling: compile where the tracepoint exists";
    error(r, msg);
    tp_failed_[tp] = msg;
    return nullptr;
  }
  return &(tp_formats_[tp] = std::move(*fmt));
}


void Checker::check_expr(ast::Expr& e) {
  using K = ast::TypeKind;
  // Long operator chains recurse on their left operand; stop before the C++ stack does.
  struct DepthGuard {
    int& d;
    explicit DepthGuard(int& depth) : d(depth) { ++d; }
    ~DepthGuard() { --d; }
  } guard(expr_depth_);
  if (expr_depth_ > kMaxExprDepth) {
    if (!depth_reported_) error(e.range, "expression is too deeply nested (more than " +
                                             std::to_string(kMaxExprDepth) + " levels)");
    depth_reported_ = true;
    e.type = Type::none();
    return;
  }
  Type t = std::visit(
      [&](auto& n) -> Type {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, ast::IntLit>) {
          return Type::int64();
        } else if constexpr (std::is_same_v<T, ast::BoolLit>) {
          return Type::boolean();
        } else if constexpr (std::is_same_v<T, ast::RecordLit>) {
          return check_record(e, n);
        } else if constexpr (std::is_same_v<T, ast::BlockExpr>) {
          check_block(n.stmts);
          if (!n.value) return Type::none();
          check_expr(*n.value);
          return n.value->type;
        } else if constexpr (std::is_same_v<T, ast::StrLit>) {
          if (n.value.size() > options_.strlen)
            error(e.range, "String is too long (over " + std::to_string(options_.strlen) +
                               " bytes): " + n.value);
          return Type::string(static_cast<uint32_t>(n.value.size() + 1));
        } else if constexpr (std::is_same_v<T, ast::Builtin>) {
          return check_builtin(e, n);
        } else if constexpr (std::is_same_v<T, ast::Ident>) {
          if (auto it = info_.enum_values.find(n.name); it != info_.enum_values.end()) {
            e.node = ast::IntLit{static_cast<uint64_t>(it->second)};
            return Type::int64();
          }
          if (options_.btf) {
            if (auto v = options_.btf->enum_value(n.name)) {
              // Kernel enum constants are CO-RE relocations (the target's value); the
              // build host's value is the fallback for anonymous enums.
              info_.btf_enums[&e] = {options_.btf->enum_type_of(n.name).value_or(0), *v};
              return Type::int64();
            }
          }
          error(e.range, "Unknown identifier: '" + n.name + "'");
          return Type::int64();
        } else if constexpr (std::is_same_v<T, ast::Positional>) {
          note_positional(n.index, !in_str_call_, e.range);
          return in_str_call_ ? Type::string(options_.strlen) : Type::int64();
        } else if constexpr (std::is_same_v<T, ast::PositionalCount>) {
          return Type::int64();
        } else if constexpr (std::is_same_v<T, ast::Var>) {
          auto it = probe_->vars.find(n.name);
          if (it == probe_->vars.end()) {
            error(e.range, "Undefined or undeclared variable: " + expand::display_name(n.name));
            return Type::int64();
          }
          return it->second;
        } else if constexpr (std::is_same_v<T, ast::MapRef>) {
          return check_map_ref(e, n, /*reading=*/true);
        } else if constexpr (std::is_same_v<T, ast::Call>) {
          return check_call(e, n);
        } else if constexpr (std::is_same_v<T, ast::Binary>) {
          return check_binary(e, n);
        } else if constexpr (std::is_same_v<T, ast::Unary>) {
          check_expr(*n.operand);
          const Type& ot = n.operand->type;
          if (ot.kind == K::None) {
            // A failed operand was reported already; a void call (exit()) was not.
            if (n.operand->template as<ast::Call>())
              error({e.range.begin, e.range.begin + 1},
                    std::string("The ") + ast::unop_text(n.op) +
                        " operator can not be used on expressions of type 'none'");
            return Type::none();
          }
          switch (n.op) {
          case ast::UnOp::Neg:
          case ast::UnOp::BitNot:
          case ast::UnOp::LogNot:
            if (!ot.is_integer() && !(n.op == ast::UnOp::LogNot && ot.is_pointer())) {
              const char* sym = n.op == ast::UnOp::Neg ? "-" : n.op == ast::UnOp::BitNot ? "~" : "!";
              error(e.range, std::string("The ") + sym +
                                 " operator can not be used on expressions of type '" +
                                 ast::type_name(ot) + "'");
              return Type::none();
            }
            // 0.17 computes - and ~ at the operand's width; narrow results widen unsigned
            // (-(uint8)5 == 251, ~(int16)0 == 65535).
            if (n.op == ast::UnOp::LogNot || !ot.is_integer()) return Type::int64();
            if (ot.size < 8) return Type::integer(ot.size, false);
            return Type::integer(8, n.op == ast::UnOp::Neg ? true : ot.is_signed);
          case ast::UnOp::AddrOf:
            return check_address_of(e, *n.operand);
          case ast::UnOp::Deref:
            // 0.17: `*` on an integer reads a uint64 at that address (loads.bt: *kaddr(..)),
            // in the integer's address space; the value read points nowhere known.
            if (ot.is_integer()) return Type::uint64();
            if (!ot.is_pointer() || !ot.pointee) {
              error(e.range, "The dereference operator can not be used on expressions of type '" +
                                 ast::type_name(ot) + "'");
              return Type::none();
            }
            return pointee_value(ot, e.range);
          }
          return Type::int64();
        } else if constexpr (std::is_same_v<T, ast::IncDec>) {
          if (auto* v = n.target->template as<ast::Var>()) {
            auto it = probe_->vars.find(v->name);
            if (it == probe_->vars.end()) {
              error(n.target->range,
                    "Undefined or undeclared variable: " + expand::display_name(v->name));
              return Type::int64();
            }
            if (!it->second.is_integer() && !it->second.is_pointer()) {
              error(e.range, std::string("The ") + (n.increment ? "++" : "--") +
                                 " operator can not be used on expressions of type '" +
                                 ast::type_name(it->second) + "'");
            }
            n.target->type = it->second;
            // A pointer steps by its pointee's size and stays a pointer (0.17).
            if (it->second.is_pointer()) return it->second;
            return Type::integer(8, it->second.is_signed);
          }
          if (n.target->template as<ast::MapRef>()) {
            auto& name = n.target->template as<ast::MapRef>()->name;
            auto st = maps_.find(name);
            if (st != maps_.end() && st->second.has_value && st->second.value.is_pointer()) {
              check_map_ref(*n.target, *n.target->template as<ast::MapRef>(), /*reading=*/true);
              n.target->type = st->second.value;
              return st->second.value;
            }
            if (st != maps_.end() && st->second.has_value && !st->second.value.is_integer()) {
              error(e.range, std::string("The ") + (n.increment ? "++" : "--") +
                                 " operator can not be used on expressions of type '" +
                                 ast::type_name(st->second.value) + "'");
              return Type::int64();
            }
            assign_map(*n.target, Type::int64(), nullptr);
            return Type::int64();
          }
          error(e.range, "The ++ and -- operators can only be used on variables and maps");
          return Type::int64();
        } else if constexpr (std::is_same_v<T, ast::Ternary>) {
          check_expr(*n.cond);
          ++runtime_branches_;
          check_expr(*n.then_expr);
          check_expr(*n.else_expr);
          --runtime_branches_;
          const Type& a = n.then_expr->type;
          const Type& b = n.else_expr->type;
          if (!n.cond->type.is_integer() && !n.cond->type.is_pointer())
            error(n.cond->range, "Invalid condition in ternary: " + type_class(n.cond->type));
          if (a.is_integer() && b.is_integer())
            return Type::integer(8, a.is_signed && b.is_signed).in(a.as == b.as ? a.as : ast::AddrSpace::None);
          if (a.is_string() && b.is_string()) return Type::string(std::max(a.size, b.size));
          if (a.kind == K::None && b.kind == K::None) return Type::none();
          if (ast::same_type(a, b)) return a;
          auto cls = [](const Type& t) {
            return t.is_integer() ? std::string("integer")
                                  : t.is_string() ? std::string("string") : ast::type_name(t);
          };
          error(e.range, "Ternary operator must return the same type: have '" + cls(a) +
                             "' and '" + cls(b) + "'");
          return a;
        } else if constexpr (std::is_same_v<T, ast::FieldAccess>) {
          return check_field(e, n);
        } else if constexpr (std::is_same_v<T, ast::TupleIndex>) {
          check_expr(*n.base);
          const Type& bt = n.base->type;
          if (bt.kind != K::Tuple) {
            error(e.range, "Can not access index '" + std::to_string(n.index) +
                               "' on expression of type '" + ast::type_name(bt) + "'");
            return Type::int64();
          }
          if (n.index >= bt.elems.size()) {
            error(e.range, "Invalid tuple index: " + std::to_string(n.index) + ". Found " +
                               std::to_string(bt.elems.size()) + " elements in tuple.");
            return Type::int64();
          }
          return bt.elems[n.index];
        } else if constexpr (std::is_same_v<T, ast::Index>) {
          check_expr(*n.base);
          check_expr(*n.index);
          const Type& bt = n.base->type;
          if (bt.kind == K::None) {
            if (n.base->template as<ast::Call>()) // a void call (exit()[1]), not yet reported
              error(e.range, "The array index operator [] can only be used on arrays and "
                             "pointers, found none.");
            return Type::none();
          }
          if (bt.kind == K::Tuple) { // 0.2x: $t[1] is $t.1
            auto* lit = n.index->template as<ast::IntLit>();
            if (!lit) {
              error(n.index->range, "a tuple is indexed with an integer literal only");
              return Type::none();
            }
            ast::ExprPtr base = std::move(n.base);
            e.node = ast::TupleIndex{std::move(base), static_cast<uint32_t>(lit->value)};
            check_expr(e);
            return e.type;
          }
          if (bt.is_string()) { // 0.2x: a character of a string, as an int8
            auto* lit = n.index->template as<ast::IntLit>();
            if (!lit) {
              error(n.index->range, "a string is indexed with an integer literal only");
              return Type::integer(1, true);
            }
            if (lit->value >= bt.size)
              error(n.index->range, "the index " + std::to_string(lit->value) +
                                        " is out of bounds for a string of " +
                                        std::to_string(bt.size) + " bytes");
            return Type::integer(1, true);
          }
          if ((bt.kind != K::Array && bt.kind != K::Pointer) || !bt.pointee) {
            error(e.range, "The array index operator [] can only be used on arrays and pointers, "
                           "found " + type_class(bt) + ".");
            return Type::none();
          }
          if (bt.is_pointer() && bt.pointee->size == 0) {
            error(e.range, "The array index operator [] cannot be used on a pointer to an "
                           "unsized type (void *).");
            return Type::none();
          }
          auto* lit = n.index->template as<ast::IntLit>();
          bool positional = n.index->template as<ast::Positional>() != nullptr;
          // p[$N]: the element is found when the tool runs ($N is only known then).
          if (bt.is_pointer() && positional) return pointee_value(bt, e.range);
          if (!lit && positional) {
            error(e.range, "btc takes a positional parameter as an index of pointers only: an "
                           "array's bounds are checked when compiling, before $N is known");
            return bt.pointee->in(bt.as);
          }
          if (!lit) {
            error(e.range, "The array index operator [] only accepts literal integer indices.");
            return bt.pointee->in(bt.as);
          }
          if (bt.is_pointer()) return pointee_value(bt, e.range); // p[i] is *(p + i)
          if (lit->value >= bt.count)
            error(n.index->range, "the index " + std::to_string(lit->value) +
                                      " is out of bounds for array of size " +
                                      std::to_string(bt.count));
          return bt.pointee->in(bt.as);
        } else if constexpr (std::is_same_v<T, ast::Cast>) {
          return check_cast(e, n);
        } else if constexpr (std::is_same_v<T, ast::Tuple>) {
          Type out;
          out.kind = K::Tuple;
          for (auto& el : n.elems) {
            check_expr(*el);
            if (el->type.kind == K::None || el->type.is_aggregation())
              error(el->range, "Invalid value of type " + ast::type_name(el->type) +
                                   " in a tuple");
            out.elems.push_back(el->type);
          }
          return storage_type(out);
        } else if constexpr (std::is_same_v<T, ast::Sizeof>) {
          uint64_t size = 0;
          if (auto* tn = std::get_if<ast::TypeName>(&n.arg)) {
            auto rt = resolve_type_name(*tn);
            if (!rt && is_enum_constant(*tn)) rt = Type::int64(); // sizeof(BTF_KIND_INT): 8
            if (!rt) {
              error(tn->range, "Unknown type: " + tn->name);
              return Type::uint64();
            }
            size = rt->size;
          } else {
            auto& ex = std::get<ast::ExprPtr>(n.arg);
            check_expr(*ex);
            size = ex->type.size;
          }
          // Fold only in the reporting walk: folding in the first walk would hide errors
          // inside the operand from the second.
          if (reporting_) e.node = ast::IntLit{size};
          return Type::uint64();
        } else if constexpr (std::is_same_v<T, ast::Offsetof>) {
          return check_offsetof(e, n);
        }
      },
      e.node);
  e.type = std::move(t);
}

// The value `*p` (or `p[i]`) of pointer type `p`: it lives where the pointer points, and so does
// what it points to in turn: `**(int32 **)arg0` reads both levels from the traced process.
Type Checker::pointee_value(const Type& p, source::SourceRange r) {
  if (p.pointee->kind == ast::TypeKind::Record) {
    // A record (copied out when used as a value) with its fields resolved.
    Type rec = *p.pointee;
    if (rec.btf_id == 0 && rec.fields.empty())
      if (auto full = resolve_local_record(rec)) rec = *full;
    if (rec.btf_id != 0 && rec.fields.empty() && options_.btf)
      rec = options_.btf->expand_record(rec.btf_id);
    rec.context = p.context;
    return rec.in(p.as);
  }
  if (!p.pointee->is_integer() && !p.pointee->is_pointer()) {
    error(r, "Dereferencing a pointer to " + ast::type_name(*p.pointee) +
                 " is not supported yet by btc");
    return Type::int64();
  }
  return p.pointee->in(p.as);
}

// A bare name that is no type but an enum constant of the preamble or the kernel (the parser
// cannot tell `sizeof(BTF_KIND_INT)` from `sizeof(u32)`).
bool Checker::is_enum_constant(const ast::TypeName& tn) const {
  if (tn.tag != ast::TypeName::Tag::None || tn.pointer_depth != 0 || tn.array_size) return false;
  return info_.enum_values.count(tn.name) || (options_.btf && options_.btf->enum_value(tn.name));
}

Type Checker::check_map_ref(ast::Expr& e, ast::MapRef& m, bool reading) {
  for (auto& k : m.keys) check_expr(*k);
  // A key component's label when the map is served as metrics: its builtin's name, or its
  // field's name in a record (a record key is flattened into TupleIndex keys below, which a
  // later pass over the same tree sees).
  auto label_of = [](const ast::Expr& k) {
    if (const auto* b = k.as<ast::Builtin>()) return b->name;
    const auto* ti = k.as<ast::TupleIndex>();
    if (ti && ti->index < ti->base->type.elem_names.size())
      return ti->base->type.elem_names[ti->index];
    return std::string();
  };
  std::vector<std::string> labels;
  // 0.2x: a tuple key is the map's keys: @m[$t] with $t = (a, b) is @m[a, b].
  if (m.keys.size() == 1 && m.keys[0]->type.kind == ast::TypeKind::Tuple &&
      !m.keys[0]->type.elems.empty()) {
    ast::ExprPtr key = std::move(m.keys[0]);
    m.keys.clear();
    labels = key->type.elem_names; // a record: its field names
    labels.resize(key->type.elems.size());
    if (auto* t = key->as<ast::Tuple>()) {
      for (size_t i = 0; i < t->elems.size(); ++i) {
        if (labels[i].empty()) labels[i] = label_of(*t->elems[i]);
        m.keys.push_back(std::move(t->elems[i]));
      }
    } else {
      for (uint32_t i = 0; i < key->type.elems.size(); ++i) {
        auto el = std::make_unique<ast::Expr>();
        el->node = ast::TupleIndex{ast::clone(*key), i};
        el->range = key->range;
        check_expr(*el);
        m.keys.push_back(std::move(el));
      }
    }
  }
  if (labels.empty())
    for (const auto& k : m.keys) labels.push_back(label_of(*k));
  auto& st = maps_[m.name];
  auto& mi = map_info(m.name, e.range);
  (void)mi;
  if (reading && !assigned_maps_.count(m.name)) error(e.range, "Undefined map: " + m.name);
  std::vector<Type> keys;
  for (auto& k : m.keys) {
    if (k->type.kind == ast::TypeKind::Tuple) {
      error(k->range, "tuple cannot be used as a map key. Try a multi-key associative array "
                      "instead (eg `@map[$1, $2] = ...)`.");
    } else if (k->type.kind == ast::TypeKind::None || k->type.is_aggregation()) {
      error(k->range, "Invalid map key of type " + ast::type_name(k->type));
    }
    // 0.17 stores integer keys as unsigned 64-bit (they sort that way; printed signed).
    Type kt = storage_type(k->type);
    if (kt.is_integer()) kt.is_signed = false;
    keys.push_back(kt);
  }
  if (!st.has_keys) {
    st.keys = keys;
    st.key_labels = labels;
    st.has_keys = true;
  } else {
    for (size_t i = 0; i < st.key_labels.size() && i < labels.size(); ++i)
      if (st.key_labels[i] != labels[i]) st.key_labels[i].clear();
    bool ok = st.keys.size() == keys.size();
    for (size_t i = 0; ok && i < keys.size(); ++i) {
      ok = ast::same_type(st.keys[i], keys[i]) ||
           (st.keys[i].is_integer() && keys[i].is_integer());
      if (ok && keys[i].is_string()) st.keys[i].size = std::max(st.keys[i].size, keys[i].size);
    }
    if (!ok) {
      auto list = [](const std::vector<Type>& ts) {
        std::string s = "[";
        for (size_t i = 0; i < ts.size(); ++i) s += (i ? ", " : "") + ast::type_name(ts[i]);
        return s + "]";
      };
      error(e.range, "Argument mismatch for " + m.name + ": trying to access with arguments: " +
                         list(keys) + " when map expects arguments: " + list(st.keys));
    }
  }
  if (st.has_value) return st.value;
  return Type::int64();
}

namespace {
// Tuples and records (0.26) compare with == / != element by element: the same number of
// elements (records: the same field names), each pair comparable as the operators compare
// them alone (integers, strings, buffers, integer arrays, tuples), or of one type.
bool tuples_comparable(const Type& l, const Type& r) {
  if (l.elems.size() != r.elems.size() || l.elem_names != r.elem_names) return false;
  for (size_t i = 0; i < l.elems.size(); ++i) {
    const Type& a = l.elems[i];
    const Type& b = r.elems[i];
    using K = ast::TypeKind;
    bool ok = (a.is_integer() && b.is_integer()) || (a.is_string() && b.is_string()) ||
              (a.kind == K::Buffer && b.kind == K::Buffer) ||
              (a.kind == K::Tuple && b.kind == K::Tuple && tuples_comparable(a, b)) ||
              (a.kind != K::Tuple && ast::same_type(a, b));
    if (!ok) return false;
  }
  return true;
}
} // namespace

Type Checker::check_binary(ast::Expr& e, ast::Binary& b) {
  check_expr(*b.lhs);
  check_expr(*b.rhs);
  const Type& l = b.lhs->type;
  const Type& r = b.rhs->type;
  auto mismatch = [&]() {
    error(e.range, "Type mismatch for '" + op_text(b.op) + "': comparing '" + ast::type_name(l) +
                       "' with '" + ast::type_name(r) + "'");
    return Type::int64();
  };
  if (l.kind == ast::TypeKind::None || r.kind == ast::TypeKind::None) {
    // An operand that failed was reported already; a void call (exit(), print()) was not.
    if ((l.kind == ast::TypeKind::None && b.lhs->as<ast::Call>()) ||
        (r.kind == ast::TypeKind::None && b.rhs->as<ast::Call>()))
      mismatch();
    return Type::none();
  }
  if (l.kind == ast::TypeKind::Tuple && r.kind == ast::TypeKind::Tuple &&
      (b.op == ast::BinOp::Eq || b.op == ast::BinOp::Ne) && fold_comparison(e, b))
    return Type::int64(); // typeinfo($a) == typeinfo(1): decided when compiling
  bool li = l.is_integer(), ri = r.is_integer();
  // 0.17: the result points where the operands point; operands that disagree give None.
  ast::AddrSpace as = l.as == ast::AddrSpace::None ? r.as
                      : r.as == ast::AddrSpace::None || r.as == l.as ? l.as
                                                                      : ast::AddrSpace::None;
  switch (b.op) {
  case ast::BinOp::Eq:
  case ast::BinOp::Ne:
    if (l.is_string() && r.is_string()) return Type::int64();
    // Buffers compare like strings over their bytes (length first), as 0.17 does.
    if (l.kind == ast::TypeKind::Buffer && r.kind == ast::TypeKind::Buffer) return Type::int64();
    if (l.kind == ast::TypeKind::Tuple && r.kind == ast::TypeKind::Tuple && tuples_comparable(l, r))
      return Type::int64();
    // 0.17 compares integer arrays element by element.
    if (l.kind == ast::TypeKind::Array && r.kind == ast::TypeKind::Array && l.size == r.size &&
        l.pointee && r.pointee && l.pointee->is_integer() && r.pointee->is_integer())
      return Type::int64();
    [[fallthrough]];
  case ast::BinOp::Lt: case ast::BinOp::Le: case ast::BinOp::Gt: case ast::BinOp::Ge:
    if ((li || l.is_pointer()) && (ri || r.is_pointer())) return Type::int64();
    return mismatch();
  case ast::BinOp::LogAnd:
  case ast::BinOp::LogOr:
    if (li && ri) return Type::int64();
    error(e.range, "The " + op_text(b.op) + " operator can not be used on expressions of types " +
                       ast::type_name(l) + ", " + ast::type_name(r));
    return Type::int64();
  case ast::BinOp::Add:
  case ast::BinOp::Sub:
    if (l.is_pointer() && ri) return l;
    if (li && r.is_pointer() && b.op == ast::BinOp::Add) return r;
    // C's pointer difference, in elements (0.17 rejects it; see docs/compat.md).
    if (l.is_pointer() && r.is_pointer() && b.op == ast::BinOp::Sub && l.pointee && r.pointee &&
        ast::same_type(*l.pointee, *r.pointee) && l.pointee->size != 0)
      return Type::int64();
    [[fallthrough]];
  case ast::BinOp::Mul: case ast::BinOp::Div: case ast::BinOp::Mod: case ast::BinOp::Shl:
  case ast::BinOp::Shr: case ast::BinOp::BitAnd: case ast::BinOp::BitOr:
  case ast::BinOp::BitXor:
    if (l.is_pointer() || r.is_pointer()) {
      error(e.range, "The " + op_text(b.op) + " operator can not be used on expressions of "
                                               "types " + ast::type_name(l) + ", " +
                         ast::type_name(r));
      return Type::none();
    }
    if (li && ri) {
      if ((b.op == ast::BinOp::Div || b.op == ast::BinOp::Mod) && l.is_signed && r.is_signed)
        warning(e.range, "signed operands for '" + op_text(b.op) +
                             "' can lead to undefined behavior (cast to unsigned to silence "
                             "warning)");
      return Type::integer(8, l.is_signed && r.is_signed).in(as);
    }
    return mismatch();
  }
  return mismatch();
}

} // namespace btc::sema
