// core_access.h: CO-RE (compile once, run everywhere) access to kernel types in LLVM IR.
//
// Input: kernel BTF ids and field paths (btf::KernelBtf::find_field). Output: IR that computes
// field addresses with llvm.preserve.{struct,union,array}.access.index calls carrying
// !llvm.preserve.access.index debug types, exactly what clang emits for
// __attribute__((preserve_access_index)) types. The BPF backend turns each chain into one
// relocatable offset plus a .BTF.ext field relocation that libbpf fixes up at load time.
// Example: task->se.load.weight becomes
//   %se   = preserve.struct.access.index(ptr elementtype(%struct.task_struct) %task, g1, i1)
//   %load = preserve.struct.access.index(ptr elementtype(%struct.sched_entity) %se, g2, i2)
//   %w    = preserve.struct.access.index(ptr elementtype(%struct.load_weight) %load, g3, i3)
// (g: LLVM element index, i: BTF member index) -> .BTF.ext reloc on "task_struct" with
// access string "0:i1:i2:i3", kind FIELD_BYTE_OFFSET.
//
// Requirements on the module: BPF triple and data layout set before constructing CoreTypes, a
// DICompileUnit, module flags "Debug Info Version"=3 and "Dwarf Version"=4, a DISubprogram on
// every function, and the new-PM pipeline built with TargetMachine::registerPassBuilderCallbacks
// (that is where BPFAbstractMemberAccess runs; without it the intrinsics never become relocs).
#pragma once

#include "btf/kernel_btf.h"

#include <llvm/IR/DIBuilder.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Module.h>

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace btc::codegen {

// llvm.bpf.preserve.field.info kinds (enum bpf_field_info_kind in bpf_core_read.h).
enum class FieldInfoKind : uint64_t {
  ByteOffset = 0,
  ByteSize = 1,
  Exists = 2,
  Signed = 3,
  LShiftU64 = 4,
  RShiftU64 = 5,
};

class CoreTypes {
public:
  // `name_suffix` is appended to every named kernel type's DI name (see
  // CodegenOptions::core_name_suffix); libbpf ignores a "___suffix" when matching names.
  CoreTypes(llvm::Module& module, llvm::DIBuilder& dib, const btf::KernelBtf& btf,
            std::string name_suffix = "");

  // Mirrors of a BTF type (typedefs and qualifiers resolved), built once per BTF id.
  // Records: all members at their BTF offsets, padding as [N x i8]; unions as [size x i8].
  llvm::Type* llvm_type(uint32_t btf_id);
  // Records: a DW_TAG_structure_type/union_type; records behind pointers are forward
  // declarations unless already built; bitfields carry DIFlagBitField. nullptr for void.
  llvm::DIType* di_type(uint32_t btf_id);

  // Address of the field `path` (from find_field on record_btf_id) relative to `base_ptr`
  // (a pointer to the record). Emits one preserve.*.access.index call per path step.
  // A bitfield's address is its storage unit's; read it with field_info().
  llvm::Value* field_address(llvm::IRBuilder<>& b, llvm::Value* base_ptr,
                             uint32_t record_btf_id, const btf::FieldPath& path);
  // Address of element `index` of the array field at `array_field_ptr` (the value returned by
  // field_address for a member whose declared type is `array_btf_id`, i.e. FieldPath::type_id).
  llvm::Value* array_element_address(llvm::IRBuilder<>& b, llvm::Value* array_field_ptr,
                                     uint32_t array_btf_id, uint64_t index);
  // i32 facts about the field whose address `field_ptr` came from field_address(), patched by
  // libbpf at load time (e.g. a bitfield's byte offset/size and shifts).
  llvm::Value* field_info(llvm::IRBuilder<>& b, llvm::Value* field_ptr, FieldInfoKind kind);
  // Whether the BPF backend can compute field_info() for the bitfield at `path`: it derives
  // the storage unit from the LLVM record's ABI alignment and aborts the process
  // (report_fatal_error) when the bits cross it, e.g. in records laid out packed, or for
  // bitfields directly inside unions. Check before calling field_info() on a bitfield.
  bool bitfield_info_supported(uint32_t record_btf_id, const btf::FieldPath& path);
  // i64 value of `enumerator` of the named enum `enum_btf_id`, relocated by libbpf
  // (ENUMVAL_VALUE). nullptr if the enum is anonymous or has no such enumerator: CO-RE finds
  // enums by name, so those must be read from the build-host BTF instead.
  llvm::Value* enum_value_reloc(llvm::IRBuilder<>& b, uint32_t enum_btf_id,
                                std::string_view enumerator);

private:
  struct Record {
    llvm::Type* type = nullptr;              // StructType, or [size x i8] for unions
    llvm::DICompositeType* di = nullptr;
    std::vector<int> gep_index;              // per BTF member; -1: no LLVM element
    bool is_union = false;
  };
  const Record& record(uint32_t id);         // `id` already resolved
  std::string di_name(uint32_t id) const;    // BTF name + name_suffix_ ("" stays "")
  void layout_struct(uint32_t id, Record& r);
  llvm::DICompositeType* build_record_di(uint32_t id);
  llvm::DIType* pointer_di(uint32_t pointee_id);
  llvm::DIType* fwd_decl(uint32_t id);
  llvm::DIType* enum_di(uint32_t id);
  llvm::DIType* int_di(uint32_t id);

  llvm::Module& module_;
  llvm::DIBuilder& dib_;
  const btf::KernelBtf& btf_;
  std::string name_suffix_;
  llvm::DIFile* file_ = nullptr;
  uint32_t seq_ = 0;                          // keeps enum-value calls from being merged
  std::unordered_map<uint32_t, Record> records_;
  std::unordered_map<uint32_t, llvm::Type*> llvm_types_;
  std::unordered_map<uint32_t, llvm::DIType*> di_types_;
  std::unordered_map<uint32_t, llvm::DIType*> fwd_decls_;
};

} // namespace btc::codegen
