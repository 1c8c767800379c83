// check_modern.cpp: sema for the statements and values bpftrace 0.2x added: `let`
// declarations (typed or not), `for` over a map, record literals and `&`.
//
// Input: nodes the expand phase left (let names are block-unique, range loops are gone).
// Output: variable types in ProbeInfo::vars, expression types.
// Example: `let $x: uint8 = 7;` (after expand: `let $x#1: uint8; $x#1 = 7;`) makes $x#1 an
// unsigned 8-bit variable; the assignment then stores 7 into it.
#include "sema/checker.h"

#include "ast/printer.h"

#include <algorithm>

namespace btc::sema {

void Checker::check_let(ast::LetStmt& l) {
  lets_.push_back(&l);
  if (!l.type) return; // typed by its first assignment, as 0.17 variables are
  auto t = resolve_type_name(*l.type);
  if (!t) {
    error(l.type->range, "Unknown type: " + ast::type_name_text(*l.type));
    return;
  }
  if (t->kind == ast::TypeKind::Record) {
    error(l.type->range, "a variable cannot hold a whole struct; declare a pointer to it");
    return;
  }
  probe_->vars[l.name] = *t;
  if (l.value) {
    check_expr(*l.value);
  }
}

// for ($kv : @m): $kv is (key, value), the key a tuple of the keys when the map has several.
// The body runs in a BPF callback (bpf_for_each_map_elem), so the map must hold plain values:
// an aggregation's per-CPU values would be this CPU's only.
// `let @m = lruhash(N);`: the BPF map type and size of @m. Aggregations keep their per-CPU
// values, so they take the per-CPU kinds; plain values the others.
void Checker::apply_map_decls() {
  for (const auto& d : program_.map_decls) {
    auto it = std::find_if(info_.maps.begin(), info_.maps.end(),
                           [&](const MapInfo& m) { return m.name == d.name; });
    if (it == info_.maps.end()) {
      warning(d.range, "map " + d.name + " is declared but never used");
      continue;
    }
    if (d.max_entries == 0 || d.max_entries > UINT32_MAX) {
      error(d.range, "the maximum number of entries of " + d.name + " must be between 1 and " +
                         std::to_string(UINT32_MAX));
      continue;
    }
    bool percpu = it->percpu || it->is_array;
    uint32_t type = 0;
    bool wants_percpu = false;
    if (d.kind == "hash")
      type = builtins::kMapHash;
    else if (d.kind == "lruhash")
      type = builtins::kMapLruHash;
    else if (d.kind == "percpuhash")
      type = builtins::kMapPercpuHash, wants_percpu = true;
    else if (d.kind == "percpulruhash")
      type = builtins::kMapLruPercpuHash, wants_percpu = true;
    else {
      error(d.kind_range, "unknown map type '" + d.kind +
                              "' (hash, lruhash, percpuhash, "
                              "percpulruhash)");
      continue;
    }
    if (it->is_array) {
      error(d.range, d.name +
                         " holds a scalar aggregation (one per-CPU value without keys); "
                         "it cannot be a " +
                         d.kind);
      continue;
    }
    if (wants_percpu != percpu) {
      error(d.kind_range, wants_percpu
                              ? d.name + " holds plain values, not an aggregation: declare it "
                                         "hash or lruhash"
                              : d.name + " holds an aggregation, whose values are per CPU: "
                                         "declare it percpuhash or percpulruhash");
      continue;
    }
    it->decl_bpf_type = type;
    it->decl_max_entries = static_cast<uint32_t>(d.max_entries);
  }
}

void Checker::check_for(ast::ForStmt& f) {
  auto& m = *f.map->as<ast::MapRef>();
  map_info(m.name, f.map->range);
  if (!assigned_maps_.count(m.name)) error(f.map->range, "Undefined map: " + m.name);
  Type kv;
  kv.kind = ast::TypeKind::Tuple;
  auto st = maps_.find(m.name);
  if (st != maps_.end() && st->second.has_value) {
    const auto& keys = st->second.keys;
    if (keys.empty())
      error(f.map->range, "for loops iterate over maps with keys; " + m.name + " has none");
    // count/sum/min/max/avg values are summed over the CPUs in the loop, as 0.26 does; the
    // other aggregations cannot be one number.
    Type value = st->second.value;
    switch (value.kind) {
    case ast::TypeKind::Count:
      value = Type::uint64();
      break;
    case ast::TypeKind::Sum:
    case ast::TypeKind::Min:
    case ast::TypeKind::Max:
    case ast::TypeKind::Avg:
      value = Type::integer(8, value.is_signed);
      break;
    default:
      if (value.is_aggregation())
        error(f.map->range, "for loops over " + ast::type_name(value) +
                                "() maps are not supported: their values are not one number");
      break;
    }
    Type key;
    if (keys.size() == 1) {
      key = keys[0];
    } else {
      key.kind = ast::TypeKind::Tuple;
      key.elems = keys;
      key = storage_type(key);
    }
    kv.elems = {key, value};
    kv = storage_type(kv);
  } else {
    kv.elems = {Type::int64(), Type::int64()};
    kv = storage_type(kv);
  }
  f.map->type = kv;
  probe_->vars[f.var] = kv;
  ++loop_depth_;
  ++for_depth_;
  check_block(f.body);
  --for_depth_;
  --loop_depth_;
}

// (name = "x", size = 2): laid out as the tuple ("x", 2), printed with the field names.
Type Checker::check_record(ast::Expr& e, ast::RecordLit& r) {
  Type out;
  out.kind = ast::TypeKind::Tuple;
  for (auto& v : r.values) {
    check_expr(*v);
    if (v->type.kind == ast::TypeKind::None || v->type.is_aggregation())
      error(v->range, "Invalid value of type " + ast::type_name(v->type) + " in a record");
    out.elems.push_back(v->type);
  }
  out.elem_names = r.names;
  return storage_type(out);
}

// &$x: a pointer to the variable (BPF stack memory, read like kernel memory); &p->f / &p.f:
// a pointer to the field, in the memory its record lives in.
Type Checker::check_address_of(ast::Expr& e, ast::Expr& operand) {
  const Type& t = operand.type;
  auto pointer_to = [&](const Type& target, ast::AddrSpace as) {
    Type p = Type::simple(ast::TypeKind::Pointer, 8);
    p.pointee = std::make_shared<Type>(target);
    p.as = as;
    return p;
  };
  if (operand.as<ast::Var>() && t.kind != ast::TypeKind::None)
    return pointer_to(t, ast::AddrSpace::Kernel);
  if (auto* f = operand.as<ast::FieldAccess>()) {
    bool local = info_.local_field_offsets.count(&operand) > 0;
    bool btf = info_.field_paths.count(&operand) > 0;
    bool bitfield = info_.local_bitfields.count(&operand) > 0 ||
                    (btf && info_.field_paths.at(&operand).bitfield_size != 0);
    if ((local || btf) && !bitfield && !f->base->type.context &&
        f->base->type.kind != ast::TypeKind::Ctx)
      return pointer_to(t, f->base->type.as);
  }
  error(e.range, "& takes the address of a variable or of a field reached through a pointer "
                 "(not of a bitfield or the probe's context)");
  return Type::none();
}

// getopt("name"[, default[, "description"]]): an option of the tool, typed by its default
// (none or true/false: a boolean flag; an integer; a string).
Type Checker::check_getopt(ast::Expr& e, ast::Call& c) {
  for (auto& a : c.args) check_expr(*a);
  auto* name = c.args[0]->as<ast::StrLit>();
  if (!name || name->value.empty() ||
      name->value.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
          std::string::npos ||
      name->value[0] == '-') {
    error(c.args[0]->range, "getopt() expects an option name as a string literal (letters, "
                            "digits, '_' and '-')");
    return Type::int64();
  }
  abi::NamedOption opt;
  opt.name = name->value;
  opt.kind = abi::OptionKind::Bool;
  opt.default_value = "false";
  if (c.args.size() > 1) {
    ast::Expr& d = *c.args[1];
    if (auto* b = d.as<ast::BoolLit>()) {
      opt.default_value = b->value ? "true" : "false";
    } else if (auto* i = d.as<ast::IntLit>()) {
      opt.kind = abi::OptionKind::Int;
      opt.default_value = std::to_string(static_cast<int64_t>(i->value));
    } else if (auto* s = d.as<ast::StrLit>()) {
      opt.kind = abi::OptionKind::String;
      opt.default_value = s->value;
    } else {
      error(d.range, "getopt() expects a literal default value (a boolean, an integer or a "
                     "string)");
      return Type::int64();
    }
  }
  if (c.args.size() > 2) {
    auto* desc = c.args[2]->as<ast::StrLit>();
    if (!desc) {
      error(c.args[2]->range, "getopt() expects its description as a string literal");
      return Type::int64();
    }
    opt.description = desc->value;
  }
  uint32_t idx = 0;
  for (; idx < info_.named_options.size(); ++idx) {
    auto& have = info_.named_options[idx];
    if (have.name != opt.name) continue;
    if (have.kind != opt.kind || (c.args.size() > 1 && have.default_value != opt.default_value))
      error(e.range, "getopt(\"" + opt.name + "\") was declared before as " +
                         abi::option_kind_name(have.kind) + " option with default " +
                         have.default_value);
    if (have.description.empty()) have.description = opt.description;
    break;
  }
  if (idx == info_.named_options.size()) info_.named_options.push_back(opt);
  info_.named_option_of[&e] = idx;
  switch (opt.kind) {
  case abi::OptionKind::Bool:
    return Type::boolean();
  case abi::OptionKind::Int:
    return Type::int64();
  case abi::OptionKind::String:
    return Type::string(options_.strlen);
  }
  return Type::int64();
}

// static_assert(cond, "message"): checked when compiling; cond must be known then.
Type Checker::check_static_assert(ast::Expr& e, ast::Call& c) {
  check_expr(*c.args[0]);
  auto* msg = c.args[1]->as<ast::StrLit>();
  if (!msg) {
    error(c.args[1]->range, "static_assert() expects its message as a string literal");
    return Type::none();
  }
  if (!reporting_) return Type::none(); // sizeof is folded in the reporting walk
  auto v = constant_int(*c.args[0]);
  if (!v)
    error(c.args[0]->range, "static_assert() needs a condition known when compiling");
  else if (*v == 0)
    error(e.range, "static_assert failed: " + msg->value);
  return Type::none();
}

// tseries(n, interval_ns, num_intervals[, "avg"|"max"|"min"|"sum"]) (0.26): a time series
// map value; interval and count are literals, the aggregation a string literal.
Type Checker::check_tseries(ast::Expr&, ast::Call& c) {
  Type t = Type::simple(ast::TypeKind::Tseries, 8);
  if (unstable_setting("tseries", "warn") == "error") {
    error(source::SourceRange::join(c.args[0]->range, c.args.back()->range),
          "tseries() is turned off by the config block (unstable_tseries = error)");
    return t;
  }
  if (!c.args[0]->type.is_integer()) {
    error(c.args[0]->range, "tseries() only supports integer values (" +
                                ast::type_name(c.args[0]->type) + " provided)");
    return t;
  }
  t.is_signed = c.args[0]->type.is_signed;
  auto literal = [&](size_t i, const char* what) -> std::optional<int64_t> {
    auto* lit = c.args[i]->as<ast::IntLit>();
    if (!lit) {
      error(c.args[i]->range, std::string("tseries() ") + what + " must be an integer literal" +
                                  needed_when_compiling(*c.args[i]));
      return std::nullopt;
    }
    return static_cast<int64_t>(lit->value);
  };
  auto interval = literal(1, "interval_ns");
  auto count = literal(2, "num_intervals");
  if (!interval || !count) return t;
  if (*interval < 1) {
    error(c.args[1]->range,
          "tseries() interval_ns must be >= 1 (" + std::to_string(*interval) + " provided)");
    return t;
  }
  if (*count < 1 || *count > abi::kTseriesMaxIntervals) {
    error(c.args[2]->range, "tseries() num_intervals must be between 1 and " +
                                std::to_string(abi::kTseriesMaxIntervals) + " in btc (" +
                                std::to_string(*count) +
                                " provided): each key keeps its intervals in one per-CPU "
                                "map value, which the kernel limits to 32 KiB");
    return t;
  }
  t.tseries_interval = static_cast<uint64_t>(*interval);
  t.tseries_intervals = static_cast<uint32_t>(*count);
  t.tseries_agg = static_cast<uint8_t>(abi::TseriesAgg::Last);
  if (c.args.size() == 4) {
    static const std::pair<const char*, abi::TseriesAgg> kAggs[] = {{"avg", abi::TseriesAgg::Avg},
                                                                    {"max", abi::TseriesAgg::Max},
                                                                    {"min", abi::TseriesAgg::Min},
                                                                    {"sum", abi::TseriesAgg::Sum}};
    auto* s = c.args[3]->as<ast::StrLit>();
    const std::pair<const char*, abi::TseriesAgg>* found = nullptr;
    for (const auto& a : kAggs)
      if (s && s->value == a.first) found = &a;
    if (!found) {
      error(c.args[3]->range,
            "tseries() aggregation must be one of \"avg\", \"max\", \"min\" or \"sum\"");
      return t;
    }
    t.tseries_agg = static_cast<uint8_t>(found->second);
  }
  return t;
}

} // namespace btc::sema
