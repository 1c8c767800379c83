// core_access.cpp: LLVM and debug-info mirrors of kernel BTF types, and the CO-RE access
// intrinsics over them (see core_access.h for the contract and an example).
//
// Why the DI must be exact: BPFAbstractMemberAccess links a chain of preserve.*.access.index
// calls only if the member the parent call selects has, after stripping typedef/const/
// volatile, the very DICompositeType the child call names; the relocation is computed from
// the DI offsets, and libbpf matches the emitted BTF members against the kernel's by name and
// kind (int vs enum vs pointer vs array must agree). So every record is built once per BTF id
// and members point at the memoized nodes.
#include "codegen/core_access.h"

#include <bpf/btf.h>

#include <llvm/BinaryFormat/Dwarf.h>
#include <llvm/IR/IntrinsicsBPF.h>

#include <cstdio>
#include <cstdlib>

namespace btc::codegen {

namespace {

[[noreturn]] void invariant_failed(const char* what, uint32_t id) {
  std::fprintf(stderr, "btc: internal error in CO-RE access: %s (BTF id %u)\n", what, id);
  std::abort();
}

} // namespace

CoreTypes::CoreTypes(llvm::Module& module, llvm::DIBuilder& dib, const btf::KernelBtf& btf,
                     std::string name_suffix)
    : module_(module), dib_(dib), btf_(btf), name_suffix_(std::move(name_suffix)) {
  // Kernel types have no source location; one file keeps the DI well-formed.
  file_ = dib_.createFile("vmlinux.h", "/sys/kernel/btf");
}

std::string CoreTypes::di_name(uint32_t id) const {
  std::string name = btf_.name_of(id);
  return name.empty() ? name : name + name_suffix_;
}

llvm::Type* CoreTypes::llvm_type(uint32_t btf_id) {
  uint32_t id = btf_.resolve(btf_id);
  if (auto it = llvm_types_.find(id); it != llvm_types_.end())
    return it->second;
  llvm::LLVMContext& ctx = module_.getContext();
  const struct btf_type* t = btf_.type_by_id(id);
  llvm::Type* ty = nullptr;
  switch (t ? btf_kind(t) : uint16_t(BTF_KIND_UNKN)) {
  case BTF_KIND_INT:
  case BTF_KIND_ENUM:
  case BTF_KIND_ENUM64:
  case BTF_KIND_FLOAT:
    ty = llvm::IntegerType::get(ctx, t->size * 8);
    break;
  case BTF_KIND_PTR:
    ty = llvm::PointerType::get(ctx, 0);
    break;
  case BTF_KIND_ARRAY:
    ty = llvm::ArrayType::get(llvm_type(btf_array(t)->type), btf_array(t)->nelems);
    break;
  case BTF_KIND_STRUCT:
  case BTF_KIND_UNION:
    ty = record(id).type;
    break;
  default: // void, forward declarations, functions: never embedded by value
    ty = llvm::ArrayType::get(llvm::Type::getInt8Ty(ctx), 0);
    break;
  }
  llvm_types_[id] = ty;
  return ty;
}

llvm::DIType* CoreTypes::int_di(uint32_t id) {
  const struct btf_type* t = btf_.type_by_id(id);
  uint8_t enc = btf_int_encoding(t);
  unsigned dw = llvm::dwarf::DW_ATE_unsigned;
  if (enc & BTF_INT_BOOL)
    dw = llvm::dwarf::DW_ATE_boolean;
  else if (enc & BTF_INT_SIGNED)
    dw = t->size == 1 ? llvm::dwarf::DW_ATE_signed_char : llvm::dwarf::DW_ATE_signed;
  else if (t->size == 1)
    dw = llvm::dwarf::DW_ATE_unsigned_char;
  return dib_.createBasicType(di_name(id), t->size * 8, dw);
}

llvm::DIType* CoreTypes::enum_di(uint32_t id) {
  const struct btf_type* t = btf_.type_by_id(id);
  bool is_signed = btf_kflag(t);
  std::vector<llvm::Metadata*> values;
  for (uint16_t i = 0; i < btf_vlen(t); ++i) {
    const char* name;
    int64_t v;
    if (btf_is_enum64(t)) {
      name = btf__name_by_offset(btf_.raw(), btf_enum64(t)[i].name_off);
      v = static_cast<int64_t>(btf_enum64_value(&btf_enum64(t)[i]));
    } else {
      name = btf__name_by_offset(btf_.raw(), btf_enum(t)[i].name_off);
      v = is_signed ? static_cast<int64_t>(static_cast<int32_t>(btf_enum(t)[i].val))
                    : static_cast<int64_t>(static_cast<uint32_t>(btf_enum(t)[i].val));
    }
    values.push_back(dib_.createEnumerator(name, v, !is_signed));
  }
  // The underlying type tells BTFDebug the signedness and ENUM vs ENUM64.
  auto* base = dib_.createBasicType(is_signed ? "long" : "unsigned long", t->size * 8,
                                    is_signed ? llvm::dwarf::DW_ATE_signed
                                              : llvm::dwarf::DW_ATE_unsigned);
  return dib_.createEnumerationType(nullptr, di_name(id), file_, 0, t->size * 8, 0,
                                    dib_.getOrCreateArray(values), base);
}

llvm::DIType* CoreTypes::fwd_decl(uint32_t id) {
  if (auto it = fwd_decls_.find(id); it != fwd_decls_.end())
    return it->second;
  const struct btf_type* t = btf_.type_by_id(id);
  bool is_union = btf_is_fwd(t) ? btf_kflag(t) : btf_is_union(t);
  auto* d = dib_.createForwardDecl(is_union ? llvm::dwarf::DW_TAG_union_type
                                            : llvm::dwarf::DW_TAG_structure_type,
                                   di_name(id), nullptr, file_, 0);
  fwd_decls_[id] = d;
  return d;
}

llvm::DIType* CoreTypes::pointer_di(uint32_t pointee_id) {
  uint32_t p = btf_.resolve(pointee_id);
  const struct btf_type* pt = btf_.type_by_id(p);
  llvm::DIType* base = nullptr; // void *, also for function pointers
  if (pt && (btf_is_composite(pt) || btf_is_fwd(pt))) {
    // Named records behind pointers stay forward declarations unless already built, so one
    // access to task_struct does not pull the whole kernel into the program's BTF. Anonymous
    // ones cannot be forward-declared (BTF FWD needs a name); they are small, build them.
    if (auto it = records_.find(p); it != records_.end() && it->second.di)
      base = it->second.di;
    else if (btf_.name_of(p).empty() && !btf_is_fwd(pt))
      base = record(p).di;
    else
      base = fwd_decl(p);
  } else if (pt && !btf_is_func_proto(pt)) {
    base = di_type(p);
  }
  return dib_.createPointerType(base, 64);
}

llvm::DIType* CoreTypes::di_type(uint32_t btf_id) {
  uint32_t id = btf_.resolve(btf_id);
  if (auto it = di_types_.find(id); it != di_types_.end())
    return it->second;
  const struct btf_type* t = btf_.type_by_id(id);
  llvm::DIType* d = nullptr;
  switch (t ? btf_kind(t) : uint16_t(BTF_KIND_UNKN)) {
  case BTF_KIND_INT:
    d = int_di(id);
    break;
  case BTF_KIND_FLOAT:
    d = dib_.createBasicType(di_name(id), t->size * 8, llvm::dwarf::DW_ATE_float);
    break;
  case BTF_KIND_ENUM:
  case BTF_KIND_ENUM64:
    d = enum_di(id);
    break;
  case BTF_KIND_PTR:
    d = pointer_di(t->type);
    break;
  case BTF_KIND_ARRAY: {
    const struct btf_array* a = btf_array(t);
    llvm::DIType* elem = di_type(a->type);
    uint64_t bits = static_cast<uint64_t>(btf__resolve_size(btf_.raw(), a->type)) * 8 *
                    a->nelems;
    llvm::Metadata* range = dib_.getOrCreateSubrange(0, static_cast<int64_t>(a->nelems));
    d = dib_.createArrayType(bits, 0, elem, dib_.getOrCreateArray({range}));
    break;
  }
  case BTF_KIND_STRUCT:
  case BTF_KIND_UNION:
    d = record(id).di;
    break;
  case BTF_KIND_FWD:
    d = fwd_decl(id);
    break;
  default: // void, functions
    break;
  }
  di_types_[id] = d;
  return d;
}

void CoreTypes::layout_struct(uint32_t id, Record& r) {
  // Members in BTF order at their byte offsets; gaps and bitfield storage become byte
  // padding. Bitfields map to the padding element holding their first byte (their GEP index
  // only has to be valid; the relocation comes from the DI).
  llvm::LLVMContext& ctx = module_.getContext();
  const llvm::DataLayout& dl = module_.getDataLayout();
  const struct btf_type* t = btf_.type_by_id(id);
  const struct btf_member* m = btf_members(t);
  std::vector<llvm::Type*> elems;
  std::vector<uint32_t> starts;
  r.gep_index.assign(btf_vlen(t), -1);
  uint32_t cur = 0;
  auto pad_to = [&](uint32_t off) {
    if (off > cur) {
      starts.push_back(cur);
      elems.push_back(llvm::ArrayType::get(llvm::Type::getInt8Ty(ctx), off - cur));
      cur = off;
    }
  };
  for (uint16_t i = 0; i < btf_vlen(t); ++i) {
    uint32_t bits = btf_member_bit_offset(t, i);
    if (btf_member_bitfield_size(t, i) || bits % 8 || bits / 8 < cur)
      continue; // bitfield, or overlapping an earlier member: no element of its own
    llvm::Type* mt = llvm_type(m[i].type);
    pad_to(bits / 8);
    r.gep_index[i] = static_cast<int>(elems.size());
    starts.push_back(cur);
    elems.push_back(mt);
    cur += static_cast<uint32_t>(dl.getTypeAllocSize(mt));
  }
  pad_to(t->size);
  for (uint16_t i = 0; i < btf_vlen(t); ++i) {
    if (r.gep_index[i] >= 0)
      continue;
    uint32_t byte = btf_member_bit_offset(t, i) / 8;
    for (size_t e = 0; e < elems.size(); ++e)
      if (starts[e] <= byte && byte < starts[e] + dl.getTypeAllocSize(elems[e]))
        r.gep_index[i] = static_cast<int>(e);
  }
  // Prefer a naturally aligned struct (its ABI alignment feeds bitfield relocations); fall
  // back to packed when the kernel layout is not the natural one (__packed, __aligned).
  auto* probe = llvm::StructType::get(ctx, elems, false);
  const llvm::StructLayout* sl = dl.getStructLayout(probe);
  bool natural = sl->getSizeInBytes() == t->size;
  for (size_t e = 0; natural && e < elems.size(); ++e)
    natural = sl->getElementOffset(e) == starts[e];
  std::string name = btf_.name_of(id);
  r.type = llvm::StructType::create(ctx, elems, "struct." + (name.empty() ? "anon" : name),
                                    !natural);
}

llvm::DICompositeType* CoreTypes::build_record_di(uint32_t id) {
  const struct btf_type* t = btf_.type_by_id(id);
  const struct btf_member* m = btf_members(t);
  unsigned tag = btf_is_union(t) ? llvm::dwarf::DW_TAG_union_type
                                 : llvm::dwarf::DW_TAG_structure_type;
  // A temporary node scopes the members, then becomes a distinct node: uniqued nodes would
  // merge two anonymous records of the same size while their members are being attached.
  auto* tmp = dib_.createReplaceableCompositeType(tag, di_name(id), nullptr, file_, 0, 0,
                                                  uint64_t(t->size) * 8, 0, llvm::DINode::FlagZero);
  std::vector<llvm::Metadata*> members;
  for (uint16_t i = 0; i < btf_vlen(t); ++i) {
    std::string mname = btf__name_by_offset(btf_.raw(), m[i].name_off);
    llvm::DIType* base = di_type(m[i].type);
    uint32_t bits = btf_member_bit_offset(t, i);
    uint32_t bf = btf_member_bitfield_size(t, i);
    if (bf) {
      uint64_t unit = static_cast<uint64_t>(btf__resolve_size(btf_.raw(), m[i].type)) * 8;
      uint64_t storage = unit ? bits / unit * unit : bits;
      members.push_back(dib_.createBitFieldMemberType(tmp, mname, file_, 0, bf, bits, storage,
                                                      llvm::DINode::FlagZero, base));
    } else {
      int64_t size = btf__resolve_size(btf_.raw(), m[i].type);
      members.push_back(dib_.createMemberType(tmp, mname, file_, 0,
                                              size > 0 ? uint64_t(size) * 8 : 0, 0, bits,
                                              llvm::DINode::FlagZero, base));
    }
  }
  dib_.replaceArrays(tmp, dib_.getOrCreateArray(members));
  return llvm::MDNode::replaceWithDistinct(llvm::TempDICompositeType(tmp));
}

const CoreTypes::Record& CoreTypes::record(uint32_t id) {
  if (auto it = records_.find(id); it != records_.end()) {
    if (!it->second.di)
      invariant_failed("record embeds itself", id);
    return it->second;
  }
  const struct btf_type* t = btf_.type_by_id(id);
  if (!t || !btf_is_composite(t))
    invariant_failed("not a struct or union", id);
  // Placeholder first (without DI) so a record that embeds itself is caught; references to
  // unordered_map elements survive rehashing.
  Record& r = records_[id];
  Record built;
  built.is_union = btf_is_union(t);
  if (built.is_union) {
    built.type = llvm::ArrayType::get(llvm::Type::getInt8Ty(module_.getContext()), t->size);
  } else {
    layout_struct(id, built);
  }
  built.di = build_record_di(id);
  r = std::move(built);
  return r;
}

llvm::Value* CoreTypes::field_address(llvm::IRBuilder<>& b, llvm::Value* base_ptr,
                                      uint32_t record_btf_id, const btf::FieldPath& path) {
  llvm::Value* cur = base_ptr;
  uint32_t rec = btf_.resolve(record_btf_id);
  for (size_t k = 0; k < path.member_indices.size(); ++k) {
    uint32_t idx = path.member_indices[k];
    const Record& r = record(rec);
    const struct btf_type* t = btf_.type_by_id(rec);
    if (idx >= btf_vlen(t))
      invariant_failed("member index out of range", rec);
    if (r.is_union) {
      cur = b.CreatePreserveUnionAccessIndex(cur, idx, r.di);
    } else {
      if (r.gep_index[idx] < 0)
        invariant_failed("member has no LLVM element", rec);
      cur = b.CreatePreserveStructAccessIndex(r.type, cur, r.gep_index[idx], idx, r.di);
    }
    rec = btf_.resolve(btf_members(t)[idx].type);
  }
  return cur;
}

llvm::Value* CoreTypes::array_element_address(llvm::IRBuilder<>& b,
                                              llvm::Value* array_field_ptr,
                                              uint32_t array_btf_id, uint64_t index) {
  uint32_t id = btf_.resolve(array_btf_id);
  const struct btf_type* t = btf_.type_by_id(id);
  if (!t || !btf_is_array(t))
    invariant_failed("not an array", id);
  return b.CreatePreserveArrayAccessIndex(llvm_type(id), array_field_ptr, 1,
                                          static_cast<unsigned>(index), di_type(id));
}

llvm::Value* CoreTypes::field_info(llvm::IRBuilder<>& b, llvm::Value* field_ptr,
                                   FieldInfoKind kind) {
  llvm::Function* fn = llvm::Intrinsic::getDeclaration(
      &module_, llvm::Intrinsic::bpf_preserve_field_info, {field_ptr->getType()});
  return b.CreateCall(fn, {field_ptr, b.getInt64(static_cast<uint64_t>(kind))});
}

bool CoreTypes::bitfield_info_supported(uint32_t record_btf_id, const btf::FieldPath& path) {
  if (path.member_indices.empty())
    return false;
  uint32_t rec = btf_.resolve(record_btf_id);
  for (size_t k = 0; k + 1 < path.member_indices.size(); ++k)
    rec = btf_.resolve(btf_members(btf_.type_by_id(rec))[path.member_indices[k]].type);
  const struct btf_type* t = btf_.type_by_id(rec);
  uint32_t idx = path.member_indices.back();
  if (!t || !btf_is_struct(t) || idx >= btf_vlen(t))
    return false;
  // Mirrors BPFAbstractMemberAccess::GetStorageBitRange.
  uint64_t align = module_.getDataLayout().getABITypeAlign(record(rec).type).value();
  uint64_t bit = btf_member_bit_offset(t, idx);
  uint64_t size = btf_member_bitfield_size(t, idx);
  if (size == 0) {
    int64_t bytes = btf__resolve_size(btf_.raw(), btf_members(t)[idx].type);
    size = bytes > 0 ? uint64_t(bytes) * 8 : 0;
  }
  if (align > 8) {
    if (bit / 64 != (bit + size) / 64)
      return false;
    align = 8;
  }
  uint64_t unit = align * 8;
  uint64_t start = bit & ~(unit - 1);
  return size <= unit && start + unit >= bit + size;
}

llvm::Value* CoreTypes::enum_value_reloc(llvm::IRBuilder<>& b, uint32_t enum_btf_id,
                                         std::string_view enumerator) {
  uint32_t id = btf_.resolve(enum_btf_id);
  const struct btf_type* t = btf_.type_by_id(id);
  if (!t || !btf_is_any_enum(t) || btf_.name_of(id).empty())
    return nullptr;
  std::optional<int64_t> value;
  for (uint16_t i = 0; i < btf_vlen(t) && !value; ++i) {
    if (btf_is_enum64(t)) {
      if (enumerator == btf__name_by_offset(btf_.raw(), btf_enum64(t)[i].name_off))
        value = static_cast<int64_t>(btf_enum64_value(&btf_enum64(t)[i]));
    } else if (enumerator == btf__name_by_offset(btf_.raw(), btf_enum(t)[i].name_off)) {
      value = btf_kflag(t) ? int64_t(int32_t(btf_enum(t)[i].val)) : int64_t(btf_enum(t)[i].val);
    }
  }
  if (!value)
    return nullptr;
  // The pass reads "<enumerator>:<value>" from a constant string, as clang emits it for
  // __builtin_preserve_enum_value.
  llvm::GlobalVariable* str =
      b.CreateGlobalString(std::string(enumerator) + ":" + std::to_string(*value));
  llvm::Function* fn = llvm::Intrinsic::getDeclaration(
      &module_, llvm::Intrinsic::bpf_preserve_enum_value, {});
  constexpr uint64_t kEnumValue = 1; // BPF_ENUMVAL_VALUE (0 would be existence)
  llvm::CallInst* call = b.CreateCall(fn, {b.getInt32(seq_++), str, b.getInt64(kEnumValue)});
  call->setMetadata(llvm::LLVMContext::MD_preserve_access_index, di_type(id));
  return call;
}

} // namespace btc::codegen
