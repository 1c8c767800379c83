// target.h: the architectures btc writes tools for, as data (btc --target).
//
// A Target holds what the BPF programs of a tool depend on about the machine that runs it:
// where struct pt_regs keeps the argument, return-value, instruction and stack pointer
// registers (argN, retval, reg(), sargN, usdt operands are read from there), how many
// arguments travel in registers, the prefix of the kernel's syscall functions, and which
// runtime executable the tool is written from. Nothing else in the compiler asks which
// architecture it is building for. Example: find_target("aarch64")->arg_offsets[1] == 8
// (x1 is regs[1] of struct user_pt_regs).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace btc::targets {

struct Register {
  std::string_view name; // as reg("name") takes it
  uint32_t offset;       // byte offset in struct pt_regs
};

// How the usermode builtin tells user from kernel mode: (pt_regs[offset] & mask) == value.
struct ModeTest {
  uint32_t offset;
  uint64_t mask, value;
};

struct Target {
  std::string_view name;                 // "x86_64", "aarch64"
  std::string_view syscall_prefix;       // kernel syscall functions: "__x64_sys_", "__arm64_sys_"
  std::span<const uint32_t> arg_offsets; // argN registers, in order
  uint32_t retval_offset, ip_offset, sp_offset;
  // sargN reads sp + stack_arg_offset + 8 * N (x86-64: above the pushed return address).
  uint32_t stack_arg_offset;
  ModeTest user_mode;
  std::span<const Register> registers; // reg()
  std::string_view watchpoint_modes;   // the access modes its breakpoints take, e.g. "rw w x"
  bool dwarf_unwind;               // dw_ustack's BPF unwinder knows this architecture's registers
  std::string_view runtime_suffix; // btc-runtime<suffix>: "" on the host, else "-<name>"
};

// The target btc runs on (the default of --target).
const Target& host_target();
// nullptr for a name btc does not know.
const Target* find_target(std::string_view name);
// "x86_64, aarch64" (for diagnostics and --help).
std::string target_names();

std::optional<uint32_t> register_offset(const Target& t, std::string_view name);

// The names under which `func`, a kernel function of target `t`, may appear in another
// architecture's kernel: itself, then for a syscall function (`__arm64_sys_openat`) the same
// syscall under each other target's prefix (`__x64_sys_openat`; same prototype, taking
// `const struct pt_regs *`). Lets a tool for one architecture be typed from the BTF of another.
std::vector<std::string> function_spellings(const Target& t, std::string_view func);

} // namespace btc::targets
