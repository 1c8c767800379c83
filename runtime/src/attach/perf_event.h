// perf_event.h: the perf event probes (interval, profile, software, hardware): their event
// names and default counts, as bpftrace 0.17 has them (spec 1.3).
//
// Input: a software/hardware probe target ("cs", "cpu-cycles", ...). Output: the perf event
// type, config and default sample period. Example: software "cs" -> {PERF_TYPE_SOFTWARE,
// PERF_COUNT_SW_CONTEXT_SWITCHES, 1000}.
#pragma once

#include "btc/abi.h"

#include <cstdint>
#include <string_view>

namespace btc::rt {

struct PerfEventName {
  uint32_t type = 0;   // PERF_TYPE_SOFTWARE / PERF_TYPE_HARDWARE
  uint64_t config = 0; // PERF_COUNT_*
  uint64_t default_period = 0;
};
// False for other kinds and unknown names.
bool lookup_perf_event(abi::ProbeKind kind, std::string_view name, PerfEventName& out);

} // namespace btc::rt
