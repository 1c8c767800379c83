// check_kfunc.cpp: BTF prototypes of kernel functions and raw tracepoints (looked up once,
// for the kfunc and rawtracepoint providers), and path().
// Example: kfunc_sig("vfs_read") -> {args file, buf, count, pos; retval ssize_t, slot 4}.
#include "sema/checker.h"

namespace btc::sema {

const btf::KfuncSignature* Checker::kfunc_sig(const std::string& func) {
  if (!options_.btf) return nullptr;
  auto it = kfunc_sigs_.find(func);
  if (it == kfunc_sigs_.end())
    it = kfunc_sigs_.emplace(func, btf::kfunc_signature(*options_.btf, func)).first;
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

} // namespace btc::sema
