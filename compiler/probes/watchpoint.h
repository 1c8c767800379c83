// watchpoint.h: the watchpoint / asyncwatchpoint attach-point grammar (spec 1.1), internal to
// the probe registry, plus the names the compiler and the manifest share for them.
//
// Forms: `watchpoint:ADDR:LEN:MODE` (ADDR decimal or 0x hex) and
// `watchpoint:FUNC+argN:LEN:MODE` / `asyncwatchpoint:FUNC+argN:LEN:MODE` (FUNC may hold '*').
// Example: "w:0x10000000:4:wr" gives AttachSpec{kind Watchpoint, offset 0x10000000,
// watch_len 4, watch_mode "rw", text "watchpoint:268435456:4:rw"} (bpftrace 0.17 prints the
// address in decimal and the mode sorted).
#pragma once

#include "probes/provider.h"

#include <string>
#include <string_view>
#include <vector>

namespace btc::probes {

// Parses the parts after the provider (parts[0]) into `spec` (kind already set). On failure
// sets `error` to bpftrace 0.17's message and returns false.
bool parse_watchpoint(const std::vector<std::string_view>& parts, AttachSpec& spec,
                      std::string& error);

// Name of the arming uprobe program of the watchpoint program `prog_name`.
inline std::string watch_setup_prog_name(std::string_view prog_name) {
  return std::string(prog_name) + "_setup";
}

// Largest N of argN on x86-64 (di, si, dx, cx, r8, r9).
inline constexpr int32_t kMaxWatchArg = 5;

} // namespace btc::probes
