// kernel_btf.h: queries over kernel BTF (libbpf's btf__* API) for sema and codegen.
//
// Input: a BTF blob (/sys/kernel/btf/vmlinux, a raw file written by btf__raw_data, or an ELF
// with a .BTF section). Output: record/type lookups, ast::Type conversions, field paths through
// anonymous members, enumerator values.
// Example: find_record("task_struct") -> id; find_field(id, "pid") -> {member_indices [k],
// offset 1512 (build-host layout; CO-RE relocates it), type int32}.
#pragma once

#include "ast/type.h"

#include <llvm/Support/Error.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct btf;
struct btf_type;

namespace btc::btf {

// How to reach a (possibly nested, through anonymous struct/union members) field of a record.
struct FieldPath {
  std::vector<uint32_t> member_indices; // BTF member index, from the outer record inward
  uint32_t offset = 0;                  // bytes from the outer record (for bitfields: the byte
                                        // holding the first bit)
  ast::Type type;                       // the field's type (bitfields: an integer of the
                                        // declared type's size)
  uint32_t type_id = 0;                 // BTF id of the member's declared type (unresolved)
  uint32_t bitfield_offset = 0;         // bits from `offset`; meaningful when bitfield_size > 0
  uint32_t bitfield_size = 0;           // bits; 0: not a bitfield
};

// A kernel function's signature from BTF (FUNC -> FUNC_PROTO), for kfunc/kretfunc probes.
struct FuncParam {
  std::string name;
  uint32_t type_id = 0; // declared type (unresolved)
};
struct FuncProto {
  uint32_t func_id = 0;
  std::vector<FuncParam> params;
  uint32_t ret_type_id = 0; // 0: void
};

class KernelBtf {
public:
  static constexpr const char* kVmlinuxPath = "/sys/kernel/btf/vmlinux";

  // Opens raw BTF or an ELF file with .BTF; works unprivileged for /sys/kernel/btf/vmlinux.
  static llvm::Expected<KernelBtf> load(const std::string& path = kVmlinuxPath);
  // vmlinux BTF from `path` plus the split BTF of kernel module `module` (its
  // /sys/kernel/btf/MODULE file, a raw dump, or the .ko itself): one type space in which the
  // module's functions, tracepoints and types are found by name too.
  static llvm::Expected<KernelBtf> load_with_module(const std::string& path,
                                                    const std::string& module,
                                                    const std::string& module_path);
  // The module whose BTF is loaded on top of vmlinux ("" when none).
  const std::string& module() const { return module_; }

  KernelBtf(KernelBtf&& other) noexcept;
  KernelBtf& operator=(KernelBtf&& other) noexcept;
  KernelBtf(const KernelBtf&) = delete;
  KernelBtf& operator=(const KernelBtf&) = delete;
  ~KernelBtf();

  // The underlying libbpf object (owned by this KernelBtf).
  const struct btf* raw() const { return btf_; }
  const std::string& path() const { return path_; }

  // Struct or union named `name`, also through a typedef of that name.
  std::optional<uint32_t> find_record(std::string_view name) const;
  // Any named type: struct, union, typedef, enum, int, float.
  std::optional<uint32_t> find_type(std::string_view name) const;
  // The type of the per-CPU kernel variable `name` (a VAR of the .data..percpu section).
  std::optional<uint32_t> percpu_var_type(std::string_view name) const;
  // Value of an enumerator of any enum (ENUM or ENUM64) in the BTF.
  std::optional<int64_t> enum_value(std::string_view enumerator) const;
  // BTF id of the (first) enum type defining `enumerator` (after enum_value() indexed them).
  std::optional<uint32_t> enum_type_of(std::string_view enumerator) const;
  // Number of parameters of the kernel function `name` (BTF FUNC -> FUNC_PROTO), if known.
  std::optional<uint32_t> func_arg_count(std::string_view name) const;
  // kernel_btf_funcs.cpp: the signature of the kernel function `name`, and the names of all
  // BTF functions matching a '*' glob (sorted, unique).
  std::optional<FuncProto> func_proto(std::string_view name) const;
  std::vector<std::string> funcs_matching(std::string_view pattern) const;
  // A raw tracepoint's arguments: the prototype of its `btf_trace_EVENT` typedef without the
  // leading `void *__data` (what the program sees as ctx[0], ctx[1], ...).
  std::optional<FuncProto> raw_tracepoint_proto(std::string_view event) const;
  // Ids of all structs whose name starts with `prefix` (e.g. "trace_event_raw_").
  const std::vector<uint32_t>& structs_with_prefix(std::string_view prefix) const;

  // Skips typedef, const, volatile, restrict and type tags.
  uint32_t resolve(uint32_t id) const;
  const struct btf_type* type_by_id(uint32_t id) const;
  std::string name_of(uint32_t id) const;
  bool is_record(uint32_t id) const; // after resolve()

  // Converts a type; records reached through pointers are not expanded (see expand_record).
  ast::Type to_ast_type(uint32_t id) const;
  // A record with its fields (embedded records expanded, pointers to records shallow).
  ast::Type expand_record(uint32_t id) const;
  // Finds a field by name, searching through anonymous struct/union members.
  std::optional<FieldPath> find_field(uint32_t record_id, std::string_view name) const;

private:
  KernelBtf(struct btf* b, std::string path);
  ast::Type convert(uint32_t id, bool shallow_record) const;
  ast::Type shallow_record(uint32_t id) const;
  bool find_field_in(uint32_t rec, std::string_view name, uint32_t base_bits,
                     FieldPath& out) const;

  struct btf* btf_ = nullptr;
  struct btf* base_ = nullptr; // vmlinux under a module's split BTF
  std::string module_;
  std::string path_;
  // Lazily built indexes (queries are const; these caches are not observable).
  mutable std::unique_ptr<std::unordered_map<std::string, int64_t>> enumerators_;
  mutable std::unordered_map<std::string, uint32_t> enumerator_types_; // name -> enum type id
  mutable std::unordered_map<std::string, std::vector<uint32_t>> prefix_cache_;
};

} // namespace btc::btf
