// bpf_helpers.cpp: BPF helper calls and the memory idioms codegen uses everywhere (stack
// buffers, zero fill, copies, map lookups with zero-initialisation, .rodata config reads).
//
// Helpers are called the way the BPF backend expects: through a constant function pointer
// `inttoptr (i64 ID to ptr)`, e.g. bpf_get_current_pid_tgid is `call i64 inttoptr(i64 14)()`.
#include "codegen/lowerer.h"

#include <llvm/IR/InlineAsm.h>

namespace btc::codegen {

llvm::Value* Lowerer::call_helper(Helper h, llvm::Type* ret, llvm::ArrayRef<llvm::Value*> args) {
  std::vector<llvm::Type*> types;
  for (auto* a : args) types.push_back(a->getType());
  auto* fty = llvm::FunctionType::get(ret, types, false);
  auto* callee = llvm::ConstantExpr::getIntToPtr(b_.getInt64(static_cast<uint64_t>(h)),
                                                 ptr_ty());
  return b_.CreateCall(fty, callee, args);
}

llvm::Value* Lowerer::reserve_event(uint64_t size) {
  llvm::Value* rec = call_helper(Helper::RingbufReserve, ptr_ty(), {ringbuf_, i64(size), i64(0)});
  auto* lost_bb = llvm::BasicBlock::Create(ctx_, "event_lost", fn_);
  auto* next_bb = llvm::BasicBlock::Create(ctx_, "event_reserved", fn_);
  b_.CreateCondBr(b_.CreateIsNull(rec), lost_bb, next_bb);
  b_.SetInsertPoint(lost_bb);
  b_.CreateAtomicRMW(llvm::AtomicRMWInst::Add, gep(bss_, abi::kLostEventsOffset), i64(1),
                     llvm::MaybeAlign(8), llvm::AtomicOrdering::Monotonic);
  b_.CreateBr(next_bb);
  b_.SetInsertPoint(next_bb);
  return rec;
}

llvm::AllocaInst* Lowerer::entry_alloca(llvm::Type* t, const llvm::Twine& name) {
  llvm::IRBuilder<> eb(&fn_->getEntryBlock(), fn_->getEntryBlock().begin());
  auto* a = eb.CreateAlloca(t, nullptr, name);
  a->setAlignment(llvm::Align(8));
  return a;
}

llvm::AllocaInst* Lowerer::stack_buffer(uint32_t size, const llvm::Twine& name, bool temporary) {
  uint32_t n = sema::align8(std::max<uint32_t>(size, 8));
  auto* a = entry_alloca(llvm::ArrayType::get(b_.getInt8Ty(), n), name);
  if (temporary) {
    b_.CreateLifetimeStart(a, b_.getInt64(n));
    temps_.push_back(a);
  }
  return a;
}

void Lowerer::end_temporaries(size_t from) {
  if (b_.GetInsertBlock()->getTerminator() == nullptr) {
    for (size_t i = from; i < temps_.size(); ++i) {
      auto* ty = llvm::cast<llvm::ArrayType>(temps_[i]->getAllocatedType());
      b_.CreateLifetimeEnd(temps_[i], b_.getInt64(ty->getNumElements()));
    }
  }
  temps_.resize(from);
}

void Lowerer::zero_fill(llvm::Value* ptr, uint32_t size) {
  b_.CreateMemSet(ptr, b_.getInt8(0), size, llvm::MaybeAlign(1));
}

void Lowerer::copy_bytes(llvm::Value* dst, llvm::Value* src, uint32_t size) {
  if (size == 0) return;
  b_.CreateMemCpy(dst, llvm::MaybeAlign(1), src, llvm::MaybeAlign(1), size);
}

llvm::Value* Lowerer::gep(llvm::Value* ptr, uint64_t offset) {
  if (offset == 0) return ptr;
  return b_.CreateConstGEP1_64(b_.getInt8Ty(), ptr, offset);
}

llvm::Value* Lowerer::load_u64(llvm::Value* ptr, uint32_t offset) {
  auto* li = b_.CreateLoad(i64_ty(), gep(ptr, offset));
  li->setAlignment(llvm::Align(1));
  return li;
}

void Lowerer::store_value(llvm::Value* dst, llvm::Value* value, const Type& type,
                          uint32_t dst_size, const Type* dst_type) {
  if (type.kind == ast::TypeKind::Tuple && dst_type && dst_type->kind == ast::TypeKind::Tuple &&
      dst_type->elem_offsets != type.elem_offsets) {
    // A tuple of another layout (a longer string before an element): element by element.
    zero_fill(dst, dst_size);
    for (size_t i = 0; i < type.elems.size() && i < dst_type->elems.size(); ++i) {
      const Type& from = type.elems[i];
      const Type& to = dst_type->elems[i];
      llvm::Value* src = gep(value, type.elem_offsets[i]);
      llvm::Value* elem = src;
      if (from.is_integer()) {
        elem = b_.CreateAlignedLoad(b_.getIntNTy(from.size * 8), src, llvm::Align(1));
        elem = from.is_signed ? b_.CreateSExt(elem, i64_ty()) : b_.CreateZExt(elem, i64_ty());
      } else if (is_scalar(from)) {
        elem = load_u64(src);
      }
      store_value(gep(dst, dst_type->elem_offsets[i]), elem, from, to.size, &to);
    }
    return;
  }
  using K = ast::TypeKind;
  if (type.kind == K::Record && value->getType()->isIntegerTy() && type.context) {
    // A record of the program's context (all u64 fields): copied by direct loads.
    zero_fill(dst, dst_size);
    llvm::Value* src = b_.CreateIntToPtr(value, ptr_ty());
    for (uint32_t off = 0; off + 8 <= std::min(type.size, dst_size); off += 8)
      b_.CreateAlignedStore(b_.CreateAlignedLoad(i64_ty(), gep(src, off), llvm::Align(8)),
                            gep(dst, off), llvm::Align(1));
    return;
  }
  if (type.kind == K::Record && value->getType()->isIntegerTy()) {
    // A record reached through a pointer: copy it out of the memory it lives in.
    zero_fill(dst, dst_size);
    probe_read(dst, std::min(type.size, dst_size), value, type.as);
    return;
  }
  switch (type.kind) {
  case K::Integer:
    if (dst_size < 8 && dst_size > 0) { // a narrow tuple element
      b_.CreateAlignedStore(b_.CreateTrunc(value, b_.getIntNTy(dst_size * 8)), dst,
                            llvm::Align(1));
      return;
    }
    b_.CreateAlignedStore(value, dst, llvm::Align(1));
    return;
  case K::Pointer: case K::Probe: case K::Ctx: case K::Ksym:
  case K::Username: case K::Strerror:
    b_.CreateAlignedStore(value, dst, llvm::Align(1));
    return;
  case K::Tuple: {
    // Tuples are built in storage layout already; copy the smaller of the two sizes.
    copy_bytes(dst, value, std::min(type.size, dst_size));
    return;
  }
  default:
    if (type.size < dst_size) zero_fill(gep(dst, type.size), dst_size - type.size);
    copy_bytes(dst, value, std::min(type.size, dst_size));
    return;
  }
}

llvm::Value* Lowerer::map_lookup(llvm::GlobalVariable* map, llvm::Value* key) {
  return call_helper(Helper::MapLookupElem, ptr_ty(), {map, key});
}

llvm::Value* Lowerer::map_lookup_or_init(llvm::GlobalVariable* map, llvm::Value* key,
                                         source::SourceRange where) {
  constexpr uint64_t kNoExist = 1; // BPF_NOEXIST
  auto* found = map_lookup(map, key);
  auto* is_null = b_.CreateICmpEQ(found, llvm::ConstantPointerNull::get(b_.getPtrTy()));
  auto* init_bb = llvm::BasicBlock::Create(ctx_, "init", fn_);
  auto* done_bb = llvm::BasicBlock::Create(ctx_, "have_value", fn_);
  auto* from_bb = b_.GetInsertBlock();
  b_.CreateCondBr(is_null, init_bb, done_bb);
  b_.SetInsertPoint(init_bb);
  auto* ret = call_helper(Helper::MapUpdateElem, i64_ty(),
                          {map, key, gep(bss_, abi::kBssZerosOffset), i64(kNoExist)});
  uint32_t map_index = 0;
  while (map_index < maps_.size() && maps_[map_index] != map) ++map_index;
  // -EEXIST: another CPU created the entry between our lookup and update; harmless.
  constexpr int64_t kEexist = -17;
  auto* raced = b_.CreateICmpEQ(ret, i64(static_cast<uint64_t>(kEexist)));
  check_helper_result(Helper::MapUpdateElem, b_.CreateSelect(raced, i64(0), ret), where, map_index,
                      0);
  auto* again = map_lookup(map, key);
  auto* still_null = b_.CreateICmpEQ(again, llvm::ConstantPointerNull::get(b_.getPtrTy()));
  // Even the insert failed (a full map): the update goes to a scratch area and the action
  // goes on, as in 0.17.
  auto* fail_bb = llvm::BasicBlock::Create(ctx_, "map_full", fn_);
  auto* ok_bb = b_.GetInsertBlock();
  b_.CreateCondBr(still_null, fail_bb, done_bb);
  b_.SetInsertPoint(fail_bb);
  llvm::Value* discard = gep(bss_, bss_discard_offset_);
  b_.CreateBr(done_bb);
  b_.SetInsertPoint(done_bb);
  auto* phi = b_.CreatePHI(ptr_ty(), 3);
  phi->addIncoming(found, from_bb);
  phi->addIncoming(again, ok_bb);
  phi->addIncoming(discard, fail_bb);
  return phi;
}

llvm::Value* Lowerer::config_u64(uint32_t offset) {
  auto* li = b_.CreateLoad(i64_ty(), gep(config_, offset));
  li->setVolatile(true);
  li->setAlignment(llvm::Align(8));
  return li;
}

Helper read_helper(ast::AddrSpace as, bool str) {
  switch (as) {
  case ast::AddrSpace::Kernel: return str ? Helper::ProbeReadKernelStr : Helper::ProbeReadKernel;
  case ast::AddrSpace::User: return str ? Helper::ProbeReadUserStr : Helper::ProbeReadUser;
  case ast::AddrSpace::None: return str ? Helper::ProbeReadStr : Helper::ProbeRead;
  }
  return Helper::ProbeRead;
}

ast::AddrSpace Lowerer::memory_of(const Type& t, const llvm::Value* v) {
  return v->getType()->isPointerTy() ? ast::AddrSpace::Kernel : t.as;
}

llvm::Value* Lowerer::probe_read(llvm::Value* dst, uint32_t size, llvm::Value* src_addr,
                                 ast::AddrSpace as) {
  llvm::Value* src = src_addr->getType()->isPointerTy() ? src_addr
                                                         : b_.CreateIntToPtr(src_addr, ptr_ty());
  return call_helper(read_helper(as), i64_ty(), {dst, b_.getInt32(size), src});
}

llvm::Value* Lowerer::attach_id() {
  if (!provider().attach_cookies()) return attach_id_marker(); // always one copy per point
  // Real branches, not a select: the verifier knows the frozen .rodata knob and never looks
  // at the untaken side, so a kernel without bpf_get_attach_cookie still loads the program.
  auto* with_cookie = llvm::BasicBlock::Create(ctx_, "cookie", fn_);
  auto* without = llvm::BasicBlock::Create(ctx_, "no_cookie", fn_);
  auto* done = llvm::BasicBlock::Create(ctx_, "attach_id", fn_);
  b_.CreateCondBr(b_.CreateICmpNE(config_u64(layout_.no_cookies), i64(0)), without, with_cookie);
  b_.SetInsertPoint(with_cookie);
  llvm::Value* cookie = call_helper(Helper::GetAttachCookie, i64_ty(), {ctx_arg_});
  b_.CreateBr(done);
  b_.SetInsertPoint(without);
  llvm::Value* patched = attach_id_marker();
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
  auto* phi = b_.CreatePHI(i64_ty(), 2);
  phi->addIncoming(cookie, with_cookie);
  phi->addIncoming(patched, without);
  return phi;
}

llvm::Value* Lowerer::opaque(llvm::Value* v) {
  auto* copy_ty = llvm::FunctionType::get(i64_ty(), {i64_ty()}, false);
  return b_.CreateCall(copy_ty, llvm::InlineAsm::get(copy_ty, "$0 = $1", "=r,r", true), {v});
}

llvm::Value* Lowerer::attach_id_marker() {
  // An opaque ld_imm64 (inline asm, so LLVM cannot fold or move it) the runtime rewrites.
  auto* asm_ty = llvm::FunctionType::get(i64_ty(), false);
  auto* marker = llvm::InlineAsm::get(
      asm_ty, "$0 = " + std::to_string(abi::kAttachIdMarker) + " ll", "=r", true);
  return b_.CreateCall(asm_ty, marker, {});
}

} // namespace btc::codegen
