// btc/perf_events.h: the software and hardware perf events bpftrace 0.17 names, with their
// aliases and default sample counts (spec 1.3). The compiler parses `software:faults:` with
// it, the tool opens the event with it; one table for both.
// Example: find_perf_event(PerfEventType::Software, "faults") gives
// {"page-faults", "faults", Software, PERF_COUNT_SW_PAGE_FAULTS, 100}.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace btc::abi {

// perf_event_attr.type (PERF_TYPE_HARDWARE, PERF_TYPE_SOFTWARE).
enum class PerfEventType : uint32_t { Hardware = 0, Software = 1 };

struct PerfEventName {
  std::string_view name;
  std::string_view alias; // "" when none
  PerfEventType type;
  uint64_t config;        // perf_event_attr.config
  uint64_t default_count; // sample period when the probe names none
};

std::span<const PerfEventName> perf_events(PerfEventType type);
// By name or alias; null if `type` has no such event.
const PerfEventName* find_perf_event(PerfEventType type, std::string_view name);

} // namespace btc::abi
