// probes.h: the probe-kind registry. One descriptor per provider: its names and aliases, how
// its attach-point text is parsed, the BPF section its program goes into, and which context
// builtins it offers.
//
// Example: parse_attach_point("t:syscalls:sys_enter_*") gives AttachSpec{kind Tracepoint,
// target "syscalls:sys_enter_*", wildcard true, text "tracepoint:syscalls:sys_enter_*"}.
#pragma once

#include "ast/type.h"
#include "btc/abi.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace btc::probes {

using abi::ProbeKind;

// What a program of this probe kind may use (spec 1.4).
struct ContextRules {
  bool args = false;      // tracepoint `args`
  bool argn = false;      // arg0..argN
  bool retval = false;
  bool func = false;
  bool stacks_kernel = true;
  // The kernel struct `ctx` points to ("" where 0.17 refuses ctx): its fields are loaded
  // directly from the program's context.
  std::string_view ctx_record = {};
};

struct ProbeKindDesc {
  ProbeKind kind;
  std::string_view name;                 // canonical provider name
  std::vector<std::string_view> aliases; // short names
  std::string_view section;              // BPF ELF section of the program
  std::string_view prog_type;            // its BPF program type, as 0.17 names it
  ContextRules rules;
  bool supported;                        // attachable by this version of btc
  // What argN, retval, reg() and casts of plain integers point into (bpftrace 0.17's rule).
  ast::AddrSpace memory;
};

struct AttachSpec {
  ProbeKind kind = ProbeKind::Begin;
  std::string text;     // canonical spelling, e.g. "tracepoint:syscalls:sys_enter_openat"
  std::string target;   // tracepoint "cat:event", perf event name, binary path
  std::string func;     // function / symbol
  uint64_t period = 0;  // perf events: period (ns for interval/profile, count for sw/hw) or freq
  bool use_freq = false;
  bool wildcard = false;
  uint64_t offset = 0;  // FUNC+OFF, or an absolute address (uprobe:BIN:ADDR, watchpoint:ADDR)
  bool optional = false; // expanded by the compiler from a wildcard: skip it where missing
  uint32_t attach_point = 0; // index of the attach point it came from in its probe
  // watchpoint / asyncwatchpoint (probes/watchpoint.h): LEN, MODE with its letters sorted
  // ("rw"), and N of FUNC+argN (-1: the ADDR form).
  uint32_t watch_len = 0;
  std::string watch_mode;
  int32_t watch_arg = -1;
};

const ProbeKindDesc* find_kind(std::string_view provider);
const ProbeKindDesc& describe(ProbeKind kind);

// Parses one attach point; on failure returns nullopt and sets `error` to a bpftrace-style
// message ("Invalid probe type: foo", "interval probe must have unit of time", ...).
std::optional<AttachSpec> parse_attach_point(std::string_view text, std::string& error);

// Spec 1.2 wildcard matching: `*` matches any run of characters, everything else itself
// ("sys_enter_exec*" matches "sys_enter_execve").
bool wildcard_match(std::string_view pattern, std::string_view text);

// Default sample counts of software/hardware events (spec 1.3); nullopt if unknown. `name`
// may be an alias; `canonical` receives the full event name.
std::optional<uint64_t> perf_event_default_count(ProbeKind kind, std::string_view name,
                                                 std::string* canonical = nullptr);

} // namespace btc::probes
