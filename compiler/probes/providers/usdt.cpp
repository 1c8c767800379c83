// usdt.cpp: usdt:BIN:[NS:]NAME, and with -p (checked where the tool runs) usdt:NAME and
// usdt::NS:NAME: target = BIN (may be empty), func = "NAME" or "NS:NAME".
//
// Notes, semaphores and argument specs are read where the tool runs (the runtime's usdt
// provider), so argN is decoded on the target from the spec table btc_usdt_specs
// (btc/usdt.h), slot = high half of the BPF cookie:
//   spec = specs[cookie >> 32].args[N]            (no entry: 0)
//   Const: v = spec.value
//   Reg:   v = pt_regs[base_off] >> shift         (bpf_probe_read_kernel: variable ctx offset)
//   Deref: v = *(user, size bytes)(pt_regs[base_off] + pt_regs[index_off] * scale + value)
//   then the low `size` bytes of v are sign- or zero-extended to 64 bits.
#include "probes/providers/providers.h"

#include "btc/usdt.h"
#include "probes/parse_util.h"
#include "sema/program_info.h"

#include <cstddef>

namespace btc::probes::providers {
namespace {

class UsdtProvider final : public Provider {
public:
  using Provider::Provider;

  bool parse(const std::vector<std::string_view>& parts, AttachSpec& spec,
             std::string& error) const override {
    if (parts.size() < 2 || parts.size() > 4) {
      error = "usdt probe type requires 2 or 3 arguments";
      return false;
    }
    if (parts.back().empty()) {
      error = "usdt probe must have a target function or wildcard";
      return false;
    }
    if (parts.size() >= 3) spec.target = unquote(parts[1]);
    std::string ns = parts.size() == 4 ? unquote(parts[2]) : "";
    spec.func = (ns.empty() ? "" : ns + ":") + unquote(parts.back());
    spec.wildcard = spec.target.empty() || spec.target.find('*') != std::string::npos ||
                    spec.func.find('*') != std::string::npos;
    spec.text = "usdt:" + (parts.size() >= 3 ? spec.target + ":" : "") + spec.func;
    return true;
  }

  bool accepts_positionals(AttachSpec& spec, std::string& error) const override {
    return name_from_positional(spec, error);
  }

  // usdt arguments come from the note's specs, not registers: arg0..arg9 (0.17 said
  // "x86_64 doesn't support arg6" for usdt too, see docs/compat.md).
  std::optional<std::string> arg_index_error(uint32_t, const std::string&,
                                             const targets::Target&) const override {
    return std::nullopt;
  }

  llvm::Value* lower_arg(LowerContext& lx, uint32_t n) const override;

  // usdt cookies carry the argument-table slot in the high half (btc/usdt.h).
  llvm::Value* probe_id_of(LowerContext& lx, llvm::Value* attach_id) const override {
    return lx.builder().CreateAnd(attach_id, 0xffffffffull);
  }

  // The runtime checks each note has the arguments the action reads.
  void describe_manifest(const sema::ProbeInfo& p, abi::ProbeDesc& d) const override {
    d.arg_mask = p.arg_mask;
  }
};

llvm::Value* UsdtProvider::lower_arg(LowerContext& lx, uint32_t n) const {
  auto& b = lx.builder();

  llvm::GlobalVariable* map =
      lx.object_map(abi::kUsdtSpecMap, builtins::kMapArray, 1, 4, sizeof(abi::UsdtSpec));
  using S = abi::UsdtArgSpec;
  auto* i8 = b.getInt8Ty();
  auto* i16 = b.getInt16Ty();

  llvm::Value* cookie = lx.attach_id(); // cookie, or the patched constant of a program copy
  auto* key = lx.stack_buffer(8, "usdt_slot", true);
  b.CreateAlignedStore(b.CreateTrunc(b.CreateLShr(cookie, 32), b.getInt32Ty()), key,
                       llvm::Align(4));
  llvm::Value* spec = lx.map_lookup(map, key);
  auto* from_bb = b.GetInsertBlock();
  auto* found_bb = llvm::BasicBlock::Create(b.getContext(), "usdt_spec", lx.function());
  auto* done_bb = llvm::BasicBlock::Create(b.getContext(), "usdt_done", lx.function());
  b.CreateCondBr(b.CreateICmpEQ(spec, llvm::ConstantPointerNull::get(b.getPtrTy())), done_bb,
                 found_bb);

  b.SetInsertPoint(found_bb);
  llvm::Value* a = lx.gep(spec, uint64_t{n} * sizeof(S));
  auto field8 = [&](size_t off) {
    return b.CreateZExt(b.CreateLoad(i8, lx.gep(a, off)), b.getInt64Ty());
  };
  llvm::Value* kind = field8(offsetof(S, kind));
  llvm::Value* size = field8(offsetof(S, size));
  llvm::Value* is_signed = field8(offsetof(S, is_signed));
  llvm::Value* value =
      b.CreateAlignedLoad(b.getInt64Ty(), lx.gep(a, offsetof(S, value)), llvm::Align(8));
  auto* result = lx.stack_buffer(8, "usdt_arg", true);
  b.CreateAlignedStore(value, result, llvm::Align(8)); // Const (and None: 0)
  auto* reg_bb = llvm::BasicBlock::Create(b.getContext(), "usdt_reg", lx.function());
  auto* deref_bb = llvm::BasicBlock::Create(b.getContext(), "usdt_deref", lx.function());
  auto* extend_bb = llvm::BasicBlock::Create(b.getContext(), "usdt_extend", lx.function());
  auto code = [&](abi::UsdtArgKind k) { return lx.i64(static_cast<uint64_t>(k)); };
  b.CreateCondBr(b.CreateOr(b.CreateICmpEQ(kind, code(abi::UsdtArgKind::Reg)),
                            b.CreateICmpEQ(kind, code(abi::UsdtArgKind::Deref))),
                 reg_bb, extend_bb);

  // pt_regs field at a run-time offset: the verifier allows no variable ctx loads.
  auto read_reg = [&](size_t field_off) {
    llvm::Value* off = b.CreateZExt(b.CreateLoad(i16, lx.gep(a, field_off)), b.getInt64Ty());
    auto* tmp = lx.stack_buffer(8, "usdt_reg", true);
    lx.zero_fill(tmp, 8);
    lx.call_helper(builtins::Helper::ProbeReadKernel, b.getInt64Ty(),
                   {tmp, b.getInt32(8), b.CreateGEP(i8, lx.context(), off)});
    return b.CreateAlignedLoad(b.getInt64Ty(), tmp, llvm::Align(8));
  };
  b.SetInsertPoint(reg_bb);
  llvm::Value* reg = b.CreateLShr(read_reg(offsetof(S, base_off)), field8(offsetof(S, shift)));
  b.CreateAlignedStore(reg, result, llvm::Align(8));
  b.CreateCondBr(b.CreateICmpEQ(kind, code(abi::UsdtArgKind::Deref)), deref_bb, extend_bb);

  b.SetInsertPoint(deref_bb);
  llvm::Value* index = b.CreateMul(read_reg(offsetof(S, index_off)), field8(offsetof(S, scale)));
  llvm::Value* addr = b.CreateAdd(b.CreateAdd(reg, index), value);
  auto* mem = lx.stack_buffer(8, "usdt_mem", true);
  lx.zero_fill(mem, 8);
  llvm::Value* len = b.CreateSelect(b.CreateICmpUGT(size, lx.i64(8)), lx.i64(8), size);
  lx.call_helper(builtins::Helper::ProbeReadUser, b.getInt64Ty(),
                 {mem, b.CreateTrunc(len, b.getInt32Ty()), b.CreateIntToPtr(addr, b.getPtrTy())});
  b.CreateAlignedStore(b.CreateAlignedLoad(b.getInt64Ty(), mem, llvm::Align(8)), result,
                       llvm::Align(8));
  b.CreateBr(extend_bb);

  // Keep the low `size` bytes: shift them to the top, then back (arithmetic when signed).
  b.SetInsertPoint(extend_bb);
  llvm::Value* v = b.CreateAlignedLoad(b.getInt64Ty(), result, llvm::Align(8));
  llvm::Value* partial = b.CreateICmpULT(b.CreateSub(size, lx.i64(1)), lx.i64(7)); // 1..7
  llvm::Value* bits =
      b.CreateSelect(partial, b.CreateSub(lx.i64(64), b.CreateMul(size, lx.i64(8))), lx.i64(0));
  llvm::Value* top = b.CreateShl(v, bits);
  llvm::Value* ext = b.CreateSelect(b.CreateICmpNE(is_signed, lx.i64(0)), b.CreateAShr(top, bits),
                                    b.CreateLShr(top, bits));
  auto* ext_bb = b.GetInsertBlock();
  b.CreateBr(done_bb);

  b.SetInsertPoint(done_bb);
  auto* phi = b.CreatePHI(b.getInt64Ty(), 2);
  phi->addIncoming(lx.i64(0), from_bb);
  phi->addIncoming(ext, ext_bb);
  return phi;
}

// clang-format off
const ProbeKindDesc kUsdt{ProbeKind::Usdt, {"U"}, "usdt", "BPF_PROG_TYPE_KPROBE",
    {.argn = true, .reg = true, .uaddr = true, .ctx_record = "pt_regs"}, ast::AddrSpace::User};
// clang-format on

} // namespace

BTC_PROVIDER(usdt, UsdtProvider, kUsdt)

} // namespace btc::probes::providers
