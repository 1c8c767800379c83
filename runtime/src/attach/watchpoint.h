// watchpoint.h: the watchpoint / asyncwatchpoint provider and the hardware breakpoints it
// arms (perf PERF_TYPE_BREAKPOINT events running the watchpoint program).
//
// Input: Manifest::probes of the two kinds, the -p PID / -c child, the loaded bpf_object.
// Output: AttachPoints, bpf_links, and the set of armed breakpoints (by address, so that
// unwatch(addr) can disarm them).
//  * watchpoint:ADDR:LEN:MODE is armed when the probes attach: in the -p/-c process when there
//    is one, else on every CPU for every process (bpftrace 0.17's "kernel" form).
//  * watchpoint:FUNC+argN:LEN:MODE (and asyncwatchpoint) attaches its setup uprobe at FUNC in
//    the traced binary (one attach point per '*' match); each WatchpointAttach event it sends
//    arms one breakpoint in the traced process (arm()).
// WatchEvents is the EventHandler's WatchSink for those events; it also prints bpftrace
// 0.17's notice when the debug registers run out and sends SIGCONT to a tracee the
// synchronous watchpoint stopped. Example: a fifth address on x86 (4 debug registers) prints
// "Failed to attach watchpoint probe. You are out of watchpoint registers." as a lost_events
// message and lets the tracee continue.
// Example: `watchpoint:watch_me+arg0:4:w` with -c ./prog is the attach point
// "watchpoint:./prog:watch_me:4:w" (0.17's name: the command as written, then FUNC).
#pragma once

#include "attach/provider.h"
#include "btc/abi.h"
#include "output/events.h"
#include "output/output.h"

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace btc::rt {

inline constexpr std::string_view kOutOfWatchpointRegisters =
    "Failed to attach watchpoint probe. You are out of watchpoint registers.";

class WatchEvents;

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

class WatchpointProvider final : public ProbeProvider {
public:
  WatchpointProvider();
  ~WatchpointProvider() override;

  bool runs_last_attached_first(const abi::ProbeDesc&) const override { return false; }
  // The traced process of -p PID or -c COMMAND (as given), and the object.
  bool resolve(const PrepareInput& in, const abi::Manifest& m, const abi::ProbeDesc& p,
               std::string& err) override;
  // Expands one watchpoint probe into attach points (wildcard matches appended to
  // probe_names; the FUNC form's own name is rewritten with the traced binary).
  bool plan(const abi::Manifest& m, const abi::ProbeDesc& p, std::vector<std::string>& probe_names,
            std::vector<AttachPoint>& out, std::string& err) override;
  // ADDR form: arms the breakpoint now (kept in the armed set, not in `links`). FUNC form:
  // attaches the setup uprobe (appended to `links`).
  bool attach(const AttachInput& in, const AttachPoint& point, std::vector<LinkPtr>& links,
              std::string& err) override;
  // WatchpointAttach / WatchpointDetach events arm and disarm breakpoints (WatchEvents).
  void connect(EventHandler& handler, Output& out,
               std::function<void(std::string_view)> warn) override;
  // Closes every breakpoint and resumes a tracee a synchronous watchpoint may have stopped
  // after its last event was read.
  void stop() override;

  // A WatchpointAttach event: arms the breakpoint of attach point `point_id` at `addr`.
  ArmOutcome arm(uint32_t point_id, uint64_t addr);
  // unwatch(addr): closes every armed breakpoint on `addr` (silently nothing when none).
  void disarm(uint64_t addr);

private:
  struct Armed {
    uint32_t id = 0;
    uint64_t addr = 0;
    std::vector<LinkPtr> links;
  };

  bool open_breakpoint(const AttachPoint& point, uint64_t addr, std::vector<LinkPtr>& links,
                       std::string& err);
  bool attach_setup_uprobe(const AttachInput& in, const AttachPoint& point,
                           std::vector<LinkPtr>& links, std::string& err);

  bpf_object* obj_ = nullptr;
  ProgramCopies* programs_ = nullptr;      // from attach(): breakpoints armed later use it too
  pid_t pid_ = 0;                          // traced process, 0: none
  std::string binary_;                     // its executable (resolved path)
  std::string name_;                       // as probe names show it (the -c command word)
  std::map<uint32_t, AttachPoint> points_; // FUNC-form attach points by probe id
  std::map<uint32_t, uint64_t> last_addr_; // per attach point: the address last armed
  std::vector<Armed> armed_;
  bool may_stop_ = false; // a synchronous FUNC-form watchpoint is attached
  std::unique_ptr<WatchEvents> events_;
};

// What the tool does with watchpoint events: WatchpointAttach {address, attach-point id} from
// a FUNC+argN setup uprobe arms a breakpoint, WatchpointDetach {address} from unwatch()
// disarms.
class WatchEvents final : public WatchSink {
public:
  // `warn` receives error lines (with their newline) for stderr.
  WatchEvents(WatchpointProvider& watch, Output& out, std::function<void(std::string_view)> warn)
      : watch_(watch), out_(out), warn_(std::move(warn)) {}

  void attach(uint64_t addr, uint64_t point_id) override;
  void detach(uint64_t addr) override;

private:
  WatchpointProvider& watch_;
  Output& out_;
  std::function<void(std::string_view)> warn_;
};

// perf_event_attr.bp_type for a MODE ("w" -> HW_BREAKPOINT_W, "rw" -> HW_BREAKPOINT_RW,
// "x" -> HW_BREAKPOINT_X); 0 for anything else.
uint32_t breakpoint_type(std::string_view mode);

// The name `probe` prints for a FUNC+argN attach point matching function `func`.
std::string watch_probe_name(const abi::ProbeDesc& p, std::string_view binary_name,
                             std::string_view func);

} // namespace btc::rt
