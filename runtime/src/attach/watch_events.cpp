// watch_events.cpp: WatchEvents (see watch_events.h).
#include "attach/watch_events.h"

#include "attach/watchpoint.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>

namespace btc::rt {

void WatchEvents::attach(uint64_t addr, uint64_t point_id) {
  ArmOutcome arm = arm_watchpoint(static_cast<uint32_t>(point_id), addr);
  switch (arm.result) {
  case ArmResult::Armed:
  case ArmResult::Duplicate:
    break;
  case ArmResult::NoRegisters:
    out_.message(MessageKind::LostEvents, kOutOfWatchpointRegisters);
    break;
  case ArmResult::Failed:
    warn_("ERROR: Unable to attach real watchpoint probe: " + arm.err + "\n");
    break;
  }
  // The setup uprobe stopped the tracee (synchronous form): let it run into the watchpoint.
  if (arm.resume_tracee && (arm.pid <= 0 || kill(arm.pid, SIGCONT) != 0))
    warn_("ERROR: Failed to SIGCONT tracee: " + std::string(std::strerror(errno)) + "\n");
}

void WatchEvents::detach(uint64_t addr) { disarm_watchpoints(addr); }

} // namespace btc::rt
