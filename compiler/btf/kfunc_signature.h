// kfunc_signature.h: what a kfunc/kretfunc program sees of the traced function, from BTF.
//
// Input: kernel BTF and a function name. Output: each parameter's name, type and u64 slot in
// the fentry/fexit context (a struct passed by value takes ceil(size/8) slots), the slot of
// the return value, and whether a kprobe could read the same arguments from registers (the
// kprobe twin that a kfunc probe falls back to on kernels without fentry).
// Example: vfs_read -> args [file: struct file * @0, buf: char * (user) @1, count: uint64 @2,
// pos: int64 * @3], retval int64 @4, register_args true.
#pragma once

#include "ast/type.h"
#include "btf/kernel_btf.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace btc::btf {

struct KfuncArg {
  std::string name;
  ast::Type type;
  uint32_t slot = 0;  // index of its first u64 in the fentry/fexit context
  uint32_t btf_id = 0;
};

struct KfuncSignature {
  std::vector<KfuncArg> args;
  ast::Type retval;        // None for void functions
  uint32_t retval_slot = 0; // == number of argument slots
  // Every argument is an integer or pointer in one of the target's argument registers and
  // the return value fits the return register: a kprobe/kretprobe can read the same values
  // from pt_regs.
  bool register_args = true;
};

// `register_slots`: how many argument registers the target has (x86-64 6, aarch64 8).
std::optional<KfuncSignature> kfunc_signature(const btf::KernelBtf& btf, std::string_view func,
                                              uint32_t register_slots = 6);
// rawtracepoint:EVENT: its arguments after `void *__data` (no return value).
std::optional<KfuncSignature> raw_tracepoint_signature(const btf::KernelBtf& btf,
                                                       std::string_view event);

// The argument named `name`, or nullptr.
const KfuncArg* find_kfunc_arg(const KfuncSignature& sig, std::string_view name);

} // namespace btc::btf
