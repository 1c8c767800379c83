// self_counters.h: what the tool counts about itself while it runs, for its --metrics
// endpoint: new keys dropped because a map was full, and failed BPF helper calls (reported
// with -k). The event loop's thread adds; the metrics server's thread reads. Relaxed atomics:
// each number is read on its own, nothing is ordered against it.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

namespace btc::rt {

struct SelfCounters {
  explicit SelfCounters(size_t maps) : map_full_drops(maps) {}
  std::vector<std::atomic<uint64_t>> map_full_drops; // per manifest map
  // Per BPF helper id (enum bpf_func_id); ids past the array count in its last slot.
  std::array<std::atomic<uint64_t>, 256> helper_errors{};
};

} // namespace btc::rt
