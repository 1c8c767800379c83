// iter.cpp: iter:task and iter:task_file (BPF iterators, optionally pinned: iter:task:PIN).
//
// ctx is `struct bpf_iter__task *` / `struct bpf_iter__task_file *` from BTF; script reads of
// its members are copies (plain numbers to the verifier), while bpf_seq_printf's seq_file and
// bpf_d_path's argument are direct loads (the BTF pointers those helpers require). printf
// writes to the iterator's seq_file: the kernel formats it. An iter probe may only be
// accompanied by BEGIN and END, and the kernel calls it once more after the last object
// (with a NULL object), for which nothing of the script runs.
// Example: `iter:task { printf("%s\n", ctx->task->comm); }` ->
//   section "iter/task"; if (ctx[1] == 0) return 0;
//   comm = probe_read_kernel(core(&task->comm)); seq = ctx[0]->seq;
//   data[0] = &comm; bpf_seq_printf(seq, "%s\n", 4, data, 8)
#include "probes/providers/providers.h"

#include "btf/kernel_btf.h"
#include "builtins/printf_format.h"
#include "sema/program_info.h"

namespace btc::probes::providers {
namespace {

using ast::Type;

bool is_ctx(const ast::Expr& e) {
  auto* b = e.as<ast::Builtin>();
  return b && b->name == "ctx";
}

class IterProvider final : public Provider {
public:
  using Provider::Provider;

  bool parse(const std::vector<std::string_view>& parts, AttachSpec& spec,
             std::string& error) const override {
    if (parts.size() != 2 && parts.size() != 3) {
      error = "iter probe type takes 2 arguments (1 optional)";
      return false;
    }
    for (auto p : parts) {
      if (p.find('*') != std::string_view::npos) {
        error = "iter probe type does not support wildcards";
        return false;
      }
    }
    spec.target = std::string(parts[1]);
    if (parts.size() == 3) spec.func = std::string(parts[2]);
    spec.text = "iter:" + spec.target + (spec.func.empty() ? "" : ":" + spec.func);
    return true;
  }

  std::vector<ProgramPlan> expand(AttachSpec spec, const ast::AttachPoint& ap, size_t probe_index,
                                  SemaContext& cx) const override {
    const ast::Probe& probe = cx.program().probes[probe_index];
    if (probe.attach_points.size() > 1) {
      cx.error(ap.range, "Only single iter attach point is allowed.");
      return {};
    }
    if (spec.target != "task" && spec.target != "task_file") {
      cx.error(ap.range, "iter " + spec.target + " not available for your kernel version.");
      return {};
    }
    // 0.17 reads the iterator after attaching every probe; btc refuses the combination
    // instead of mixing an event loop with the iterator's output (docs/compat.md).
    std::string other_probe;
    for (const auto& other : cx.program().probes) {
      for (const auto& oap : other.attach_points) {
        std::string err;
        auto os = parse_attach_point(oap.text, err);
        if (os && other_probe.empty() && os->kind != ProbeKind::Iter &&
            os->kind != ProbeKind::Begin && os->kind != ProbeKind::End)
          other_probe = os->text;
      }
    }
    if (!other_probe.empty())
      cx.error(ap.range, "iter probes can only be combined with BEGIN and END probes (" +
                             other_probe + " found)");
    return Provider::expand(std::move(spec), ap, probe_index, cx);
  }

  // ctx: a pointer to the iterator's context struct.
  Type ctx_type(SemaContext& cx, ast::Expr& e) const override {
    const auto& specs = cx.probe().specs;
    const std::string& it = specs.empty() ? std::string() : specs[0].target;
    std::optional<uint32_t> id;
    if (cx.btf()) id = cx.btf()->find_record("bpf_iter__" + it);
    if (!id) {
      cx.error(e.range, "unsupported iter type: " + it);
      return Type::none();
    }
    Type p = Type::simple(ast::TypeKind::Pointer, 8);
    p.btf_id = *id;
    p.as = ast::AddrSpace::Kernel;
    p.pointee = std::make_shared<Type>(cx.btf()->to_ast_type(*id));
    return p;
  }

  // bpf_seq_printf: only the conversions the kernel knows (d i u x X c s p with an optional
  // l/ll) and at most 12 arguments, integers or strings.
  void check_printf(SemaContext& cx, ast::Expr& e, ast::Call& c) const override {
    auto* fmt = c.args.empty() ? nullptr : c.args[0]->as<ast::StrLit>();
    if (!fmt) return;
    std::string err;
    auto convs = builtins::parse_format(fmt->value, err);
    if (!convs) return; // reported with the ordinary printf checks
    if (convs->size() > 12) cx.error(e.range, "printf in iter probes takes at most 12 arguments");
    for (size_t i = 0; i < convs->size(); ++i) {
      const auto& conv = (*convs)[i];
      bool bad_len =
          conv.spec.find('h') != std::string::npos || conv.spec.find('j') != std::string::npos ||
          conv.spec.find('z') != std::string::npos || conv.spec.find('t') != std::string::npos;
      if (conv.cls == builtins::ConvClass::Buffer || bad_len || conv.spec.back() == 'o') {
        cx.error(e.range, "printf format " + conv.spec +
                              " is not supported in iter probes "
                              "(the kernel formats their output)");
        continue;
      }
      if (i + 1 >= c.args.size()) continue;
      const Type& t = c.args[i + 1]->type;
      if (conv.cls == builtins::ConvClass::String && !t.is_string())
        cx.error(c.args[i + 1]->range, "printf in iter probes prints strings and integers only (" +
                                           ast::type_name(t) + " provided)");
    }
  }

  std::string section(const AttachSpec& spec, bool) const override { return "iter/" + spec.target; }

  // The final seq_file "stop" call has a NULL object: nothing of the script runs for it. The
  // iterator runs once, from start to end, so it has no event guard.
  void prologue(LowerContext& lx) const override {
    auto& b = lx.builder();
    llvm::Value* obj = lx.ctx_u64(8);
    auto* run = llvm::BasicBlock::Create(b.getContext(), "iter_obj", lx.function());
    auto* done = llvm::BasicBlock::Create(b.getContext(), "iter_end", lx.function());
    b.CreateCondBr(b.CreateICmpEQ(obj, lx.i64(0)), done, run);
    b.SetInsertPoint(done);
    b.CreateRet(b.getInt32(0));
    b.SetInsertPoint(run);
  }

  // ctx->task, ctx->fd, ctx->file: copied out of the context, so the value is a plain number
  // to the verifier (a direct load would give a maybe-NULL BTF pointer, on which no field
  // offset may be added before a NULL test LLVM is free to fold away).
  llvm::Value* lower_ctx_field(LowerContext& lx, const ast::Expr& e,
                               const ast::FieldAccess& f) const override {
    if (!is_ctx(*f.base)) return nullptr;
    const auto& paths = lx.program_info().field_paths;
    auto it = paths.find(&e);
    if (it == paths.end()) return nullptr;
    auto& b = lx.builder();
    uint32_t size = e.type.is_pointer() ? 8 : std::min<uint32_t>(e.type.size, 8);
    auto* tmp = lx.stack_buffer(8, "iter_ctx", true);
    lx.zero_fill(tmp, 8);
    lx.probe_read(tmp, size, lx.gep(lx.context(), it->second.offset), ast::AddrSpace::Kernel);
    if (size >= 8) return b.CreateAlignedLoad(b.getInt64Ty(), tmp, llvm::Align(8));
    llvm::Value* v = b.CreateAlignedLoad(b.getIntNTy(size * 8), tmp, llvm::Align(8));
    return e.type.is_signed ? b.CreateSExt(v, b.getInt64Ty()) : b.CreateZExt(v, b.getInt64Ty());
  }

  llvm::Value* lower_printf(LowerContext& lx, const ast::Expr& e,
                            const ast::Call& c) const override;

  // The iterator's object itself (a BTF pointer, which bpf_d_path insists on).
  llvm::Value* direct_ctx_pointer(LowerContext& lx, const ast::Expr& root) const override {
    auto* fa = root.as<ast::FieldAccess>();
    const auto& paths = lx.program_info().field_paths;
    if (!fa || !is_ctx(*fa->base) || !paths.count(&root)) return nullptr;
    return lx.ctx_u64(paths.at(&root).offset);
  }
};

llvm::Value* IterProvider::lower_printf(LowerContext& lx, const ast::Expr& e,
                                        const ast::Call& c) const {
  auto& b = lx.builder();
  const auto& info = lx.program_info();
  const auto& ev = info.events[info.call_event.at(&e)];
  // The format lives on the stack: bpf_seq_printf wants a NUL-terminated readable buffer.
  uint32_t fmt_size = static_cast<uint32_t>(ev.format.size() + 1);
  auto* fmt = lx.stack_buffer(sema::align8(fmt_size), "seq_fmt", true);
  for (uint32_t off = 0; off < sema::align8(fmt_size); off += 8) {
    uint64_t word = 0;
    for (uint32_t i = 0; i < 8 && off + i < ev.format.size(); ++i)
      word |= uint64_t(static_cast<uint8_t>(ev.format[off + i])) << (8 * i);
    b.CreateAlignedStore(lx.i64(word), lx.gep(fmt, off), llvm::Align(8));
  }
  size_t nargs = c.args.size() - 1;
  llvm::Value* data = llvm::ConstantPointerNull::get(b.getPtrTy());
  if (nargs > 0) {
    auto* buf = lx.stack_buffer(static_cast<uint32_t>(8 * nargs), "seq_args", true);
    for (size_t i = 0; i < nargs; ++i) {
      const ast::Expr& a = *c.args[i + 1];
      llvm::Value* v = lx.lower_expr(a);
      if (v->getType()->isPointerTy())
        v = b.CreatePtrToInt(v, b.getInt64Ty()); // %s: address
      else if (a.type.is_integer())
        v = lx.convert_int(v, a.type);
      b.CreateAlignedStore(v, lx.gep(buf, 8 * i), llvm::Align(8));
    }
    data = buf;
  }
  // seq = ctx->meta->seq, both direct loads (the helper checks the seq_file's BTF type).
  llvm::Value* meta = b.CreateAlignedLoad(b.getPtrTy(), lx.context(), llvm::Align(8));
  llvm::Value* seq = b.CreateAlignedLoad(b.getPtrTy(), meta, llvm::Align(8));
  lx.call_helper(
      builtins::Helper::SeqPrintf, b.getInt64Ty(),
      {seq, fmt, b.getInt32(fmt_size), data, b.getInt32(static_cast<uint32_t>(8 * nargs))});
  return lx.i64(0);
}

// clang-format off
const ProbeKindDesc kIter{ProbeKind::Iter, {"it"}, "iter", "BPF_PROG_TYPE_TRACING", {.path = true},
    ast::AddrSpace::Kernel};
// clang-format on

} // namespace

BTC_PROVIDER(iter, IterProvider, kIter)

} // namespace btc::probes::providers
