// analyse.cpp: sema entry point, probe-level checks and statements.
//
// Input: ast::Program from the parser. Output: ProgramInfo (maps sorted by name, events,
// probes with parsed attach points and the BPF programs their providers plan for them) plus
// types on every Expr. Example: `BEGIN { @x = 1; }` gives maps [@x plain int64, key 8 bytes],
// probes [BEGIN prog "BEGIN_0"].
#include "sema/checker.h"

#include <algorithm>
#include <cctype>

namespace btc::sema {

std::optional<ProgramInfo> analyse(ast::Program& program, const SemaOptions& options,
                                   diag::Diagnostics& diags) {
  Checker c(program, options, diags);
  return c.run();
}

std::optional<ProgramInfo> Checker::run() {
  info_.strlen = options_.strlen;
  reporting_ = true;
  collect_preamble_enums();
  // Maps assigned anywhere: reading any other map is "Undefined map".
  // First walk: quiet, learns map types. Second walk: reports and records.
  for (int pass = 0; pass < 2; ++pass) {
    reporting_ = pass == 1;
    ProgramInfo fresh;
    fresh.strlen = options_.strlen;
    fresh.target = options_.target; // read by every check that knows registers
    fresh.enum_values = std::move(info_.enum_values);
    info_ = std::move(fresh);
    programs_of_.clear();
    companion_events_.clear();
    next_probe_id_ = 0;
    for (size_t pi = 0; pi < program_.probes.size(); ++pi) {
      auto& probe = program_.probes[pi];
      ProbeInfo pinfo;
      pinfo.probe = &probe;
      for (auto& ap : probe.attach_points) {
        std::string err;
        auto spec = probes::parse_attach_point(with_placeholders(ap.text), err);
        if (!spec) {
          error(ap.range, abi::show_placeholders(err));
          continue;
        }
        spec->attach_point = static_cast<uint32_t>(&ap - probe.attach_points.data());
        const probes::Provider& provider = probes::provider(spec->kind);
        for (auto& plan : provider.expand(std::move(*spec), ap, pi, *this))
          add_program(std::move(plan), pi, pinfo);
      }
      // 0.17's policy: among several attach points of one probe, one that cannot attach (or a
      // wildcard matching nothing) is skipped with a warning where the tool runs.
      if (pinfo.specs.size() > 1)
        for (auto& s : pinfo.specs) s.optional = true;
      info_.probes.push_back(std::move(pinfo));
      ProbeInfo& checked = info_.probes.back();
      check_probe(probe, checked);
      // reg(), sargN and override() need a kprobe's pt_regs: no fentry/fexit twin then;
      // path() needs fentry/fexit: no kprobe twin.
      bool no_twin = checked.needs_pt_regs ||
                     (fentry_only_ && probes::provider(checked.kind).twin_is_kprobe());
      fentry_only_ = false;
      if (no_twin)
        for (auto& alt : checked.alt_prog_names) alt.clear();
    }
    if (program_.probes.empty()) error({0, 0}, "No probes to attach");
    if (pass == 0)
      for (size_t i = 0; i < info_.probes.size(); ++i)
        if (info_.probes[i].uses_args) args_probes_.insert(i);
  }
  if (diags_.has_errors()) return std::nullopt;

  fix_resources();
  if (diags_.has_errors()) return std::nullopt;
  return std::move(info_);
}

size_t Checker::programs_of(probes::ProbeKind kind) const {
  auto it = programs_of_.find(kind);
  return it == programs_of_.end() ? 0 : it->second;
}

void Checker::add_program(probes::ProgramPlan plan, size_t probe_index, ProbeInfo& pinfo) {
  const probes::AttachSpec& spec = plan.spec;
  std::string prog = std::string(probes::describe(spec.kind).name()) + "_" +
                     std::to_string(probe_index) + "_" + std::to_string(pinfo.specs.size());
  pinfo.kind = spec.kind;
  pinfo.probe_ids.push_back(next_probe_id_++);
  pinfo.prog_names.push_back(prog);
  pinfo.alt_prog_names.push_back(plan.twin_suffix.empty() ? "" : prog + plan.twin_suffix);
  pinfo.func_arg_counts.push_back(plan.func_arg_slots);
  pinfo.companion_events.push_back(abi::kNoIndex);
  if (plan.companion_event)
    companion_events_.push_back(
        {info_.probes.size(), pinfo.specs.size(), std::move(*plan.companion_event)});
  ++programs_of_[spec.kind];
  pinfo.specs.push_back(std::move(plan.spec));
}

// What the program needs is known now: the ids of the events companion programs send (after
// every event of the probes' actions), and the maps in print order with their layouts.
void Checker::fix_resources() {
  // Scripts without printf & co only send rare records (exit(), full maps, helper errors,
  // watchpoint arming): a small ring buffer keeps the tool's mapped memory small (user space
  // maps it twice); the full size only where events can stream.
  bool streams = std::any_of(info_.events.begin(), info_.events.end(),
                             [](const EventInfo& ev) { return ev.kind != abi::EventKind::Exit; });
  info_.ringbuf_bytes = streams ? options_.ringbuf_bytes : 64 << 10;
  for (auto& c : companion_events_) {
    info_.probes[c.probe].companion_events[c.spec] = static_cast<uint32_t>(info_.events.size());
    info_.events.push_back(std::move(c.event));
  }
  // {u64 helper id, i64 return code, u64 map (kNoIndex: none), u64 line << 32 | col_begin << 16
  // | col_end} of the call that failed.
  EventInfo helper_error;
  helper_error.kind = abi::EventKind::HelperError;
  helper_error.arg_types = {Type::uint64(), Type::int64(), Type::uint64(), Type::uint64()};
  helper_error.arg_offsets = {0, 8, 16, 24};
  helper_error.payload_size = 32;
  info_.helper_error_event = static_cast<uint32_t>(info_.events.size());
  info_.events.push_back(std::move(helper_error));
  fix_config_layout();
  info_.map_max_entries = options_.map_max_entries;
  info_.settings = options_.settings;
  info_.license = options_.license;
  if (options_.max_programs) {
    size_t programs = 0;
    for (const auto& p : info_.probes) programs += p.prog_names.size();
    if (programs > options_.max_programs && !program_.probes.empty())
      error(program_.probes.front().range, "the script needs " + std::to_string(programs) +
                                               " BPF programs, more than "
                                               "max_bpf_progs (" +
                                               std::to_string(options_.max_programs) + ")");
  }
  info_.tool_name = options_.tool_name;
  info_.default_helper_errors = options_.default_helper_errors;
  for (auto& m : info_.maps) {
    if (!m.assigned) error(m.first_use, "Undefined map: " + m.name);
    finalise_map(m);
  }
  apply_map_decls();
  std::vector<std::string> old_names;
  for (auto& m : info_.maps) old_names.push_back(m.name);
  std::sort(info_.maps.begin(), info_.maps.end(),
            [](const MapInfo& a, const MapInfo& b) { return a.name < b.name; });
  info_.map_index.clear();
  for (uint32_t i = 0; i < info_.maps.size(); ++i) {
    info_.map_index[info_.maps[i].name] = i;
    info_.maps[i].bpf_name = "AT_" + info_.maps[i].name.substr(1);
    info_.max_map_value_size = std::max(info_.max_map_value_size, info_.maps[i].value_size);
  }
  for (auto& ev : info_.events)
    if (ev.map != abi::kNoIndex) ev.map = info_.map_index[old_names[ev.map]];
}

// The .rodata config struct (abi::ConfigLayout) the runtime fills before load: fixed fields,
// then the positional parameters, the helper-error level, the no-cookies knob and a u64 per
// runtime value.
void Checker::fix_config_layout() {
  abi::ConfigLayout& c = info_.config;
  uint32_t off = 0;
  c.start_ns = off;
  off += 8;
  c.target_pid = off;
  off += 8;
  c.child_pid = off;
  off += 8;
  c.num_args = off;
  off += 8;
  c.int_args = off;
  off += 8 * info_.max_positional;
  c.str_args = off;
  off += info_.strlen * info_.max_positional;
  off = align8(off);
  c.helper_errors = off;
  off += 8;
  c.no_cookies = off;
  off += 8;
  c.ncpus = off;
  off += 8;
  info_.runtime_values_offset = off;
  off += 8 * static_cast<uint32_t>(info_.runtime_values.size());
  for (auto& o : info_.named_options) {
    o.offset = off;
    off += o.kind == abi::OptionKind::String ? align8(info_.strlen) : 8;
  }
  c.size = off;
}

void Checker::check_probe(ast::Probe& probe, ProbeInfo& pinfo) {
  probe_ = &pinfo;
  loop_depth_ = 0;
  pinfo.vars.clear();
  if (probe.predicate) {
    check_expr(*probe.predicate);
    const auto& t = probe.predicate->type;
    if (!t.is_integer() && !t.is_pointer())
      error(probe.predicate->range, "Invalid type for predicate: " + type_class(t));
  }
  lets_.clear();
  runtime_branches_ = probe.predicate ? 1 : 0; // a predicate is a run-time condition
  check_block(probe.body);
  runtime_branches_ = 0;
  for (ast::LetStmt* l : lets_) {
    auto it = pinfo.vars.find(l->name);
    l->var_type = it == pinfo.vars.end() ? Type::none() : it->second;
  }
  probe_ = nullptr;
}

void Checker::check_block(ast::Block& block) {
  for (auto& s : block) check_stmt(*s);
}

void Checker::check_stmt(ast::Stmt& stmt) {
  std::visit(
      [&](auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, ast::ExprStmt>) {
          check_expr(*n.expr);
        } else if constexpr (std::is_same_v<T, ast::AssignStmt>) {
          check_assign(n, stmt);
        } else if constexpr (std::is_same_v<T, ast::IfStmt>) {
          if (n.comptime) {
            check_comptime_if(n);
            return;
          }
          check_expr(*n.cond);
          if (!n.cond->type.is_integer() && !n.cond->type.is_pointer())
            error(n.cond->range, "Invalid condition in if(): " + type_class(n.cond->type));
          ++runtime_branches_;
          check_block(n.then_block);
          check_block(n.else_block);
          --runtime_branches_;
        } else if constexpr (std::is_same_v<T, ast::UnrollStmt>) {
          check_expr(*n.count);
          int64_t count = 0;
          if (auto* lit = n.count->template as<ast::IntLit>()) {
            count = static_cast<int64_t>(lit->value);
          } else {
            // unroll($N): the count is known only when the tool runs; codegen emits a loop
            // bounded by 100 instead of copies of the body.
            count = 1;
            if (!n.count->template as<ast::Positional>())
              error(n.count->range, "unroll count must be an integer literal or a positional "
                                    "parameter");
          }
          if (count > 100) error(stmt.range, "unroll maximum value is 100");
          else if (count < 1) error(stmt.range, "unroll minimum value is 1");
          check_block(n.body);
        } else if constexpr (std::is_same_v<T, ast::WhileStmt>) {
          check_expr(*n.cond);
          if (!n.cond->type.is_integer() && !n.cond->type.is_pointer())
            error(n.cond->range, "Invalid condition in while(): " + type_class(n.cond->type));
          ++loop_depth_;
          ++runtime_branches_;
          check_block(n.body);
          --runtime_branches_;
          --loop_depth_;
        } else if constexpr (std::is_same_v<T, ast::LetStmt>) {
          check_let(n);
        } else if constexpr (std::is_same_v<T, ast::ForStmt>) {
          ++runtime_branches_;
          check_for(n);
          --runtime_branches_;
        } else if constexpr (std::is_same_v<T, ast::BreakStmt> ||
                             std::is_same_v<T, ast::ContinueStmt>) {
          if (loop_depth_ == 0)
            error(stmt.range, std::string(std::is_same_v<T, ast::BreakStmt> ? "break"
                                                                             : "continue") +
                                  " used outside of a loop");
        } else if constexpr (std::is_same_v<T, ast::ReturnStmt>) {
          if (n.value) {
            check_expr(*n.value);
            if (!n.value->type.is_integer() && n.value->type.kind != ast::TypeKind::None)
              error(n.value->range,
                    "return expects an integer (" + ast::type_name(n.value->type) + " provided)");
            else if (for_depth_ > 0)
              error(stmt.range, "return with a value is not supported inside a for loop's body "
                                "(btc runs it as a callback)");
          }
        }
      },
      stmt.node);
}

// `$N` in an attach point (interval:ms:$1, tracepoint:syscalls:sys_enter_$1): a placeholder
// the tool replaces by the parameter when it starts.
std::string Checker::with_placeholders(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '$' && i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
      uint32_t n = 0;
      while (i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1])))
        n = n * 10 + static_cast<uint32_t>(text[++i] - '0');
      info_.max_positional = std::max(info_.max_positional, n);
      out += abi::positional_placeholder(n);
      continue;
    }
    out += text[i];
  }
  return out;
}

void Checker::check_assign(ast::AssignStmt& a, ast::Stmt& stmt) {
  bool compound = a.op != ast::AssignOp::Assign;
  // Aggregation calls are typed through the map they are assigned to.
  if (auto* call = a.value->as<ast::Call>()) {
    auto* d = builtins::find_function(call->name);
    if (d && d->aggregation()) {
      call->desc = d;
      if (!a.target->as<ast::MapRef>()) {
        error(a.value->range, call->name + "() should be directly assigned to a map");
        return;
      }
      if (compound) {
        error(a.value->range, call->name + "() should be directly assigned to a map");
        return;
      }
      Type t = check_aggregation(*a.value, *call, *d);
      a.value->type = t;
      assign_map(*a.target, t, a.value.get());
      return;
    }
  }
  check_expr(*a.value);
  Type vt = a.value->type;
  if (vt.kind == ast::TypeKind::None) {
    if (auto* call = a.value->as<ast::Call>())
      error(a.value->range, call->name + "() should not be used in an assignment or as a map key");
    else if (!diags_.has_errors()) // never let codegen see a value nothing typed
      error(a.value->range, "This expression has no value (type none) to assign");
    // Define the variable anyway so later uses do not pile up "undefined" errors.
    if (auto* v = a.target->as<ast::Var>()) probe_->vars.emplace(v->name, Type::none());
    return;
  }
  if (compound) {
    if (!vt.is_integer() && !vt.is_pointer()) {
      error(stmt.range, "Compound assignment needs an integer value, not " +
                            ast::type_name(vt));
      return;
    }
    // `$p += n` / `@p -= n` on a pointer steps it by n elements; other operators and pointer
    // operands are refused with 0.17's message.
    if (auto pointer = compound_pointer_target(a)) {
      bool additive = a.op == ast::AssignOp::Add || a.op == ast::AssignOp::Sub;
      if (!additive || !vt.is_integer()) {
        error(a.op_range, std::string("The ") + ast::binop_text(ast::compound_binop(a.op)) +
                              " operator can not be used on expressions of types " +
                              ast::type_name(*pointer) + ", " + ast::type_name(vt));
        return;
      }
      a.target->type = *pointer;
      if (auto* m = a.target->as<ast::MapRef>()) check_map_ref(*a.target, *m, /*reading=*/true);
      return;
    }
    vt = Type::integer(8, vt.is_signed);
  }
  if (auto* v = a.target->as<ast::Var>()) {
    auto it = probe_->vars.find(v->name);
    if (compound) {
      if (it == probe_->vars.end()) {
        error(a.target->range,
              "Undefined or undeclared variable: " + expand::display_name(v->name));
        return;
      }
      if (!it->second.is_integer() && !it->second.is_pointer()) {
        error(stmt.range, "Compound assignment on a variable of type " +
                              ast::type_name(it->second));
        return;
      }
      a.target->type = it->second;
      return;
    }
    if (it == probe_->vars.end()) {
      Type stored = vt;
      probe_->vars[v->name] = stored;
      a.target->type = stored;
    } else {
      const Type& have = it->second;
      bool ok = ast::same_type(have, vt) ||
                (have.is_integer() && vt.is_integer()) ||
                (have.is_pointer() && vt.is_pointer());
      if (!ok) {
        error(stmt.range, "Type mismatch for " + expand::display_name(v->name) +
                              ": trying to assign value of type '" + ast::type_name(vt) +
                              "' when variable already contains a value of type '" +
                              ast::type_name(have) + "'");
      } else if (have.is_string() && vt.is_string() && vt.size > have.size) {
        it->second.size = vt.size;
      }
      a.target->type = it->second;
    }
    return;
  }
  if (a.target->as<ast::MapRef>()) {
    if (compound) {
      // `@x += e` reads and writes @x; a new map starts at zero.
      auto& name = a.target->as<ast::MapRef>()->name;
      auto st = maps_.find(name);
      if (st != maps_.end() && st->second.has_value && st->second.value.is_aggregation()) {
        error(stmt.range, "Type mismatch for '" + std::string("+") + "': comparing '" +
                              ast::type_name(st->second.value) + "' with 'int64'");
        return;
      }
    }
    assign_map(*a.target, vt, a.value.get());
    return;
  }
  error(a.target->range, "Only variables and maps can be assigned to");
}

// The pointer type of the variable or map a compound assignment updates, if it holds one.
std::optional<Type> Checker::compound_pointer_target(const ast::AssignStmt& a) const {
  if (auto* v = a.target->as<ast::Var>()) {
    auto it = probe_->vars.find(v->name);
    if (it != probe_->vars.end() && it->second.is_pointer()) return it->second;
  } else if (auto* m = a.target->as<ast::MapRef>()) {
    auto st = maps_.find(m->name);
    if (st != maps_.end() && st->second.has_value && st->second.value.is_pointer())
      return st->second.value;
  }
  return std::nullopt;
}

void Checker::assign_map(ast::Expr& target, const Type& value_type, ast::Expr* value) {
  auto& m = *target.as<ast::MapRef>();
  assigned_maps_.insert(m.name);
  check_map_ref(target, m, /*reading=*/false);
  auto& st = maps_[m.name];
  auto& mi = map_info(m.name, target.range);
  mi.assigned = true;
  Type stored = storage_type(value_type);
  if (!st.has_value) {
    st.value = stored;
    st.has_value = true;
  } else if (!ast::same_type(st.value, stored) &&
             !(st.value.is_integer() && stored.is_integer())) {
    if (st.value.kind == ast::TypeKind::Tuple && stored.kind == ast::TypeKind::Tuple) {
      error(value ? value->range : target.range,
            "Tuple type mismatch: " + ast::type_name(st.value) + " != " +
                ast::type_name(stored) + ".");
    } else if (st.value.kind == ast::TypeKind::Lhist && stored.kind == ast::TypeKind::Lhist) {
      error(value ? value->range : target.range,
            "Different lhist bounds in a single map unsupported");
    } else if (st.value.kind == ast::TypeKind::Tseries && stored.kind == ast::TypeKind::Tseries) {
      error(value ? value->range : target.range,
            "Different tseries bounds in a single map unsupported");
    } else {
      error(value ? value->range : target.range,
            "Type mismatch for " + m.name + ": trying to assign value of type '" +
                ast::type_name(value_type) + "' when map already contains a value of type '" +
                ast::type_name(st.value) + "'");
    }
    return;
  } else if (st.value.is_string() && stored.size > st.value.size) {
    st.value.size = stored.size;
  } else if (st.value.kind == ast::TypeKind::Tuple && stored.size > st.value.size) {
    st.value = stored;
  }
  target.type = st.value;
  mi.value_type = st.value;
}

} // namespace btc::sema
