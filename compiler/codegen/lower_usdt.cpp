// lower_usdt.cpp: argN of usdt programs, decoded on the target from the runtime's spec table.
//
// The note's argument specs are only known where the tool runs, so the program reads them
// from the ARRAY map btc_usdt_specs (btc/usdt.h), slot = high half of the BPF cookie:
//   spec = specs[cookie >> 32].args[N]            (no entry: 0)
//   Const: v = spec.value
//   Reg:   v = pt_regs[base_off] >> shift         (bpf_probe_read_kernel: variable ctx offset)
//   Deref: v = *(user, size bytes)(pt_regs[base_off] + pt_regs[index_off] * scale + value)
//   then the low `size` bytes of v are sign- or zero-extended to 64 bits.
#include "codegen/lowerer.h"

#include "btc/usdt.h"

#include <cstddef>

namespace btc::codegen {

namespace {
constexpr uint32_t kMapArray = 2;
} // namespace

llvm::Value* Lowerer::usdt_arg(uint32_t n) {
  llvm::GlobalVariable* map = module_->getNamedGlobal(abi::kUsdtSpecMap);
  if (!map)
    map = define_map(abi::kUsdtSpecMap, kMapArray, 1, 4, sizeof(abi::UsdtSpec));
  using S = abi::UsdtArgSpec;
  auto* i8 = b_.getInt8Ty();
  auto* i16 = b_.getInt16Ty();

  llvm::Value* cookie = attach_id(); // cookie, or the patched constant of a program copy
  auto* key = stack_buffer(8, "usdt_slot");
  b_.CreateAlignedStore(b_.CreateTrunc(b_.CreateLShr(cookie, 32), b_.getInt32Ty()), key,
                        llvm::Align(4));
  llvm::Value* spec = map_lookup(map, key);
  auto* from_bb = b_.GetInsertBlock();
  auto* found_bb = llvm::BasicBlock::Create(ctx_, "usdt_spec", fn_);
  auto* done_bb = llvm::BasicBlock::Create(ctx_, "usdt_done", fn_);
  b_.CreateCondBr(b_.CreateICmpEQ(spec, llvm::ConstantPointerNull::get(b_.getPtrTy())), done_bb,
                  found_bb);

  b_.SetInsertPoint(found_bb);
  llvm::Value* a = gep(spec, uint64_t{n} * sizeof(S));
  auto field8 = [&](size_t off) {
    return b_.CreateZExt(b_.CreateLoad(i8, gep(a, off)), i64_ty());
  };
  llvm::Value* kind = field8(offsetof(S, kind));
  llvm::Value* size = field8(offsetof(S, size));
  llvm::Value* is_signed = field8(offsetof(S, is_signed));
  llvm::Value* value = b_.CreateAlignedLoad(i64_ty(), gep(a, offsetof(S, value)), llvm::Align(8));
  auto* result = stack_buffer(8, "usdt_arg");
  b_.CreateAlignedStore(value, result, llvm::Align(8)); // Const (and None: 0)
  auto* reg_bb = llvm::BasicBlock::Create(ctx_, "usdt_reg", fn_);
  auto* deref_bb = llvm::BasicBlock::Create(ctx_, "usdt_deref", fn_);
  auto* extend_bb = llvm::BasicBlock::Create(ctx_, "usdt_extend", fn_);
  auto code = [&](abi::UsdtArgKind k) { return i64(static_cast<uint64_t>(k)); };
  b_.CreateCondBr(b_.CreateOr(b_.CreateICmpEQ(kind, code(abi::UsdtArgKind::Reg)),
                              b_.CreateICmpEQ(kind, code(abi::UsdtArgKind::Deref))),
                  reg_bb, extend_bb);

  // pt_regs field at a run-time offset: the verifier allows no variable ctx loads.
  auto read_reg = [&](size_t field_off) {
    llvm::Value* off = b_.CreateZExt(b_.CreateLoad(i16, gep(a, field_off)), i64_ty());
    auto* tmp = stack_buffer(8, "usdt_reg");
    zero_fill(tmp, 8);
    call_helper(Helper::ProbeReadKernel, i64_ty(),
                {tmp, b_.getInt32(8), b_.CreateGEP(i8, ctx_arg_, off)});
    return b_.CreateAlignedLoad(i64_ty(), tmp, llvm::Align(8));
  };
  b_.SetInsertPoint(reg_bb);
  llvm::Value* reg = b_.CreateLShr(read_reg(offsetof(S, base_off)), field8(offsetof(S, shift)));
  b_.CreateAlignedStore(reg, result, llvm::Align(8));
  b_.CreateCondBr(b_.CreateICmpEQ(kind, code(abi::UsdtArgKind::Deref)), deref_bb, extend_bb);

  b_.SetInsertPoint(deref_bb);
  llvm::Value* index = b_.CreateMul(read_reg(offsetof(S, index_off)), field8(offsetof(S, scale)));
  llvm::Value* addr = b_.CreateAdd(b_.CreateAdd(reg, index), value);
  auto* mem = stack_buffer(8, "usdt_mem");
  zero_fill(mem, 8);
  llvm::Value* len = b_.CreateSelect(b_.CreateICmpUGT(size, i64(8)), i64(8), size);
  call_helper(Helper::ProbeReadUser, i64_ty(),
              {mem, b_.CreateTrunc(len, b_.getInt32Ty()), b_.CreateIntToPtr(addr, ptr_ty())});
  b_.CreateAlignedStore(b_.CreateAlignedLoad(i64_ty(), mem, llvm::Align(8)), result,
                        llvm::Align(8));
  b_.CreateBr(extend_bb);

  // Keep the low `size` bytes: shift them to the top, then back (arithmetic when signed).
  b_.SetInsertPoint(extend_bb);
  llvm::Value* v = b_.CreateAlignedLoad(i64_ty(), result, llvm::Align(8));
  llvm::Value* partial = b_.CreateICmpULT(b_.CreateSub(size, i64(1)), i64(7)); // 1..7
  llvm::Value* bits = b_.CreateSelect(partial, b_.CreateSub(i64(64), b_.CreateMul(size, i64(8))),
                                      i64(0));
  llvm::Value* top = b_.CreateShl(v, bits);
  llvm::Value* ext = b_.CreateSelect(b_.CreateICmpNE(is_signed, i64(0)), b_.CreateAShr(top, bits),
                                     b_.CreateLShr(top, bits));
  auto* ext_bb = b_.GetInsertBlock();
  b_.CreateBr(done_bb);

  b_.SetInsertPoint(done_bb);
  auto* phi = b_.CreatePHI(i64_ty(), 2);
  phi->addIncoming(i64(0), from_bb);
  phi->addIncoming(ext, ext_bb);
  return phi;
}

} // namespace btc::codegen
