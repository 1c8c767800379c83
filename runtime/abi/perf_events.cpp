// perf_events.cpp: the perf event table of btc/perf_events.h.
#include "btc/perf_events.h"

#include <linux/perf_event.h>

namespace btc::abi {
namespace {

constexpr PerfEventType kSw = PerfEventType::Software, kHw = PerfEventType::Hardware;

// Software events first, then hardware ones (perf_events() hands out each half).
constexpr PerfEventName kEvents[] = {
    {"alignment-faults", "", kSw, PERF_COUNT_SW_ALIGNMENT_FAULTS, 1},
    {"bpf-output", "", kSw, PERF_COUNT_SW_BPF_OUTPUT, 1},
    {"context-switches", "cs", kSw, PERF_COUNT_SW_CONTEXT_SWITCHES, 1000},
    {"cpu-clock", "cpu", kSw, PERF_COUNT_SW_CPU_CLOCK, 1000000},
    {"cpu-migrations", "", kSw, PERF_COUNT_SW_CPU_MIGRATIONS, 1},
    {"dummy", "", kSw, PERF_COUNT_SW_DUMMY, 1},
    {"emulation-faults", "", kSw, PERF_COUNT_SW_EMULATION_FAULTS, 1},
    {"major-faults", "", kSw, PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1},
    {"minor-faults", "", kSw, PERF_COUNT_SW_PAGE_FAULTS_MIN, 100},
    {"page-faults", "faults", kSw, PERF_COUNT_SW_PAGE_FAULTS, 100},
    {"task-clock", "", kSw, PERF_COUNT_SW_TASK_CLOCK, 1},
    {"backend-stalls", "", kHw, PERF_COUNT_HW_STALLED_CYCLES_BACKEND, 1000000},
    {"branch-instructions", "branches", kHw, PERF_COUNT_HW_BRANCH_INSTRUCTIONS, 100000},
    {"branch-misses", "", kHw, PERF_COUNT_HW_BRANCH_MISSES, 100000},
    {"bus-cycles", "", kHw, PERF_COUNT_HW_BUS_CYCLES, 100000},
    {"cache-misses", "", kHw, PERF_COUNT_HW_CACHE_MISSES, 1000000},
    {"cache-references", "", kHw, PERF_COUNT_HW_CACHE_REFERENCES, 1000000},
    {"cpu-cycles", "cycles", kHw, PERF_COUNT_HW_CPU_CYCLES, 1000000},
    {"frontend-stalls", "", kHw, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, 1000000},
    {"instructions", "", kHw, PERF_COUNT_HW_INSTRUCTIONS, 1000000},
    {"ref-cycles", "", kHw, PERF_COUNT_HW_REF_CPU_CYCLES, 1000000},
};

} // namespace

constexpr size_t kSoftwareEvents = 11;
static_assert(kEvents[kSoftwareEvents - 1].type == PerfEventType::Software &&
              kEvents[kSoftwareEvents].type == PerfEventType::Hardware);

std::span<const PerfEventName> perf_events(PerfEventType type) {
  std::span<const PerfEventName> all(kEvents);
  switch (type) {
  case PerfEventType::Software:
    return all.first(kSoftwareEvents);
  case PerfEventType::Hardware:
    return all.subspan(kSoftwareEvents);
  }
  return {};
}

const PerfEventName* find_perf_event(PerfEventType type, std::string_view name) {
  for (const auto& e : perf_events(type))
    if (e.name == name || (!e.alias.empty() && e.alias == name)) return &e;
  return nullptr;
}

} // namespace btc::abi
