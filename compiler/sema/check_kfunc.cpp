// check_kfunc.cpp: BTF prototypes of kernel functions and raw tracepoints (looked up once,
// for the kfunc and rawtracepoint providers), and path().
// Example: kfunc_sig("vfs_read") -> {args file, buf, count, pos; retval ssize_t, slot 4}.
#include "sema/checker.h"

namespace btc::sema {

const btf::KfuncSignature* Checker::kfunc_sig(const std::string& func) {
  if (!options_.btf) return nullptr;
  auto it = kfunc_sigs_.find(func);
  if (it == kfunc_sigs_.end()) {
    // A syscall function of the target (__arm64_sys_openat) has the same prototype as the
    // build BTF's own (__x64_sys_openat) when that BTF is another architecture's.
    std::optional<btf::KfuncSignature> sig;
    for (const std::string& name : targets::function_spellings(*info_.target, func))
      if ((sig = btf::kfunc_signature(*options_.btf, name,
                                      static_cast<uint32_t>(info_.target->arg_offsets.size()))))
        break;
    it = kfunc_sigs_.emplace(func, std::move(sig)).first;
  }
  return it->second ? &*it->second : nullptr;
}

const btf::KfuncSignature* Checker::raw_tracepoint_sig(const std::string& event) {
  if (!options_.btf) return nullptr;
  std::string key = "rawtracepoint:" + event; // no kernel function has a ':' in its name
  auto it = kfunc_sigs_.find(key);
  if (it == kfunc_sigs_.end())
    it = kfunc_sigs_.emplace(key, btf::raw_tracepoint_signature(*options_.btf, event)).first;
  return it->second ? &*it->second : nullptr;
}

// path(struct path *) / path(struct path): the d_path of a kernel `struct path`.
Type Checker::check_path(ast::Expr& e, ast::Call& c) {
  check_expr(*c.args[0]);
  const Type& t = c.args[0]->type;
  if (t.kind == ast::TypeKind::None) return Type::none();
  bool record = t.kind == ast::TypeKind::Record;
  bool pointer = t.is_pointer();
  if (!record && !pointer) {
    error(e.range, "path() only supports pointer or record argument (" + value_class_of(t) +
                       " provided)");
    return Type::none();
  }
  const Type* rec = record ? &t : t.pointee.get();
  if (rec && rec->kind == ast::TypeKind::Record && rec->name != "path") {
    error(e.range, "path() expects a struct path (" + ast::type_name(t) + " provided)");
    return Type::none();
  }
  fentry_only_ = true;
  return Type::string(options_.strlen);
}

// socket_cookie(sk) (0.26): bpf_get_socket_cookie on a BTF-typed socket, e.g. fentry's
// args.sk. The kernel takes struct sock_common and the socket structs that begin with it.
Type Checker::check_socket_cookie(ast::Expr&, ast::Call& c) {
  static constexpr std::string_view kSockets[] = {
      "sock",      "sock_common",  "inet_sock",          "inet_connection_sock",
      "tcp_sock",  "udp_sock",     "tcp6_sock",          "udp6_sock",
      "unix_sock", "request_sock", "inet_timewait_sock", "mptcp_sock"};
  check_expr(*c.args[0]);
  const Type& t = c.args[0]->type;
  if (t.kind == ast::TypeKind::None) return Type::none();
  const Type* rec = t.is_pointer() ? t.pointee.get() : nullptr;
  bool ok = rec && rec->kind == ast::TypeKind::Record && !rec->is_union &&
            std::find(std::begin(kSockets), std::end(kSockets), rec->name) != std::end(kSockets);
  if (!ok) {
    error(c.args[0]->range, "socket_cookie() expects a pointer to a kernel socket (struct sock, "
                            "struct sock_common, ...; " +
                                ast::type_name(t) + " provided)");
    return Type::none();
  }
  fentry_only_ = true;
  return Type::uint64();
}

// percpu_kaddr("name"[, cpu]) (0.26): the address of a per-CPU kernel variable on `cpu` (or
// this CPU), through a BTF-typed ksym the tool's libbpf resolves on the target. A uint64 *,
// as 0.26 types it.
Type Checker::check_percpu_kaddr(ast::Expr& e, ast::Call& c) {
  Type out = Type::simple(ast::TypeKind::Pointer, 8);
  out.pointee = std::make_shared<Type>(Type::uint64());
  out.as = ast::AddrSpace::Kernel;
  auto* name = c.args[0]->as<ast::StrLit>();
  if (!name) {
    check_expr(*c.args[0]);
    error(c.args[0]->range, "percpu_kaddr() expects the variable's name as a string literal");
    return out;
  }
  if (c.args.size() == 2) {
    check_expr(*c.args[1]);
    if (!c.args[1]->type.is_integer())
      error(c.args[1]->range, "percpu_kaddr() expects a CPU number (" +
                                  value_class_of(c.args[1]->type) + " provided)");
  }
  if (!options_.btf) {
    error(e.range, "percpu_kaddr() needs the kernel's BTF to find '" + name->value + "'");
    return out;
  }
  if (!options_.btf->percpu_var_type(name->value))
    error(c.args[0]->range,
          "percpu_kaddr(): '" + name->value + "' is not a per-CPU variable in the kernel's BTF");
  return out;
}

// write_user(dst, src, len) (0.26, unsafe): bpf_probe_write_user of `len` bytes of a string
// value or of a variable (&$x) to the user address `dst`; true on success.
Type Checker::check_write_user(ast::Expr&, ast::Call& c) {
  for (auto& a : c.args) check_expr(*a);
  const Type& dst = c.args[0]->type;
  if (!dst.is_pointer() && !dst.is_integer() && dst.kind != ast::TypeKind::None)
    error(c.args[0]->range,
          "write_user() expects a user address to write to (" + ast::type_name(dst) + " provided)");
  const Type& src = c.args[1]->type;
  uint32_t room = 0;
  auto* addr = c.args[1]->as<ast::Unary>();
  if (src.is_string()) {
    room = src.size;
  } else if (addr && addr->op == ast::UnOp::AddrOf && addr->operand->as<ast::Var>() &&
             src.pointee) {
    room = src.pointee->size;
  } else if (src.kind != ast::TypeKind::None) {
    error(c.args[1]->range, "write_user() writes a string value or a variable's bytes (&$x); " +
                                ast::type_name(src) + " provided");
  }
  auto* len = c.args[2]->as<ast::IntLit>();
  if (!len) {
    error(c.args[2]->range, "write_user() expects the length as an integer literal" +
                                needed_when_compiling(*c.args[2]));
  } else if (room && (len->value == 0 || len->value > room)) {
    error(c.args[2]->range, "write_user() length must be between 1 and " + std::to_string(room) +
                                " (the size of what it writes)");
  }
  return Type::boolean();
}

} // namespace btc::sema
