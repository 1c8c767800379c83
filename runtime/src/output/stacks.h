// stacks.h: symbolizing kstack/ustack/usym values of the running tool (spec 8.4).
//
// Input: a stack id and pid from a BPF value, the StackMapDesc of its STACK_TRACE map, the
// loaded bpf_object holding the maps, /proc/kallsyms and the traced processes' mappings.
// Output: StackFrames (printed by format_stack, format/value.h) and usym names.
// Example: a ustack {id 3, pid 812} reads ips {0x55..151, 0x55..16b, 0} from the stack map
// and gives frames {leaf+24 /tmp/loop}, {mid+9 /tmp/loop}.
#pragma once

#include "btc/abi.h"
#include "host/symbols.h"
#include "output/format/value.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct bpf_object;

namespace btc::rt {

class StackSymbols {
public:
  // The object whose stack maps later lookups read (none until set: no frames).
  void set_object(bpf_object* obj) { obj_ = obj; }
  std::vector<StackFrame> frames(const abi::StackMapDesc& map, int64_t id, uint64_t pid);
  // The function holding `addr` in process `pid`, demangled; nullopt when unknown.
  std::optional<std::string> user_symbol(uint64_t addr, uint64_t pid);
  // Keeps the current mappings of a traced process for symbolizing after it exits.
  void remember_process(uint64_t pid);

private:
  KernelSymbols& kernel(); // /proc/kallsyms, read on first use

  bpf_object* obj_ = nullptr;
  KernelSymbols kernel_;
  bool kernel_loaded_ = false;
  UserSymbols user_;
};

} // namespace btc::rt
