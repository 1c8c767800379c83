// check_call.cpp: type rules of builtin functions and aggregations (spec 7.1, 7.2), and the
// events they emit (printf/print/time/exit/clear/zero become ring-buffer records).
//
// Example: `printf("%d %s\n", pid, comm)` -> event {Printf, "%d %s\n", args [uint64 @0,
// string[16] @8], payload 24}.
#include "builtins/printf_format.h"
#include "sema/checker.h"

namespace btc::sema {

using builtins::ConvClass;
using builtins::parse_format;

namespace {
std::string arg_count_text(size_t n) {
  if (n == 0) return "no arguments";
  if (n == 1) return "one argument";
  return std::to_string(n) + " arguments";
}
std::string value_class(const Type& t) {
  if (t.is_integer()) return "integer";
  if (t.is_string()) return "string";
  return ast::type_name(t);
}
bool string_like(const Type& t) {
  switch (t.kind) {
  case ast::TypeKind::String: case ast::TypeKind::Ksym: case ast::TypeKind::Usym:
  case ast::TypeKind::Probe: case ast::TypeKind::Username: case ast::TypeKind::Kstack:
  case ast::TypeKind::Ustack: case ast::TypeKind::Inet: case ast::TypeKind::Timestamp:
  case ast::TypeKind::MacAddr: case ast::TypeKind::CgroupPath: case ast::TypeKind::Strerror:
    return true;
  default:
    return false;
  }
}
} // namespace

uint32_t Checker::add_event(abi::EventKind kind, std::string format, std::vector<Type> args,
                            source::SourceRange range, uint32_t map) {
  EventInfo ev;
  ev.kind = kind;
  ev.format = std::move(format);
  ev.range = range;
  ev.map = map;
  uint32_t off = 0;
  for (auto& a : args) {
    Type s = storage_type(a);
    ev.arg_offsets.push_back(off);
    off += align8(s.size);
    ev.arg_types.push_back(std::move(s));
  }
  ev.payload_size = off;
  info_.events.push_back(std::move(ev));
  info_.needs_ringbuf = true;
  return static_cast<uint32_t>(info_.events.size() - 1);
}

std::optional<uint32_t> Checker::map_arg(ast::Expr& arg, const char* fn, bool allow_key) {
  auto* m = arg.as<ast::MapRef>();
  if (!m) {
    error(arg.range, std::string(fn) + "() expects a map to be provided");
    return std::nullopt;
  }
  if (!allow_key && !m->keys.empty()) {
    error(arg.range, std::string("The map passed to ") + fn + "() should not be indexed by a key");
    return std::nullopt;
  }
  // The whole map is named: no key check.
  map_info(m->name, arg.range);
  if (!assigned_maps_.count(m->name)) error(arg.range, "Undefined map: " + m->name);
  auto st = maps_.find(m->name);
  if (st != maps_.end() && st->second.has_value) arg.type = st->second.value;
  return map_id(m->name);
}

void Checker::check_printf_args(ast::Expr& e, ast::Call& c, size_t first_arg,
                                abi::EventKind kind) {
  const char* fn = kind == abi::EventKind::Printf ? "printf" : c.name.c_str();
  auto* fmt_lit = c.args.empty() ? nullptr : c.args[0]->as<ast::StrLit>();
  if (!fmt_lit) {
    if (!c.args.empty()) check_expr(*c.args[0]);
    error(e.range, std::string(fn) + "() expects a string literal (" +
                       (c.args.empty() ? std::string("none") : value_class(c.args[0]->type)) +
                       " provided)" + (c.args.empty() ? "" : needed_when_compiling(*c.args[0])));
    return;
  }
  c.args[0]->type = Type::string(static_cast<uint32_t>(fmt_lit->value.size() + 1));
  std::vector<Type> arg_types;
  size_t errors_before = diags_.error_count();
  for (size_t i = first_arg; i < c.args.size(); ++i) {
    check_expr(*c.args[i]);
    arg_types.push_back(c.args[i]->type);
  }
  if (diags_.error_count() != errors_before) return; // don't pile type errors on broken arguments
  std::string err;
  auto convs = parse_format(fmt_lit->value, err);
  if (!convs) {
    error(e.range, std::string(fn) + ": " + err);
    return;
  }
  size_t supplied = arg_types.size();
  if (supplied < convs->size()) {
    error(e.range, std::string(fn) + ": Not enough arguments for format string (" +
                       std::to_string(supplied) + " supplied, " + std::to_string(convs->size()) +
                       " expected)");
    return;
  }
  if (supplied > convs->size()) {
    error(e.range, std::string(fn) + ": Too many arguments for format string (" +
                       std::to_string(supplied) + " supplied, " + std::to_string(convs->size()) +
                       " expected)");
    return;
  }
  for (size_t i = 0; i < convs->size(); ++i) {
    const Type& t = arg_types[i];
    const auto& conv = (*convs)[i];
    std::string spec = conv.spec.substr(conv.spec.size() - 1);
    bool ok = true;
    std::string want;
    switch (conv.cls) {
    case ConvClass::String:
      ok = string_like(t);
      want = "string";
      break;
    case ConvClass::Integer:
    case ConvClass::Char:
      ok = t.is_integer() || t.is_pointer();
      want = "integer";
      break;
    case ConvClass::Buffer:
      ok = t.kind == ast::TypeKind::Buffer;
      want = "buffer";
      break;
    }
    if (t.kind == ast::TypeKind::None || t.is_aggregation()) ok = false;
    if (!ok) {
      error(e.range, std::string(fn) + ": %" + spec + " specifier expects a value of type " +
                         want + " (" + value_class(t) + " supplied)");
      return;
    }
  }
  info_.call_event[&e] = add_event(kind, fmt_lit->value, std::move(arg_types), e.range);
}

Type Checker::check_call(ast::Expr& e, ast::Call& c) {
  const auto* d = builtins::find_function(c.name);
  if (!d) {
    auto range = c.name_range.end > c.name_range.begin ? c.name_range : e.range;
    if (auto why = builtins::refused_function(c.name))
      error(range, c.name + "() is not supported by btc: " + std::string(*why));
    else
      error(range, "Unknown function: " + c.name);
    for (auto& a : c.args) check_expr(*a);
    return Type::none();
  }
  c.desc = d;
  if (d->aggregation()) {
    error(e.range, c.name + "() should be directly assigned to a map");
    return check_aggregation(e, c, *d);
  }
  size_t n = c.args.size();
  if (n < d->min_args || n > d->max_args) {
    std::string provided = " (" + std::to_string(n) + " provided)";
    if (d->min_args == d->max_args)
      error(e.range, c.name + "() requires " + arg_count_text(d->min_args) + provided);
    else if (n < d->min_args)
      error(e.range, c.name + "() requires at least " + arg_count_text(d->min_args) + provided);
    else
      error(e.range, c.name + "() takes up to " + std::to_string(d->max_args) + " arguments" +
                         provided);
    return Type::none();
  }
  if (d->unsafe && !options_.unsafe) {
    error(e.range, c.name + "() is an unsafe function being used in safe mode");
    return Type::none();
  }
  return std::visit(
      builtins::Overloaded{
          [&](builtins::CallFn f) { return check_call_fn(e, c, f); },
          [&](builtins::ValueFn f) { return check_function(e, c, *d, f); },
          [&](builtins::AggFn) -> Type { BTC_UNREACHABLE("aggregations are checked above"); }},
      d->id);
}

// printf, print, time, exit, str, delete, clear, zero, sizeof, bswap, strncmp.
Type Checker::check_call_fn(ast::Expr& e, ast::Call& c, builtins::CallFn f) {
  using builtins::CallFn;
  switch (f) {
  case CallFn::Printf:
    check_printf_args(e, c, 1, abi::EventKind::Printf);
    probes::provider(probe_->kind).check_printf(*this, e, c);
    return Type::none();
  case CallFn::Print: {
    auto* m = c.args[0]->as<ast::MapRef>();
    if (m && m->keys.empty()) {
      auto id = map_arg(*c.args[0], "print", false);
      for (size_t i = 1; i < c.args.size(); ++i) {
        check_expr(*c.args[i]);
        if (!c.args[i]->type.is_integer())
          error(c.args[i]->range, "print() expects an integer for its top/div arguments");
      }
      if (id) {
        info_.call_event[&e] = add_event(abi::EventKind::PrintMap, "",
                                         {Type::uint64(), Type::uint64()}, e.range, *id);
      }
      return Type::none();
    }
    if (c.args.size() > 1) {
      error(e.range, "Non-map print() only takes 1 argument, " + std::to_string(c.args.size()) +
                         " found");
      return Type::none();
    }
    size_t errors_before = diags_.error_count();
    check_expr(*c.args[0]);
    const Type& t = c.args[0]->type;
    if (diags_.error_count() != errors_before) return Type::none();
    if (t.kind == ast::TypeKind::None || t.is_pointer()) { // 0.17 prints no pointers
      error(e.range, ast::type_name(t) + " type passed to print() is not printable");
      return Type::none();
    }
    if (t.is_aggregation() || t.kind == ast::TypeKind::Ctx) {
      error(e.range, "print() cannot print a value of type " + ast::type_name(t));
      return Type::none();
    }
    info_.call_event[&e] = add_event(abi::EventKind::Print, "", {t}, e.range);
    return Type::none();
  }
  case CallFn::Time: {
    std::string fmt = "%H:%M:%S\n";
    if (!c.args.empty()) {
      auto text = literal_text(*c.args[0]);
      if (!text) {
        error(e.range, "time() expects a string literal (" + value_class(c.args[0]->type) +
                           " provided)");
        return Type::none();
      }
      fmt = *text;
    }
    info_.call_event[&e] = add_event(abi::EventKind::Time, fmt, {}, e.range);
    return Type::none();
  }
  case CallFn::Exit: {
    // 0.2x: exit(code) is the tool's exit status.
    std::vector<Type> args;
    if (!c.args.empty()) {
      check_expr(*c.args[0]);
      if (!c.args[0]->type.is_integer())
        error(c.args[0]->range, "exit() expects an integer exit status (" +
                                    value_class_of(c.args[0]->type) + " provided)");
      args.push_back(Type::int64());
    }
    info_.call_event[&e] = add_event(abi::EventKind::Exit, "", args, e.range);
    return Type::none();
  }
  case CallFn::Str: {
    auto& arg = *c.args[0];
    // str($1) and str($1 + k) read positional parameters as text.
    ast::Binary* bin = arg.as<ast::Binary>();
    if (arg.as<ast::Positional>() ||
        (bin && bin->op == ast::BinOp::Add && bin->lhs->as<ast::Positional>())) {
      in_str_call_ = true;
      if (bin) {
        check_expr(*bin->lhs);
        in_str_call_ = false;
        check_expr(*bin->rhs);
        if (!bin->rhs->as<ast::IntLit>())
          error(bin->rhs->range, "str($N + k) needs a literal integer k");
        arg.type = Type::string(options_.strlen);
      } else {
        check_expr(arg);
      }
      in_str_call_ = false;
    } else {
      check_expr(arg);
    }
    if (c.args.size() == 2) {
      check_expr(*c.args[1]);
      if (!c.args[1]->type.is_integer())
        error(c.args[1]->range, "str() expects an integer length");
      else if (auto* lit = c.args[1]->as<ast::IntLit>(); lit && static_cast<int64_t>(lit->value) < 0)
        error(e.range, "str() cannot use negative length (" +
                           std::to_string(static_cast<int64_t>(lit->value)) + ")");
    }
    const Type& t = arg.type;
    if (t.is_string() && (arg.as<ast::Positional>() || bin)) return Type::string(options_.strlen);
    if (!t.is_integer() && !t.is_pointer()) {
      error(e.range, "str() expects an integer or a pointer type as first argument (" +
                         ast::type_name(t) + " provided)");
    }
    return Type::string(options_.strlen);
  }
  case CallFn::Delete:
  case CallFn::HasKey: {
    // 0.2x: delete(@m, key) / has_key(@m, key) name the entry as @m[key] does.
    const char* fn = f == CallFn::Delete ? "delete" : "has_key";
    auto* m = c.args[0]->as<ast::MapRef>();
    if (!m || c.args.size() == 2) { // the expand phase made delete(@m, k) delete(@m[k])
      check_expr(*c.args[0]);
      error(e.range, std::string(fn) + "() expects a map to be provided");
      return Type::boolean();
    }
    check_map_ref(*c.args[0], *m, true);
    if (f == CallFn::HasKey && m->keys.empty())
      error(e.range, "has_key() expects a map with keys (@m[k]); @m has none");
    return Type::boolean();
  }
  case CallFn::Clear:
  case CallFn::Zero: {
    bool clear = f == CallFn::Clear;
    auto id = map_arg(*c.args[0], clear ? "clear" : "zero", false);
    if (id)
      info_.call_event[&e] = add_event(clear ? abi::EventKind::Clear : abi::EventKind::Zero, "",
                                       {}, e.range, *id);
    return Type::none();
  }
  case CallFn::Sizeof:
    // The parser builds ast::Sizeof nodes; a call spelled sizeof(...) lands here only for
    // forms it could not classify.
    for (auto& a : c.args) check_expr(*a);
    if (reporting_) e.node = ast::IntLit{c.args[0]->type.size};
    return Type::uint64();
  case CallFn::Bswap: {
    check_expr(*c.args[0]);
    const Type& t = c.args[0]->type;
    if (!t.is_integer()) {
      error(e.range, "bswap() only supports integer arguments (" + value_class(t) + " provided)");
      return Type::uint64();
    }
    return Type::integer(t.size, false);
  }
  case CallFn::Strncmp: {
    for (auto& a : c.args) check_expr(*a);
    if (!c.args[0]->type.is_string() || !c.args[1]->type.is_string()) {
      error(e.range, "strncmp() expects two strings and a length");
      return Type::uint64();
    }
    // The length: a literal, or a positional parameter read when the tool starts.
    if (c.args[2]->as<ast::Positional>()) return Type::uint64();
    auto* n = c.args[2]->as<ast::IntLit>();
    if (!n) {
      error(e.range, "strncmp() expects a integer literal (" + value_class(c.args[2]->type) +
                         " provided)");
      return Type::uint64();
    }
    if (static_cast<int64_t>(n->value) < 0)
      error(e.range, "Builtin strncmp requires a non-negative size");
    return Type::uint64();
  }
  }
  BTC_UNREACHABLE("function without a type rule");
}

Type Checker::check_aggregation(ast::Expr& e, ast::Call& c, const builtins::FuncDesc& d) {
  size_t n = c.args.size();
  if (n < d.min_args || n > d.max_args) {
    error(e.range, c.name + "() requires " + arg_count_text(d.min_args) + " (" +
                       std::to_string(n) + " provided)");
    return Type::simple(ast::TypeKind::Count, 8);
  }
  for (auto& a : c.args) check_expr(*a);
  auto need_int = [&]() {
    if (n >= 1 && !c.args[0]->type.is_integer()) {
      error(e.range, c.name + "() only supports integer arguments (" +
                         value_class(c.args[0]->type) + " provided)");
    }
  };
  using builtins::AggFn;
  using K = ast::TypeKind;
  Type t;
  // One kind of aggregation value per function, numbered alike.
  auto with_arg = [&](K k) {
    need_int();
    t = Type::simple(k, 8);
    t.is_signed = c.args[0]->type.is_signed;
    return t;
  };
  // clang-format off
  switch (std::get<AggFn>(d.id)) {
  case AggFn::Count: return Type::simple(K::Count, 8);
  case AggFn::Sum: return with_arg(K::Sum);
  case AggFn::Min: return with_arg(K::Min);
  case AggFn::Max: return with_arg(K::Max);
  case AggFn::Avg: return with_arg(K::Avg);
  case AggFn::Stats: return with_arg(K::Stats);
  case AggFn::Hist: return with_arg(K::Hist);
  // clang-format on
  case AggFn::Lhist: {
    need_int();
    int64_t v[3] = {0, 0, 0};
    for (int i = 0; i < 3; ++i) {
      auto* lit = c.args[i + 1]->as<ast::IntLit>();
      if (!lit) {
        error(e.range, "lhist() expects a integer literal (" +
                           value_class(c.args[i + 1]->type) + " provided)" +
                           needed_when_compiling(*c.args[i + 1]));
        return Type::simple(K::Lhist, 8);
      }
      v[i] = static_cast<int64_t>(lit->value);
    }
    int64_t mn = v[0], mx = v[1], step = v[2];
    // Independent checks, as 0.17 reports them (min > max also trips the step check).
    if (mn < 0)
      error(e.range, "lhist() min must be non-negative (provided min " + std::to_string(mn) + ")");
    if (mn > mx)
      error(e.range, "lhist() min must be less than max (provided min " + std::to_string(mn) +
                         " and max " + std::to_string(mx) + ")");
    if (step < 1) {
      error(e.range, "lhist() step must be >= 1 (" + std::to_string(step) + " provided)");
    } else if (step > mx - mn) {
      error(e.range, "lhist() step is too large for the given range (provided step " +
                         std::to_string(step) + " for range " + std::to_string(mx - mn) + ")");
    } else if ((mx - mn) / step > 1000) {
      error(e.range, "lhist() too many buckets, must be <= 1000 (would need " +
                         std::to_string((mx - mn) / step) + ")");
    }
    t = Type::simple(K::Lhist, 8);
    t.lhist_min = mn;
    t.lhist_max = mx;
    t.lhist_step = step < 1 ? 1 : step;
    return t;
  }
  case AggFn::Tseries:
    return check_tseries(e, c);
  }
  BTC_UNREACHABLE("aggregation without a type rule");
}

} // namespace btc::sema
