// lower_field.cpp: memory reads for `->` / `.` on BTF and preamble records and on tracepoint
// `args`; kernel types always through CO-RE so offsets are fixed up on the target host.
//
// Records reached through pointers are represented by their address (i64, in the address
// space of their type: a uprobe argument points into the traced process), records copied into
// variables and maps by an LLVM pointer to BPF memory. Scalar fields are read with the matching
// probe_read helper into a stack slot and widened to i64; char[N] fields become string buffers. Tracepoint fields are reached through the BTF struct that
// describes the record (trace_event_raw_*, syscall_trace_enter/exit); the format file's
// offset is used only when the kernel BTF has no such struct.
#include "codegen/lowerer.h"

#include <algorithm>

namespace btc::codegen {

// The context's structs (pt_regs, bpf_perf_event_data) are ABI: fixed offsets, direct loads the
// verifier checks and rewrites. A record inside it is its address.
llvm::Value* Lowerer::context_load(llvm::Value* addr, const Type& t) {
  if (t.kind == ast::TypeKind::Record) return b_.CreatePtrToInt(addr, i64_ty());
  uint32_t size = t.is_pointer() ? 8 : std::min<uint32_t>(t.size, 8);
  llvm::Value* v = b_.CreateAlignedLoad(b_.getIntNTy(size * 8), addr, llvm::Align(size));
  if (size == 8) return v;
  return t.is_signed ? b_.CreateSExt(v, i64_ty()) : b_.CreateZExt(v, i64_ty());
}

llvm::Value* Lowerer::read_at(llvm::Value* addr, const Type& t, uint32_t read_size,
                              source::SourceRange range, ast::AddrSpace as, bool bpf_memory) {
  if (t.kind == ast::TypeKind::Record)
    return bpf_memory ? addr : b_.CreatePtrToInt(addr, i64_ty());
  if (t.is_integer() || t.is_pointer()) {
    uint32_t size = std::min<uint32_t>(read_size ? read_size : t.size, 8);
    auto* tmp = stack_buffer(8, "field");
    zero_fill(tmp, 8);
    check_helper_result(read_helper(as), probe_read(tmp, size, addr, as), range, abi::kNoIndex,
                        2);
    if (t.is_pointer() || size >= 8) return b_.CreateAlignedLoad(i64_ty(), tmp, llvm::Align(8));
    auto* raw = b_.CreateAlignedLoad(b_.getIntNTy(size * 8), tmp, llvm::Align(8));
    return t.is_signed ? b_.CreateSExt(raw, i64_ty()) : b_.CreateZExt(raw, i64_ty());
  }
  // Strings (char[N]) and arrays: copy the bytes.
  auto* buf = stack_buffer(t.size, "field_buf");
  zero_fill(buf, sema::align8(t.size));
  check_helper_result(read_helper(as), probe_read(buf, t.size, addr, as), range, abi::kNoIndex,
                      2);
  return buf;
}

// `a->b.c.d` is one CO-RE access rooted at `a`'s record: relocating `.c` from the record of
// `b` alone would fail for anonymous records (typedef struct { ... } kuid_t has no name to
// search for on the target).
void Lowerer::field_chain(const ast::Expr& e, const ast::FieldAccess& f, const ast::Expr*& root,
                          uint32_t& root_id, btf::FieldPath& path) {
  const auto& own = info_.field_paths.at(&e);
  auto* inner = f.base->as<ast::FieldAccess>();
  if (!f.arrow && inner && f.base->type.kind == ast::TypeKind::Record &&
      inner->base->type.kind != ast::TypeKind::Ctx && info_.field_paths.count(f.base.get())) {
    field_chain(*f.base, *inner, root, root_id, path);
    path.member_indices.insert(path.member_indices.end(), own.member_indices.begin(),
                               own.member_indices.end());
    path.offset += own.offset;
    path.type = own.type;
    path.type_id = own.type_id;
    path.bitfield_offset = own.bitfield_offset;
    path.bitfield_size = own.bitfield_size;
    return;
  }
  const Type& bt = f.base->type;
  root = f.base.get();
  root_id = bt.is_pointer() && bt.pointee ? bt.pointee->btf_id : bt.btf_id;
  path = own;
}

llvm::Value* Lowerer::lower_field(const ast::Expr& e, const ast::FieldAccess& f) {
  if (llvm::Value* v = provider().lower_ctx_field(*this, e, f)) return v;
  if (auto it = info_.local_field_offsets.find(&e); it != info_.local_field_offsets.end()) {
    // A preamble struct: the script's own layout, no relocation.
    llvm::Value* base = lower_expr(*f.base);
    ast::AddrSpace as = memory_of(f.base->type, base);
    llvm::Value* ptr = base->getType()->isPointerTy() ? base : b_.CreateIntToPtr(base, ptr_ty());
    llvm::Value* addr = gep(ptr, it->second);
    if (auto bf = info_.local_bitfields.find(&e); bf != info_.local_bitfields.end()) {
      auto* tmp = stack_buffer(8, "bitfield");
      zero_fill(tmp, 8);
      probe_read(tmp, (bf->second.first + bf->second.second + 7) / 8, addr, as);
      llvm::Value* val = b_.CreateAlignedLoad(i64_ty(), tmp, llvm::Align(8));
      uint32_t left = 64 - bf->second.first - bf->second.second;
      val = b_.CreateShl(val, left);
      return e.type.is_signed ? b_.CreateAShr(val, left + bf->second.first)
                              : b_.CreateLShr(val, left + bf->second.first);
    }
    return read_at(addr, e.type, e.type.is_integer() ? e.type.size : 0, e.range, as,
                   base->getType()->isPointerTy());
  }
  const ast::Expr* root = nullptr;
  uint32_t record_id = 0;
  btf::FieldPath path;
  field_chain(e, f, root, record_id, path);
  // Records are kernel addresses (i64) when reached through pointers, stack buffers (ptr)
  // when they were copied into a variable or map value.
  llvm::Value* base = lower_expr(*root);
  llvm::Value* base_ptr = base->getType()->isPointerTy() ? base : b_.CreateIntToPtr(base, ptr_ty());
  if (root->type.context) return context_load(gep(base_ptr, path.offset), e.type);
  llvm::Value* addr = core_->field_address(b_, base_ptr, record_id, path);
  ast::AddrSpace as = memory_of(root->type, base);
  if (path.bitfield_size != 0) return read_bitfield(base_ptr, addr, record_id, path, e.type, as);
  return read_at(addr, e.type, e.type.is_integer() ? e.type.size : 0, e.range, as,
                 base->getType()->isPointerTy());
}

// `&$x` (the variable's stack slot) or `&x.f` (see lower_field_address).
llvm::Value* Lowerer::lower_address_of(const ast::Expr& operand) {
  if (auto* v = operand.as<ast::Var>())
    return b_.CreatePtrToInt(var_slot(v->name, operand.type), i64_ty());
  if (auto* f = operand.as<ast::FieldAccess>()) return lower_field_address(operand, *f);
  BTC_UNREACHABLE("sema allows & on variables and fields only");
}

// `&x.f` (bpftrace 0.2x): the address of a field of a record reached through a pointer, as an
// integer, relocated like a read of it would be.
llvm::Value* Lowerer::lower_field_address(const ast::Expr& e, const ast::FieldAccess& f) {
  if (auto it = info_.local_field_offsets.find(&e); it != info_.local_field_offsets.end()) {
    llvm::Value* base = lower_expr(*f.base);
    llvm::Value* ptr = base->getType()->isPointerTy() ? base : b_.CreateIntToPtr(base, ptr_ty());
    return b_.CreatePtrToInt(gep(ptr, it->second), i64_ty());
  }
  const ast::Expr* root = nullptr;
  uint32_t record_id = 0;
  btf::FieldPath path;
  field_chain(e, f, root, record_id, path);
  llvm::Value* base = lower_expr(*root);
  llvm::Value* base_ptr = base->getType()->isPointerTy() ? base : b_.CreateIntToPtr(base, ptr_ty());
  return b_.CreatePtrToInt(core_->field_address(b_, base_ptr, record_id, path), i64_ty());
}

// A bitfield read the way BPF_CORE_READ_BITFIELD_PROBED does it: byte offset, byte size and
// the two shifts are CO-RE relocations, so the bit position is the target kernel's.
llvm::Value* Lowerer::read_bitfield(llvm::Value* base_ptr, llvm::Value* field_ptr,
                                    uint32_t record_id, const btf::FieldPath& path,
                                    const Type& type, ast::AddrSpace as) {
  auto* tmp = stack_buffer(8, "bitfield");
  zero_fill(tmp, 8);
  llvm::Value* val;
  if (core_->bitfield_info_supported(record_id, path)) {
    auto info = [&](FieldInfoKind k) {
      return b_.CreateZExt(core_->field_info(b_, field_ptr, k), i64_ty());
    };
    llvm::Value* off = info(FieldInfoKind::ByteOffset);
    llvm::Value* size = info(FieldInfoKind::ByteSize);
    llvm::Value* lshift = info(FieldInfoKind::LShiftU64);
    llvm::Value* rshift = info(FieldInfoKind::RShiftU64);
    size = b_.CreateSelect(b_.CreateICmpUGT(size, i64(8)), i64(8), size);
    call_helper(read_helper(as), i64_ty(),
                {tmp, b_.CreateTrunc(size, b_.getInt32Ty()),
                 b_.CreateGEP(b_.getInt8Ty(), base_ptr, off)});
    val = b_.CreateShl(b_.CreateAlignedLoad(i64_ty(), tmp, llvm::Align(8)), lshift);
    return type.is_signed ? b_.CreateAShr(val, rshift) : b_.CreateLShr(val, rshift);
  }
  // Layouts the backend cannot relocate (packed records): this host's bit position.
  probe_read(tmp, 8, field_ptr, as);
  val = b_.CreateAlignedLoad(i64_ty(), tmp, llvm::Align(8));
  uint32_t left = 64 - path.bitfield_offset - path.bitfield_size;
  val = b_.CreateShl(val, left);
  return type.is_signed ? b_.CreateAShr(val, left + path.bitfield_offset)
                        : b_.CreateLShr(val, left + path.bitfield_offset);
}

} // namespace btc::codegen
