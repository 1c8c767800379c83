// lower_path.cpp: path() through bpf_d_path.
//
// bpf_d_path needs a `struct path` BTF pointer the verifier knows is not NULL, and is only
// available to fentry/fexit and iterator programs (sema drops kprobe twins of a probe that
// calls it). The pointer the `struct path` is reached from is tested, then the field computed.
// Example: `kfunc:vfs_open { printf("%s\n", path(args->path)); }` ->
//   if (args->path != 0) bpf_d_path(args->path, buf, 64)
#include "codegen/lowerer.h"

namespace btc::codegen {

llvm::Value* Lowerer::lower_path(const ast::Expr& e, const ast::Call& c) {
  uint32_t size = e.type.size;
  auto* out = stack_buffer(size, "path");
  zero_fill(out, sema::align8(size));
  const ast::Expr& arg = *c.args[0];
  // bpf_d_path needs a BTF pointer the verifier knows is not NULL: test the pointer the
  // `struct path` is reached from (iterator objects may be NULL), then compute the field.
  const ast::Expr* root = &arg;
  uint32_t root_id = 0;
  btf::FieldPath path;
  auto* fa = arg.as<ast::FieldAccess>();
  bool through_field =
      fa && core_ && info_.field_paths.count(&arg) && arg.type.kind == ast::TypeKind::Record;
  if (through_field) field_chain(arg, *fa, root, root_id, path);
  // A BTF pointer of the context (an iterator's object) is loaded directly.
  llvm::Value* base = provider().direct_ctx_pointer(*this, *root);
  if (!base) base = lower_expr(*root);
  if (base->getType()->isPointerTy()) base = b_.CreatePtrToInt(base, i64_ty());
  auto* call_bb = llvm::BasicBlock::Create(ctx_, "d_path", fn_);
  auto* end_bb = llvm::BasicBlock::Create(ctx_, "d_path_end", fn_);
  b_.CreateCondBr(b_.CreateICmpEQ(base, i64(0)), end_bb, call_bb);
  b_.SetInsertPoint(call_bb);
  llvm::Value* ptr = b_.CreateIntToPtr(base, ptr_ty());
  if (through_field) ptr = core_->field_address(b_, ptr, root_id, path);
  call_helper(Helper::DPath, i64_ty(), {ptr, out, b_.getInt32(size)});
  b_.CreateBr(end_bb);
  b_.SetInsertPoint(end_bb);
  return out;
}

} // namespace btc::codegen
