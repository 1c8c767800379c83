// lower_tracing.cpp: codegen for kfunc/kretfunc (fentry/fexit and their kprobe twins) and
// iter probes: sections, argument reads, the iterator prologue, printf through
// bpf_seq_printf, and path() through bpf_d_path.
//
// A kfunc program's context is the traced function's arguments as u64 slots (retval after
// them); its kprobe twin reads the same slots from pt_regs registers (probe_arg). An iter
// program's context is `struct bpf_iter__<name>`, whose members are u64 slots too; script
// reads of them are copies (plain numbers), while bpf_seq_printf's seq_file and
// bpf_d_path's argument are direct loads (the verifier's BTF pointers, which they require).
// Example: `iter:task { printf("%s\n", ctx->task->comm); }` ->
//   section "iter/task"; if (ctx[1] == 0) return 0;            (the final call: no task)
//   comm = probe_read_kernel(core(&task->comm)); seq = ctx[0]->seq;
//   data[0] = &comm; bpf_seq_printf(seq, "%s\n", 4, data, 8)
#include "codegen/lowerer.h"
#include "sema/kfunc_signature.h"

namespace btc::codegen {

namespace {
using probes::ProbeKind;
constexpr uint64_t kHelperSeqPrintf = 126, kHelperDPath = 147;

bool is_kfunc(ProbeKind k) { return k == ProbeKind::Kfunc || k == ProbeKind::Kretfunc; }

bool is_builtin(const ast::Expr& e, std::string_view name) {
  auto* b = e.as<ast::Builtin>();
  return b && b->name == name;
}
} // namespace

std::optional<std::string> Lowerer::tracing_section(bool twin) const {
  switch (spec_->kind) {
  case ProbeKind::Kfunc: return std::string(twin ? "kprobe/" : "fentry/") + spec_->func;
  case ProbeKind::Kretfunc: return std::string(twin ? "kretprobe/" : "fexit/") + spec_->func;
  case ProbeKind::Iter: return "iter/" + spec_->target;
  default: return std::nullopt;
  }
}

bool Lowerer::arg_array_ctx(bool twin) const {
  if (is_kfunc(spec_->kind)) return !twin; // the twin of a kfunc is a kprobe
  return twin;                             // the twin of a kprobe is an fentry
}

void Lowerer::emit_iter_prologue() {
  // The kernel calls the program once more after the last object, with a NULL object (the
  // seq_file "stop" call); nothing of the script should run for it.
  llvm::Value* obj = b_.CreateAlignedLoad(i64_ty(), gep(ctx_arg_, 8), llvm::Align(8));
  auto* run = llvm::BasicBlock::Create(ctx_, "iter_obj", fn_);
  auto* done = llvm::BasicBlock::Create(ctx_, "iter_end", fn_);
  b_.CreateCondBr(b_.CreateICmpEQ(obj, i64(0)), done, run);
  b_.SetInsertPoint(done);
  b_.CreateRet(b_.getInt32(0));
  b_.SetInsertPoint(run);
}

llvm::Value* Lowerer::lower_tracing_field(const ast::Expr& e, const ast::FieldAccess& f) {
  bool rawtp = spec_->kind == ProbeKind::RawTracepoint;
  if ((is_kfunc(spec_->kind) || rawtp) && f.base->type.kind == ast::TypeKind::Ctx) {
    // args->NAME: the parameter's slot in this program's function (raw tracepoint: its
    // arguments after __data).
    auto sig = !btf_ ? std::nullopt
               : rawtp ? sema::raw_tracepoint_signature(*btf_, spec_->func)
                       : sema::kfunc_signature(*btf_, spec_->func);
    const sema::KfuncArg* arg = sig ? sema::find_kfunc_arg(*sig, f.field) : nullptr;
    if (!arg) return i64(0); // sema checked every attach point
    return convert_int(probe_arg(arg->slot), e.type);
  }
  if (spec_->kind == ProbeKind::Uprobe && f.base->type.kind == ast::TypeKind::Ctx) {
    // args->NAME: the parameter's argument register (typed from the binary's DWARF).
    return convert_int(probe_arg(info_.uprobe_arg_slots.at(&e)), e.type);
  }
  if (spec_->kind == ProbeKind::Iter && is_builtin(*f.base, "ctx")) {
    // ctx->task, ctx->fd, ctx->file: copied out of the context, so the value is a plain
    // number to the verifier (a direct load would give a maybe-NULL BTF pointer, on which
    // no field offset may be added before a NULL test LLVM is free to fold away).
    auto it = info_.field_paths.find(&e);
    if (it == info_.field_paths.end()) return nullptr;
    uint32_t size = e.type.is_pointer() ? 8 : std::min<uint32_t>(e.type.size, 8);
    auto* tmp = stack_buffer(8, "iter_ctx");
    zero_fill(tmp, 8);
    probe_read(tmp, size, gep(ctx_arg_, it->second.offset), ast::AddrSpace::Kernel);
    if (size >= 8) return b_.CreateAlignedLoad(i64_ty(), tmp, llvm::Align(8));
    llvm::Value* v = b_.CreateAlignedLoad(b_.getIntNTy(size * 8), tmp, llvm::Align(8));
    return e.type.is_signed ? b_.CreateSExt(v, i64_ty()) : b_.CreateZExt(v, i64_ty());
  }
  return nullptr;
}

llvm::Value* Lowerer::lower_seq_printf(const ast::Expr& e, const ast::Call& c) {
  const auto& ev = info_.events[info_.call_event.at(&e)];
  // The format lives on the stack: bpf_seq_printf wants a NUL-terminated readable buffer.
  uint32_t fmt_size = static_cast<uint32_t>(ev.format.size() + 1);
  auto* fmt = stack_buffer(sema::align8(fmt_size), "seq_fmt");
  for (uint32_t off = 0; off < sema::align8(fmt_size); off += 8) {
    uint64_t word = 0;
    for (uint32_t i = 0; i < 8 && off + i < ev.format.size(); ++i)
      word |= uint64_t(static_cast<uint8_t>(ev.format[off + i])) << (8 * i);
    b_.CreateAlignedStore(i64(word), gep(fmt, off), llvm::Align(8));
  }
  size_t nargs = c.args.size() - 1;
  llvm::Value* data = llvm::ConstantPointerNull::get(b_.getPtrTy());
  if (nargs > 0) {
    auto* buf = stack_buffer(static_cast<uint32_t>(8 * nargs), "seq_args");
    for (size_t i = 0; i < nargs; ++i) {
      const ast::Expr& a = *c.args[i + 1];
      llvm::Value* v = lower_expr(a);
      if (v->getType()->isPointerTy()) v = b_.CreatePtrToInt(v, i64_ty()); // %s: its address
      else if (a.type.is_integer()) v = convert_int(v, a.type);
      b_.CreateAlignedStore(v, gep(buf, 8 * i), llvm::Align(8));
    }
    data = buf;
  }
  // seq = ctx->meta->seq, both direct loads (the helper checks the seq_file's BTF type).
  llvm::Value* meta = b_.CreateAlignedLoad(ptr_ty(), ctx_arg_, llvm::Align(8));
  llvm::Value* seq = b_.CreateAlignedLoad(ptr_ty(), meta, llvm::Align(8));
  call_helper(static_cast<Helper>(kHelperSeqPrintf), i64_ty(),
              {seq, fmt, b_.getInt32(fmt_size), data, b_.getInt32(static_cast<uint32_t>(8 * nargs))});
  return i64(0);
}

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
  bool through_field = fa && core_ && info_.field_paths.count(&arg) &&
                       arg.type.kind == ast::TypeKind::Record;
  if (through_field) field_chain(arg, *fa, root, root_id, path);
  llvm::Value* base = nullptr;
  auto* root_fa = root->as<ast::FieldAccess>();
  if (spec_->kind == ProbeKind::Iter && root_fa && is_builtin(*root_fa->base, "ctx") &&
      info_.field_paths.count(root)) {
    // The iterator's object itself (a BTF pointer, which bpf_d_path insists on).
    base = b_.CreateAlignedLoad(i64_ty(), gep(ctx_arg_, info_.field_paths.at(root).offset),
                                llvm::Align(8));
  } else {
    base = lower_expr(*root);
  }
  if (base->getType()->isPointerTy()) base = b_.CreatePtrToInt(base, i64_ty());
  auto* call_bb = llvm::BasicBlock::Create(ctx_, "d_path", fn_);
  auto* end_bb = llvm::BasicBlock::Create(ctx_, "d_path_end", fn_);
  b_.CreateCondBr(b_.CreateICmpEQ(base, i64(0)), end_bb, call_bb);
  b_.SetInsertPoint(call_bb);
  llvm::Value* ptr = b_.CreateIntToPtr(base, ptr_ty());
  if (through_field) ptr = core_->field_address(b_, ptr, root_id, path);
  call_helper(static_cast<Helper>(kHelperDPath), i64_ty(), {ptr, out, b_.getInt32(size)});
  b_.CreateBr(end_bb);
  b_.SetInsertPoint(end_bb);
  return out;
}

} // namespace btc::codegen
