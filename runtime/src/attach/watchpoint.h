// attach_watch.h: watchpoint / asyncwatchpoint attach points and the hardware breakpoints
// armed for them (perf PERF_TYPE_BREAKPOINT events running the watchpoint program).
//
// Input: Manifest::probes of the two kinds, the -p PID / -c child, the loaded bpf_object.
// Output: AttachPoints, bpf_links, and the set of armed breakpoints (by address, so that
// unwatch(addr) can disarm them).
//  * watchpoint:ADDR:LEN:MODE is armed when the probes attach: in the -p/-c process when there
//    is one, else on every CPU for every process (bpftrace 0.17's "kernel" form).
//  * watchpoint:FUNC+argN:LEN:MODE (and asyncwatchpoint) attaches its setup uprobe at FUNC in
//    the traced binary (one attach point per '*' match); each WatchpointAttach event it sends
//    arms one breakpoint in the traced process (arm_watchpoint).
// Example: `watchpoint:watch_me+arg0:4:w` with -c ./prog is the attach point
// "watchpoint:./prog:watch_me:4:w" (0.17's name: the command as written, then FUNC).
#pragma once

#include "attach/plan.h"
#include "btc/abi.h"

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

struct bpf_object;

namespace btc::rt {

// The traced process of -p PID (target_pid > 0) or -c COMMAND (child_pid > 0, COMMAND as
// given), and the object whose programs get attached. Call before planning.
void prepare_watchpoints(bpf_object* obj, int64_t target_pid, pid_t child_pid,
                         const std::string& command);

bool is_watch_probe(abi::ProbeKind kind);

// Expands one watchpoint probe into attach points (wildcard matches appended to probe_names;
// the FUNC form's own name is rewritten with the traced binary).
bool plan_watch_probe(const abi::Manifest& m, const abi::ProbeDesc& p,
                      std::vector<std::string>& probe_names, std::vector<AttachPoint>& out,
                      std::string& err);

// ADDR form: arms the breakpoint now (kept in the armed set, not in `links`). FUNC form:
// attaches the setup uprobe (appended to `links`).
bool attach_watch_probe(bpf_object* obj, const AttachPoint& point, std::vector<LinkPtr>& links,
                        std::string& err);

enum class ArmResult {
  Armed,
  Duplicate,   // this attach point's last address again: ignored, as in 0.17
  NoRegisters, // ENOSPC: every debug register is in use
  Failed,
};
struct ArmOutcome {
  ArmResult result = ArmResult::Failed;
  bool resume_tracee = false; // synchronous watchpoint: the tracee waits for SIGCONT
  pid_t pid = -1;             // the traced process
  std::string err;
};
// A WatchpointAttach event: arms the breakpoint of attach point `point_id` at `addr`.
ArmOutcome arm_watchpoint(uint32_t point_id, uint64_t addr);

// unwatch(addr): closes every armed breakpoint on `addr` (silently nothing when none).
void disarm_watchpoints(uint64_t addr);

// At the end: closes every breakpoint and resumes a tracee a synchronous watchpoint may have
// stopped after its last event was read.
void disarm_all_watchpoints();

// perf_event_attr.bp_type for a MODE ("w" -> HW_BREAKPOINT_W, "rw" -> HW_BREAKPOINT_RW,
// "x" -> HW_BREAKPOINT_X); 0 for anything else.
uint32_t breakpoint_type(std::string_view mode);

// The name `probe` prints for a FUNC+argN attach point matching function `func`.
std::string watch_probe_name(const abi::ProbeDesc& p, std::string_view binary_name,
                             std::string_view func);

} // namespace btc::rt
