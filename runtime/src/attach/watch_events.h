// watch_events.h: what the tool does with watchpoint events (the WatchSink of EventHandler).
//
// Input: WatchpointAttach {address, attach-point id} from a FUNC+argN setup uprobe and
// WatchpointDetach {address} from unwatch(). Output: breakpoints armed or disarmed through
// attach_watch.h, bpftrace 0.17's notice when the debug registers run out, and SIGCONT for a
// tracee the synchronous watchpoint stopped. Example: a fifth address on x86 (4 debug
// registers) prints "Failed to attach watchpoint probe. You are out of watchpoint registers."
// as a lost_events message and lets the tracee continue.
#pragma once

#include "output/events.h"
#include "output/output.h"

#include <functional>
#include <string_view>

namespace btc::rt {

inline constexpr std::string_view kOutOfWatchpointRegisters =
    "Failed to attach watchpoint probe. You are out of watchpoint registers.";

class WatchEvents final : public WatchSink {
public:
  // `warn` receives error lines (with their newline) for stderr.
  WatchEvents(Output& out, std::function<void(std::string_view)> warn)
      : out_(out), warn_(std::move(warn)) {}

  void attach(uint64_t addr, uint64_t point_id) override;
  void detach(uint64_t addr) override;

private:
  Output& out_;
  std::function<void(std::string_view)> warn_;
};

} // namespace btc::rt
