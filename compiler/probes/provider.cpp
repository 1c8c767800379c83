// provider.cpp: what a probe family does unless its provider says otherwise.
//
// The defaults are the common case: one program per attach point, no `args`, retval and
// argN from pt_regs (or from the argument array of a twin), func as a kernel symbol, the
// event guard as prologue, the section of the kind's descriptor.
#include "probes/provider.h"

#include "sema/program_info.h"

namespace btc::probes {

using ast::Type;

bool Provider::accepts_positionals(AttachSpec&, std::string& error) const {
  error = "btc needs the whole attach point of a " + name() +
          " probe when compiling: a positional parameter is only read when the tool starts";
  return false;
}

std::vector<ProgramPlan> Provider::expand(AttachSpec spec, const ast::AttachPoint&, size_t,
                                          SemaContext&) const {
  return {ProgramPlan{std::move(spec), "", 0, std::nullopt}};
}

Type Provider::args_type(SemaContext& cx, ast::Expr& e) const {
  cx.error(e.range, "The args builtin can only be used with tracepoint/kfunc/uprobeprobes (" +
                        name() + " used here)");
  return Type::none();
}

// Only kinds whose args_type accepted `args` get here; theirs override this.
Type Provider::args_field(SemaContext&, ast::Expr&, ast::FieldAccess&) const {
  return Type::none();
}

Type Provider::retval_type(SemaContext& cx, ast::Expr&) const {
  return Type::uint64().in(cx.probe_memory());
}

Type Provider::ctx_type(SemaContext& cx, ast::Expr& e) const {
  return cx.context_type(e);
}

Type Provider::func_type() const {
  return Type::simple(ast::TypeKind::Ksym, 8);
}

std::optional<std::string> Provider::arg_index_error(uint32_t n, const std::string& name,
                                                     const targets::Target& target) const {
  if (n >= target.arg_offsets.size()) return std::string(target.name) + " doesn't support " + name;
  return std::nullopt;
}

void Provider::check_printf(SemaContext&, ast::Expr&, ast::Call&) const {}

std::string Provider::section(const AttachSpec&, bool) const {
  return std::string(desc_.section);
}

llvm::Value* Provider::lower_arg(LowerContext& lx, uint32_t n) const {
  const auto& regs = lx.program_info().target->arg_offsets;
  uint32_t off = arg_array_ctx(lx.twin()) ? 8 * n : (n < regs.size() ? regs[n] : 0);
  return lx.ctx_u64(off);
}

llvm::Value* Provider::lower_retval(LowerContext& lx) const {
  uint32_t off =
      arg_array_ctx(lx.twin()) ? 8 * lx.func_arg_slots() : lx.program_info().target->retval_offset;
  return lx.ctx_u64(off);
}

llvm::Value* Provider::lower_func(LowerContext& lx) const {
  return lx.call_helper(builtins::Helper::GetFuncIp, lx.builder().getInt64Ty(), {lx.context()});
}

llvm::Value* Provider::lower_ctx_field(LowerContext&, const ast::Expr&,
                                       const ast::FieldAccess&) const {
  return nullptr;
}

llvm::Value* Provider::probe_id_of(LowerContext&, llvm::Value* attach_id) const {
  return attach_id;
}

llvm::Value* Provider::lower_printf(LowerContext&, const ast::Expr&, const ast::Call&) const {
  return nullptr;
}

llvm::Value* Provider::direct_ctx_pointer(LowerContext&, const ast::Expr&) const {
  return nullptr;
}

void Provider::lower_companions(LowerContext&, const sema::ProbeInfo&, size_t) const {}

void Provider::describe_manifest(const sema::ProbeInfo&, abi::ProbeDesc&) const {}

} // namespace btc::probes
