// stacks.h: rendering of kstack/ustack/usym values (spec 8.4).
//
// Input: the value bytes ({i64 stack id, u64 pid} or {u64 addr, u64 pid}), the manifest's
// StackMapDesc (mode, user/kernel) and the loaded bpf_object holding the STACK_TRACE maps.
// Output: bpftrace 0.17 text: "\n" + one frame per line ("sym+off", indented 4 spaces as a
// map key, 8 as a value; perf mode "\t<hex ip> sym+off[ (binary)]"; raw mode hex only).
#pragma once

#include "btc/abi.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

struct bpf_object;

namespace btc::rt {

// The object whose stack maps later lookups read (set once loaded; nullptr: none).
void set_stack_object(bpf_object* obj);
// Keeps the current mappings of a traced process for symbolizing after it exits.
void remember_process(uint64_t pid);

// One resolved frame: name + offset, the binary for user frames.
struct StackFrame {
  uint64_t ip = 0;
  bool found = false;
  std::string name;
  uint64_t offset = 0;
  std::string module;
};

// Pure formatting of resolved frames. `indent`: 4 (map key) or 8 (printed value).
std::string format_stack(const std::vector<StackFrame>& frames, bool user, abi::StackMode mode,
                         int indent);

// Renders a Kstack/Ustack value of type `type` (TypeDesc::elem = index into stack_maps).
std::string render_stack(const abi::Manifest& m, const abi::TypeDesc& type,
                         std::span<const uint8_t> bytes, int indent);

// usym value: symbol name without offset, or hex ("0x1"; "0" for 0) when unresolved.
std::string render_usym(uint64_t addr, uint64_t pid);

} // namespace btc::rt
