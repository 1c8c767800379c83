// check_functions.cpp: type rules of the value-producing and user-space builtins of spec 7.1
// (ksym, kaddr, cgroupid, cgroup_path, ntop, pton, macaddr, strerror, strftime, buf,
// kptr/uptr, strcontains, signal, system, cat, join, debugf) and the probe-specific ones that
// only report context errors in this version.
//
// Example: `ntop(2, 0x0100007f)` types as inet (24 bytes: u64 family + 16 address bytes);
// `kaddr("vfs_read")` becomes a run-time value the tool resolves on its host before loading.
#include "sema/checker.h"

#include "builtins/name_tables.h"

#include <arpa/inet.h>

namespace btc::sema {

std::string value_class_of(const Type& t) {
  if (t.is_integer()) return "integer";
  if (t.is_string()) return "string";
  return ast::type_name(t);
}

namespace {

// Signal names accepted by signal() (with or without the SIG prefix).
constexpr std::pair<std::string_view, int> kSignals[] = {
    {"HUP", 1},   {"INT", 2},    {"QUIT", 3},   {"ILL", 4},    {"TRAP", 5},   {"ABRT", 6},
    {"BUS", 7},   {"FPE", 8},    {"KILL", 9},   {"USR1", 10},  {"SEGV", 11},  {"USR2", 12},
    {"PIPE", 13}, {"ALRM", 14},  {"TERM", 15},  {"STKFLT", 16}, {"CHLD", 17}, {"CONT", 18},
    {"STOP", 19}, {"TSTP", 20},  {"TTIN", 21},  {"TTOU", 22},  {"URG", 23},   {"XCPU", 24},
    {"XFSZ", 25}, {"VTALRM", 26}, {"PROF", 27}, {"WINCH", 28}, {"IO", 29},    {"PWR", 30},
    {"SYS", 31},
};
} // namespace

std::optional<int> signal_number(std::string_view name) {
  if (name.starts_with("SIG")) name.remove_prefix(3);
  for (const auto& [n, v] : kSignals)
    if (n == name) return v;
  return std::nullopt;
}

std::optional<std::string> Checker::literal_text(ast::Expr& arg) {
  if (auto* lit = arg.as<ast::StrLit>()) {
    arg.type = Type::string(static_cast<uint32_t>(lit->value.size() + 1));
    return lit->value;
  }
  check_expr(arg);
  auto* call = arg.as<ast::Call>();
  if (call && call->name == "str" && call->args.size() == 1)
    if (auto* pos = call->args[0]->as<ast::Positional>())
      return abi::positional_placeholder(pos->index);
  return std::nullopt;
}

std::string Checker::needed_when_compiling(const ast::Expr& arg) {
  const ast::Expr* inner = &arg;
  if (auto* call = arg.as<ast::Call>(); call && call->name == "str" && call->args.size() == 1)
    inner = call->args[0].get();
  if (!inner->as<ast::Positional>()) return "";
  return " (btc fixes this when compiling; positional parameters are only read when the tool "
         "starts)";
}

uint32_t Checker::add_runtime_value(abi::ResolveKind kind, ast::Expr& e, ast::Call& c,
                                    const char* fn, const std::string& prefix) {
  auto text = literal_text(*c.args[0]);
  if (!text) {
    error(e.range, std::string(fn) + "() expects a string literal (" +
                       value_class_of(c.args[0]->type) + " provided)");
    return abi::kNoIndex;
  }
  const std::string value = prefix + *text;
  for (uint32_t i = 0; i < info_.runtime_values.size(); ++i) {
    const auto& v = info_.runtime_values[i];
    if (v.kind == kind && v.arg == value) {
      info_.runtime_value_of[&e] = i;
      return i;
    }
  }
  info_.runtime_values.push_back({kind, value, e.range});
  uint32_t id = static_cast<uint32_t>(info_.runtime_values.size() - 1);
  info_.runtime_value_of[&e] = id;
  return id;
}

Type Checker::check_function(ast::Expr& e, ast::Call& c, const builtins::FuncDesc& d,
                             builtins::ValueFn f) {
  using builtins::ValueFn;
  using K = ast::TypeKind;
  auto check_args = [&](size_t from) {
    for (size_t i = from; i < c.args.size(); ++i) check_expr(*c.args[i]);
  };
  auto int_arg = [&](size_t i) {
    check_expr(*c.args[i]);
    const Type& t = c.args[i]->type;
    if (!t.is_integer() && !t.is_pointer() && t.kind != K::None) {
      error(e.range, c.name + "() expects an integer argument (" + value_class_of(t) +
                         " provided)");
      return false;
    }
    return true;
  };
  const probes::ProbeKindDesc& kind = probes::describe(probe_->kind);
  std::string probe_name(kind.name());
  switch (f) {
  case ValueFn::Ksym:
    int_arg(0);
    return Type::simple(K::Ksym, 8);
  case ValueFn::Kaddr:
    add_runtime_value(abi::ResolveKind::Kaddr, e, c, "kaddr");
    return Type::uint64();
  case ValueFn::Cgroupid:
    add_runtime_value(abi::ResolveKind::Cgroupid, e, c, "cgroupid");
    return Type::uint64();
  case ValueFn::CgroupPath: {
    // Value: {u64 cgroup id, u64 filter} where filter is 1 + index of the hierarchy glob in
    // the manifest strings, 0 for none.
    int_arg(0);
    if (c.args.size() > 1) {
      auto* lit = c.args[1]->as<ast::StrLit>();
      if (!lit) {
        check_expr(*c.args[1]);
        error(e.range, "cgroup_path() expects a string literal as its filter (" +
                           value_class_of(c.args[1]->type) + " provided)");
      } else {
        c.args[1]->type = Type::string(static_cast<uint32_t>(lit->value.size() + 1));
        uint32_t idx = 0;
        for (; idx < info_.strings.size(); ++idx)
          if (info_.strings[idx] == lit->value) break;
        if (idx == info_.strings.size()) info_.strings.push_back(lit->value);
        info_.string_of[&e] = idx;
      }
    }
    return Type::simple(K::CgroupPath, 16);
  }
  case ValueFn::Strerror:
    int_arg(0);
    return Type::simple(K::Strerror, 8);
  case ValueFn::Ntop: {
    size_t ai = c.args.size() - 1;
    if (c.args.size() == 2) int_arg(0);
    check_expr(*c.args[ai]);
    const Type& t = c.args[ai]->type;
    bool ok = t.is_integer() || t.is_pointer() ||
              ((t.kind == K::Array || t.is_string()) && (t.size == 4 || t.size == 16));
    if (!ok)
      error(e.range, "ntop() expects an integer or array argument, got " + ast::type_name(t));
    return Type::simple(K::Inet, 24);
  }
  case ValueFn::Pton: {
    auto* lit = c.args[0]->as<ast::StrLit>();
    if (!lit) {
      check_expr(*c.args[0]);
      error(e.range, "pton() expects a string literal (" + value_class_of(c.args[0]->type) +
                         " provided)");
      return Type::uint64();
    }
    std::vector<uint8_t> bytes;
    uint8_t buf[16];
    if (inet_pton(AF_INET, lit->value.c_str(), buf) == 1) bytes.assign(buf, buf + 4);
    else if (inet_pton(AF_INET6, lit->value.c_str(), buf) == 1) bytes.assign(buf, buf + 16);
    else {
      error(e.range, "pton() expects valid IPv4 or IPv6 address, got " + lit->value);
      return Type::uint64();
    }
    Type t;
    t.kind = K::Array;
    t.count = static_cast<uint32_t>(bytes.size());
    t.size = t.count;
    t.pointee = std::make_shared<Type>(Type::integer(1, false));
    info_.bytes_of[&e] = std::move(bytes);
    return t;
  }
  case ValueFn::Macaddr: {
    check_expr(*c.args[0]);
    const Type& t = c.args[0]->type;
    if (!((t.kind == K::Array || t.is_string()) && t.size == 6) && !t.is_pointer() &&
        t.kind != K::None)
      error(e.range, "macaddr() argument must be 6 bytes (a char[6] array or a pointer), got " +
                         ast::type_name(t));
    return Type::simple(K::MacAddr, 6);
  }
  case ValueFn::Getopt:
    return check_getopt(e, c);
  case ValueFn::SyscallName:
    int_arg(0);
    if (const builtins::NameTable* t = builtins::syscall_names(*info_.target))
      return Type::string(t->width);
    error(e.range, "syscall_name(): this btc has no " + std::string(info_.target->name) +
                       " system call table (build it with -DBTC_TARGETS=\"x86_64;aarch64\")");
    return Type::none();
  case ValueFn::SignalName:
    int_arg(0);
    return Type::string(builtins::signal_names().width);
  case ValueFn::Strftime: {
    auto fmt = literal_text(*c.args[0]);
    if (!fmt) {
      error(e.range, "strftime() expects a string literal (" + value_class_of(c.args[0]->type) +
                         " provided)");
      return Type::simple(K::Timestamp, 16);
    }
    int_arg(1);
    uint32_t idx = 0;
    for (; idx < info_.strings.size(); ++idx)
      if (info_.strings[idx] == *fmt) break;
    if (idx == info_.strings.size()) info_.strings.push_back(*fmt);
    info_.string_of[&e] = idx;
    return Type::simple(K::Timestamp, 16);
  }
  case ValueFn::Buf: {
    check_expr(*c.args[0]);
    const Type& t = c.args[0]->type;
    uint64_t len = 0;
    if (c.args.size() == 2) {
      check_expr(*c.args[1]);
      auto* lit = c.args[1]->as<ast::IntLit>();
      if (!lit) {
        if (!c.args[1]->type.is_integer())
          error(e.range, "buf() expects an integer length");
        len = options_.strlen; // run-time length, capped by the buffer size
      } else {
        len = lit->value;
      }
    } else if (t.kind == K::Array || t.is_string()) {
      len = t.size;
    } else {
      error(e.range, "buf() needs a length argument when its first argument is not an array");
      return Type::simple(K::Buffer, 2);
    }
    if (!t.is_integer() && !t.is_pointer() && t.kind != K::Array && !t.is_string() &&
        t.kind != K::None)
      error(e.range, "buf() expects an integer, pointer or array argument, got " +
                         ast::type_name(t));
    if (len > options_.strlen) {
      warning(e.range, "length param (" + std::to_string(len) +
                           ") is too long and will be shortened to " +
                           std::to_string(options_.strlen) + " bytes (see BPFTRACE_STRLEN)");
      len = options_.strlen;
    }
    return Type::simple(K::Buffer, static_cast<uint32_t>(len + 1));
  }
  case ValueFn::Kptr:
  case ValueFn::Uptr: {
    check_expr(*c.args[0]);
    Type t = c.args[0]->type;
    if (t.is_pointer() || t.is_integer())
      t.as = f == ValueFn::Uptr ? ast::AddrSpace::User : ast::AddrSpace::Kernel;
    return t;
  }
  case ValueFn::Strcontains: {
    check_args(0);
    if (!c.args[0]->type.is_string() || !c.args[1]->type.is_string())
      error(e.range, "strcontains() expects two strings (" + value_class_of(c.args[0]->type) +
                         ", " + value_class_of(c.args[1]->type) + " provided)");
    return Type::uint64();
  }
  case ValueFn::Signal:
  case ValueFn::SignalThread: {
    if (!kind.rules.signal) {
      error(e.range, "signal can not be used with \"" + probe_name + "\" probes");
      return Type::none();
    }
    if (auto* lit = c.args[0]->as<ast::StrLit>()) {
      c.args[0]->type = Type::string(static_cast<uint32_t>(lit->value.size() + 1));
      if (!signal_number(lit->value))
        error(e.range, lit->value + " is not a valid signal");
      return Type::none();
    }
    if (auto* str = c.args[0]->as<ast::Call>(); str && str->name == "str") {
      // signal(str($1)): the name or number is read (and checked) when the tool starts.
      add_runtime_value(abi::ResolveKind::Signal, e, c, "signal");
      return Type::none();
    }
    check_expr(*c.args[0]);
    if (auto* lit = c.args[0]->as<ast::IntLit>(); lit && (lit->value < 1 || lit->value > 64))
      error(e.range, std::to_string(lit->value) + " is not a valid signal, allowed range: [1,64]");
    else if (!c.args[0]->type.is_integer())
      error(e.range, "signal() expects a string or an integer");
    return Type::none();
  }
  case ValueFn::System:
    check_printf_args(e, c, 1, abi::EventKind::System);
    return Type::none();
  case ValueFn::Cat:
    check_printf_args(e, c, 1, abi::EventKind::Cat);
    return Type::none();
  case ValueFn::Typeinfo:
    return check_typeinfo(e, c);
  case ValueFn::Fail:
    return check_fail(e, c);
  case ValueFn::IsStr:
  case ValueFn::IsPtr:
  case ValueFn::IsArray:
  case ValueFn::IsInteger:
  case ValueFn::IsUnsignedInteger:
  case ValueFn::IsLiteral:
  case ValueFn::AssertStr:
  case ValueFn::DefaultStrLength:
    return check_type_predicate(e, c, f);
  case ValueFn::StaticAssert:
    return check_static_assert(e, c);
  case ValueFn::Strlen: {
    check_expr(*c.args[0]);
    const Type& t = c.args[0]->type;
    if (!t.is_string() && t.kind != K::None)
      error(c.args[0]->range, "strlen() expects a string (" + ast::type_name(t) + " provided)");
    return Type::uint64();
  }
  case ValueFn::KfuncExist: // answered where the tool runs, from that kernel's BTF
    add_runtime_value(abi::ResolveKind::KfuncExist, e, c, "kfunc_exist");
    return Type::boolean();
  case ValueFn::KfuncAllowed: { // answered where the tool runs, by test-loading a call
    // Programs of the probe's first attach point decide, as in bpftrace 0.26.
    if (!probe_) {
      error(e.range, "kfunc_allowed() can only be used in a probe");
      return Type::boolean();
    }
    probes::ProbeKind kind = probe_->specs.empty() ? probe_->kind : probe_->specs.front().kind;
    add_runtime_value(abi::ResolveKind::KfuncAllowed, e, c, "kfunc_allowed",
                      std::string(probes::describe(kind).prog_type) + ":");
    return Type::boolean();
  }
  case ValueFn::Strstr: {
    check_expr(*c.args[0]);
    check_expr(*c.args[1]);
    for (int i = 0; i < 2; ++i)
      if (!c.args[i]->type.is_string() && c.args[i]->type.kind != K::None)
        error(c.args[i]->range,
              "strstr() expects strings (" + ast::type_name(c.args[i]->type) + " provided)");
    // Searched without a loop: haystack x needle byte comparisons.
    if (c.args[0]->type.size * c.args[1]->type.size > 16384)
      error(e.range, "strstr(): a " + std::to_string(c.args[0]->type.size) +
                         "-byte haystack and a " + std::to_string(c.args[1]->type.size) +
                         "-byte needle are more than btc searches (16384 byte pairs)");
    return Type::int64();
  }
  case ValueFn::Strcap: { // a string's capacity: its size, known when compiling
    check_expr(*c.args[0]);
    const Type& t = c.args[0]->type;
    bool chars = t.kind == K::Array && t.pointee && t.pointee->is_integer() && t.pointee->size == 1;
    if (!t.is_string() && !chars && t.kind != K::None)
      error(c.args[0]->range, "strcap() expects a string or a char array (" +
                                  ast::type_name(t) + " provided)");
    return Type::int64();
  }
  case ValueFn::Memcmp: {
    check_expr(*c.args[0]);
    check_expr(*c.args[1]);
    check_expr(*c.args[2]);
    for (int i = 0; i < 2; ++i) {
      const Type& t = c.args[i]->type;
      if (!t.is_string() && t.kind != K::Buffer && t.kind != K::Array && t.kind != K::None)
        error(c.args[i]->range, "memcmp() compares strings, buffers or arrays (" +
                                    ast::type_name(t) + " provided)");
    }
    auto* n = c.args[2]->as<ast::IntLit>();
    if (!n) error(c.args[2]->range, "memcmp() expects a literal byte count");
    else if (n->value > std::min(c.args[0]->type.size, c.args[1]->type.size))
      error(c.args[2]->range, "memcmp(): " + std::to_string(n->value) + " bytes is more than "
                              "the values hold");
    return Type::int64();
  }
  case ValueFn::Len: {
    if (!c.args[0]->as<ast::MapRef>()) { // len(kstack), len(ustack): frames (0.26)
      check_expr(*c.args[0]);
      auto k = c.args[0]->type.kind;
      if (k == K::Kstack || k == K::Ustack) return Type::int64();
      if (k != K::None)
        error(c.args[0]->range,
              "len() expects a map or a stack (" + ast::type_name(c.args[0]->type) + " provided)");
      return Type::int64();
    }
    auto id = map_arg(*c.args[0], "len", false);
    if (id && info_.maps.size() > *id && c.args[0]->as<ast::MapRef>()) {
      auto st = maps_.find(c.args[0]->as<ast::MapRef>()->name);
      if (st != maps_.end() && st->second.has_keys && st->second.keys.empty())
        error(e.range,
              "len() expects a map with keys; " + c.args[0]->as<ast::MapRef>()->name + " has none");
    }
    return Type::int64();
  }
  case ValueFn::Errorf:
  case ValueFn::Warnf:
    check_printf_args(e, c, 1,
                      f == ValueFn::Errorf ? abi::EventKind::Errorf : abi::EventKind::Warnf);
    return Type::none();
  case ValueFn::Join: {
    check_expr(*c.args[0]);
    std::string sep = " ";
    if (c.args.size() == 2) {
      auto text = literal_text(*c.args[1]);
      if (!text) {
        error(e.range, "join() expects a string literal as its separator");
        return Type::none();
      }
      sep = *text;
    }
    const Type& t = c.args[0]->type;
    if (!t.is_pointer() && !t.is_integer() && t.kind != K::None) {
      error(e.range, "join() expects a pointer to an array of strings (" + ast::type_name(t) +
                         " provided)");
      return Type::none();
    }
    // Payload: kJoinArgs slots of strlen bytes; an empty slot ends the list.
    Type slots = Type::string(options_.strlen * kJoinArgs);
    info_.call_event[&e] = add_event(abi::EventKind::Join, sep, {slots}, e.range);
    return Type::none();
  }
  case ValueFn::Debugf: {
    auto* fmt = c.args[0]->as<ast::StrLit>();
    if (!fmt) {
      check_expr(*c.args[0]);
      error(e.range, "debugf() expects a string literal as its format");
      return Type::none();
    }
    c.args[0]->type = Type::string(static_cast<uint32_t>(fmt->value.size() + 1));
    for (size_t i = 1; i < c.args.size(); ++i) int_arg(i);
    warning(e.range, "The debugf() builtin is not recommended for production use. For more "
                     "information see bpf_trace_printk in bpf-helpers(7).");
    return Type::none();
  }
  case ValueFn::Reg:
    return check_reg(e, c, probe_name);
  case ValueFn::Uaddr:
    return check_uaddr(e, c, probe_name);
  case ValueFn::Override:
    if (!kind.rules.override_return) {
      error(e.range, "override can only be used with kprobes.");
      return Type::none();
    }
    check_expr(*c.args[0]);
    if (!c.args[0]->type.is_integer() && c.args[0]->type.kind != K::None) {
      error(e.range, "override() only supports integer arguments (" +
                         value_class_of(c.args[0]->type) + " provided)");
    }
    probe_->needs_pt_regs = true;
    return Type::none();
  case ValueFn::Path:
    if (!kind.rules.path) {
      error(e.range, "The path function can only be used with 'kfunc', 'kretfunc', 'iter' "
                     "probes");
      return Type::none();
    }
    return check_path(e, c);
  case ValueFn::WriteUser:
    return check_write_user(e, c);
  case ValueFn::PercpuKaddr:
    return check_percpu_kaddr(e, c);
  case ValueFn::SocketCookie:
    if (!kind.rules.path) {
      error(e.range, "socket_cookie() needs a BTF-typed socket pointer, which only 'kfunc' "
                     "(fentry), 'kretfunc' (fexit) and 'iter' probes have");
      return Type::none();
    }
    return check_socket_cookie(e, c);
  case ValueFn::Kstack:
  case ValueFn::Ustack:
  case ValueFn::DwUstack: {
    // kstack([mode][, limit]): mode is bpftrace | perf | raw (an identifier), limit a literal.
    abi::StackMode mode = options_.stack_mode;
    uint32_t limit = 127;
    for (auto& a : c.args) {
      if (auto* id = a->as<ast::Ident>()) {
        if (id->name == "bpftrace") mode = abi::StackMode::Bpftrace;
        else if (id->name == "perf") mode = abi::StackMode::Perf;
        else if (id->name == "raw") mode = abi::StackMode::Raw;
        else error(a->range, c.name + "(): invalid stack mode " + id->name);
      } else if (auto* lit = a->as<ast::IntLit>()) {
        if (lit->value > 1024) error(a->range, c.name + "(): limit must be <= 1024");
        limit = static_cast<uint32_t>(lit->value);
      } else {
        check_expr(*a);
        error(a->range, c.name + "() expects a stack mode and/or a literal limit" +
                            needed_when_compiling(*a));
      }
    }
    if (f == ValueFn::DwUstack) return check_dw_ustack(e, mode, limit);
    return stack_type(f == ValueFn::Ustack, mode, limit);
  }
  case ValueFn::Usym:
    int_arg(0);
    return Type::simple(K::Usym, 16);
  case ValueFn::Unwatch: {
    // Disarms the watchpoints on an address (the runtime closes their links).
    check_expr(*c.args[0]);
    const Type& t = c.args[0]->type;
    if (!t.is_integer()) {
      error(e.range, "unwatch() only supports integer arguments (" +
                         (t.is_pointer() ? std::string("pointer") : value_class_of(t)) +
                         " provided)");
      return Type::none();
    }
    info_.call_event[&e] =
        add_event(abi::EventKind::WatchpointDetach, "", {Type::uint64()}, e.range);
    return Type::none();
  }
  case ValueFn::Skboutput: // not implemented (FuncDesc::implemented)
    break;
  }
  check_args(0);
  error(e.range, c.name + "() is not supported yet by btc (see issue #5)");
  return Type::none();
}

} // namespace btc::sema
