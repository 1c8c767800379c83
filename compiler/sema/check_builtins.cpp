// check_builtins.cpp: sema for builtin variables: which probe contexts allow each one (the
// providers' rules, 0.17's messages), their types, stacks (one stack map per user/mode/limit
// kind) and `ctx`.
//
// Input: ast::Builtin nodes. Output: their Type; the descriptor and argN index on the node.
// Example: `retval` in a kprobe is refused with 0.17's "can only be used with 'kretprobe'...".
#include "sema/checker.h"

#include <algorithm>

namespace btc::sema {

// kstack/ustack values: {i64 stack id, u64 pid}; count = frame limit, name = mode, btf_id =
// index of the stack map (one per user/mode/limit combination).
Type Checker::stack_type(bool user, abi::StackMode mode, uint32_t limit, bool dwarf) {
  uint32_t idx = 0;
  for (; idx < info_.stack_maps.size(); ++idx) {
    const auto& s = info_.stack_maps[idx];
    if (s.user == user && s.mode == mode && s.limit == limit && s.dwarf == dwarf) break;
  }
  if (idx == info_.stack_maps.size()) {
    abi::StackMapDesc s;
    s.user = user;
    s.mode = mode;
    s.limit = limit;
    s.dwarf = dwarf;
    s.bpf_name = std::string(dwarf  ? "dwstack"
                             : user ? "ustack"
                                    : "kstack") +
                 "_" + std::to_string(idx);
    info_.stack_maps.push_back(s);
  }
  Type t = Type::simple(user ? ast::TypeKind::Ustack : ast::TypeKind::Kstack, 16);
  t.count = limit;
  t.btf_id = idx;
  return t;
}

Type Checker::check_dw_ustack(ast::Expr& e, abi::StackMode mode, uint32_t limit) {
  if (unstable_setting("dw_ustack", "warn") == "error")
    error(e.range, "dw_ustack() is turned off by the config block (unstable_dw_ustack = error)");
  if (!info_.target->dwarf_unwind)
    error(e.range, "dw_ustack() unwinds x86-64 registers only; ustack works on " +
                       std::string(info_.target->name));
  if (!options_.btf) {
    error(e.range, "dw_ustack() needs kernel BTF when compiling: its unwinder reads the "
                   "traced process's memory mappings (struct vm_area_struct)");
  } else {
    // The fields the unwinder reads (CO-RE: their offsets are the target kernel's).
    static constexpr std::pair<const char*, const char*> kFields[] = {
        {"vm_area_struct", "vm_start"},
        {"vm_area_struct", "vm_pgoff"},
        {"vm_area_struct", "vm_file"},
        {"file", "f_inode"},
        {"inode", "i_ino"},
        {"inode", "i_sb"},
        {"super_block", "s_dev"}};
    for (const auto& [record, field] : kFields) {
      auto id = options_.btf->find_record(record);
      if (!id || !options_.btf->find_field(*id, field)) {
        error(e.range, std::string("dw_ustack(): the kernel's BTF has no struct ") + record +
                           " field " + field + " (needed to find the mapping of an address)");
        break;
      }
    }
  }
  // Printed (at this call) for events of a process whose files have no unwind tables.
  // Once per process: a stack from a process without tables is empty every time.
  uint32_t event = add_event(abi::EventKind::Warnf,
                             "No DWARF unwind data available for process %d: btc reads the "
                             "unwind tables of the -p/-c process's files when the tool starts",
                             {Type::uint64()}, e.range);
  info_.events[event].once = true;
  info_.call_event[&e] = event;
  return stack_type(true, mode, limit, true);
}

// Spec 1.4: which probe kinds offer argN / sargN / retval / func (their providers' rules),
// with 0.17's messages. ctx is typed (or refused) by the provider.
std::optional<std::string> Checker::context_rule_violation(builtins::VarId id,
                                                           const std::string& name) const {
  const probes::Provider& provider = probes::provider(probe_->kind);
  const probes::ContextRules& rules = provider.desc().rules;
  using builtins::VarId;
  switch (id) {
  case VarId::Arg:
    if (!rules.argn)
      return "The " + name + " builtin can only be used with 'kprobes', 'uprobes' and 'usdt' probes";
    return std::nullopt;
  case VarId::Sarg:
    if (!rules.sargn)
      return "The " + name + " builtin can only be used with 'kprobes' and 'uprobes' probes";
    return std::nullopt;
  case VarId::Retval:
    if (!rules.retval)
      return std::string("The retval builtin can only be used with 'kretprobe' and 'uretprobe' "
                         "and 'kfunc' probes") +
             std::string(provider.retval_hint());
    return std::nullopt;
  case VarId::Func:
    if (!rules.func)
      return "The func builtin can not be used with '" + provider.name() + "' probes";
    return std::nullopt;
  case VarId::Pid:
  case VarId::Tid:
  case VarId::Uid:
  case VarId::Gid:
  case VarId::Nsecs:
  case VarId::Elapsed:
  case VarId::Cpu:
  case VarId::Numaid:
  case VarId::Comm:
  case VarId::Kstack:
  case VarId::Ustack:
  case VarId::DwUstack:
  case VarId::Probe:
  case VarId::Curtask:
  case VarId::Rand:
  case VarId::Cgroup:
  case VarId::Cpid:
  case VarId::Username:
  case VarId::Args:
  case VarId::Ctx:
  case VarId::Jiffies:
  case VarId::Ncpus:
  case VarId::Probetype:
    return std::nullopt;
  case VarId::Usermode:
    if (!rules.reg)
      return "The usermode builtin needs the registers of a probe's context (kprobe, uprobe, "
             "usdt, profile, software, hardware), not '" +
             provider.name() + "'";
    return std::nullopt;
  }
  BTC_UNREACHABLE("builtin variable without a context rule");
}

Type Checker::check_builtin(ast::Expr& e, ast::Builtin& b) {
  uint32_t index = 0;
  const auto* d = builtins::find_var(b.name, &index);
  if (!d) {
    error(e.range, "Unknown identifier: '" + b.name + "'");
    return Type::int64();
  }
  b.desc = d;
  b.index = index;
  using builtins::VarId;
  if (auto msg = context_rule_violation(d->id, b.name)) {
    error(e.range, *msg);
    return Type::none();
  }
  if (!d->implemented) {
    error(e.range, "The " + b.name + " builtin is not supported yet by btc");
    return Type::none();
  }
  switch (d->id) {
  case VarId::Pid: case VarId::Tid: case VarId::Uid: case VarId::Gid: case VarId::Nsecs:
  case VarId::Cpu: case VarId::Numaid: case VarId::Rand: case VarId::Cgroup:
    return Type::uint64();
  case VarId::Elapsed:
    info_.uses_elapsed = true;
    return Type::uint64();
  case VarId::Comm: return Type::string(16);
  case VarId::Probe:
    probe_->uses_probe = true;
    return Type::simple(ast::TypeKind::Probe, 8);
  case VarId::Curtask: {
    if (!options_.btf) {
      error(e.range, "curtask needs kernel BTF");
      return Type::uint64();
    }
    auto id = options_.btf->find_record("task_struct");
    if (!id) {
      error(e.range, "struct task_struct not found in BTF");
      return Type::uint64();
    }
    Type p;
    p.kind = ast::TypeKind::Pointer;
    p.size = 8;
    p.btf_id = *id;
    p.as = ast::AddrSpace::Kernel;
    p.pointee = std::make_shared<Type>(options_.btf->to_ast_type(*id));
    return preamble_first(p);
  }
  case VarId::Args:
    if (probe_->specs.empty()) return Type::none(); // its attach points were reported
    return probes::provider(probe_->kind).args_type(*this, e);
  case VarId::Cpid: return Type::uint64();
  case VarId::Username: return Type::simple(ast::TypeKind::Username, 8);
  case VarId::Arg:
    if (auto msg = probes::provider(probe_->kind).arg_index_error(index, b.name, *info_.target)) {
      error(e.range, *msg);
      return Type::none();
    }
    if (index < 32) probe_->arg_mask |= 1u << index;
    return Type::uint64().in(probe_memory());
  case VarId::Retval:
    return probes::provider(probe_->kind).retval_type(*this, e);
  case VarId::Func:
    return probes::provider(probe_->kind).func_type();
  case VarId::Kstack:
  case VarId::Ustack:
    return stack_type(d->id == VarId::Ustack, options_.stack_mode, 127);
  case VarId::DwUstack:
    return check_dw_ustack(e, options_.stack_mode, 127);
  case VarId::Sarg:
    return check_sarg(e);
  case VarId::Ctx:
    return probes::provider(probe_->kind).ctx_type(*this, e);
  case VarId::Jiffies:
  case VarId::Ncpus:
    return Type::uint64();
  case VarId::Usermode:
    probe_->needs_pt_regs = true; // no fentry twin: its context has no registers
    return Type::integer(1, false);
  case VarId::Probetype: {
    size_t longest = 0;
    for (const auto& s : probe_->specs)
      longest = std::max(longest, probes::describe(s.kind).probetype().size());
    return Type::string(static_cast<uint32_t>(longest + 1));
  }
  }
  BTC_UNREACHABLE("builtin variable without a type rule");
}

// ctx: a pointer to the struct the program's context is (its probe kind's ctx_record).
Type Checker::context_type(ast::Expr& e) {
  if (probe_->specs.empty()) return Type::none(); // its attach points were rejected
  // 0.17 names the first attach point's program type and the first that differs.
  const auto& first = probes::describe(probe_->specs.front().kind);
  std::string_view record = first.rules.ctx_record;
  for (const auto& s : probe_->specs) {
    const auto& other = probes::describe(s.kind);
    if (other.prog_type != first.prog_type) {
      error(e.range, "ctx cannot be used in different BPF program types: " +
                         std::string(first.prog_type) + " and " + std::string(other.prog_type));
      return Type::none();
    }
  }
  if (record.empty()) {
    error(e.range, "invalid program type");
    return Type::none();
  }
  std::optional<uint32_t> id;
  if (options_.btf) id = options_.btf->find_record(std::string(record));
  if (!id) {
    error(e.range, "ctx needs struct " + std::string(record) + " from kernel BTF");
    return Type::none();
  }
  // A kprobe's pt_regs: no fentry twin (whose context is the argument array).
  if (record == "pt_regs") probe_->needs_pt_regs = true;
  Type p = Type::simple(ast::TypeKind::Pointer, 8);
  p.btf_id = *id;
  p.as = ast::AddrSpace::Kernel;
  p.context = true;
  p.pointee = std::make_shared<Type>(options_.btf->to_ast_type(*id));
  return p;
}

} // namespace btc::sema
