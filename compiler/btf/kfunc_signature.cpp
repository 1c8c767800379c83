// kfunc_signature.cpp: kfunc/kretfunc arguments and return value from a BTF FUNC_PROTO (see
// kfunc_signature.h).
#include "btf/kfunc_signature.h"

#include <bpf/btf.h>

namespace btc::btf {

namespace {

// A pointer whose pointee carries the BTF type tag "user" (`char __user *`).
bool is_user_pointer(const btf::KernelBtf& btf, uint32_t id) {
  const struct btf_type* t = btf.type_by_id(id);
  for (int depth = 0; t && !btf_is_ptr(t) && depth < 16; ++depth) {
    if (!btf_is_typedef(t) && !btf_is_mod(t)) return false;
    id = t->type;
    t = btf.type_by_id(id);
  }
  if (!t || !btf_is_ptr(t)) return false;
  for (int depth = 0; depth < 16; ++depth) {
    id = t->type;
    t = btf.type_by_id(id);
    if (!t) return false;
    if (btf_kind(t) == BTF_KIND_TYPE_TAG && btf.name_of(id) == "user") return true;
    if (!btf_is_mod(t) && btf_kind(t) != BTF_KIND_TYPE_TAG) return false;
  }
  return false;
}
} // namespace

namespace {
KfuncSignature signature_of(const btf::KernelBtf& btf, const btf::FuncProto* proto,
                            uint32_t register_slots);
} // namespace

std::optional<KfuncSignature> kfunc_signature(const btf::KernelBtf& btf, std::string_view func,
                                              uint32_t register_slots) {
  auto proto = btf.func_proto(func);
  if (!proto) return std::nullopt;
  return signature_of(btf, &*proto, register_slots);
}

std::optional<KfuncSignature> raw_tracepoint_signature(const btf::KernelBtf& btf,
                                                       std::string_view event) {
  auto proto = btf.raw_tracepoint_proto(event);
  if (!proto) return std::nullopt;
  return signature_of(btf, &*proto, 6); // no kprobe twin reads these registers
}

namespace {
KfuncSignature signature_of(const btf::KernelBtf& btf, const btf::FuncProto* proto,
                            uint32_t register_slots) {
  KfuncSignature sig;
  uint32_t slot = 0;
  for (const auto& p : proto->params) {
    KfuncArg a;
    a.name = p.name;
    a.btf_id = p.type_id;
    a.type = btf.to_ast_type(p.type_id);
    a.slot = slot;
    a.type.as = a.type.is_pointer() && is_user_pointer(btf, p.type_id) ? ast::AddrSpace::User
                                                                       : ast::AddrSpace::Kernel;
    uint32_t size = a.type.is_pointer() ? 8 : a.type.size;
    uint32_t slots = size == 0 ? 1 : (size + 7) / 8;
    if (!(a.type.is_integer() || a.type.is_pointer()) || slots != 1) sig.register_args = false;
    slot += slots;
    sig.args.push_back(std::move(a));
  }
  if (slot > register_slots) sig.register_args = false;
  sig.retval_slot = slot;
  if (proto->ret_type_id != 0) {
    sig.retval = btf.to_ast_type(proto->ret_type_id);
    if (!(sig.retval.is_integer() || sig.retval.is_pointer())) sig.register_args = false;
  } else {
    sig.retval = ast::Type::none();
  }
  return sig;
}
} // namespace

const KfuncArg* find_kfunc_arg(const KfuncSignature& sig, std::string_view name) {
  for (const auto& a : sig.args)
    if (a.name == name) return &a;
  return nullptr;
}

} // namespace btc::btf
