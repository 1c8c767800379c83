// metrics/collector.h: one scrape of a running tool: its maps as metric families
// (exposition.h) and what the tool knows about itself.
//
// Input: the loaded bpf_object (maps and programs), the manifest, the tool's self counters
// and .bss events-lost word. Output: exposition text. Runs on the metrics server's thread:
// it reads the maps with its own MapStore and symbolizes keys with its own Resolver, so it
// shares nothing mutable with the event loop except the atomic counters.
// Self metrics (unprefixed, one name for every btc tool):
//   btc_events_lost_total, btc_map_full_drops_total{map}, btc_helper_errors_total{helper},
//   btc_program_runs_total / btc_program_run_seconds_total{probe,program} (only while
//   kernel.bpf_stats_enabled is 1), process_start_time_seconds,
//   btc_build_info{tool,btc_version,script_sha256,target_arch} 1.
#pragma once

#include "metrics/exposition.h"
#include "output/bpf_maps.h"
#include "output/format/resolve.h"
#include "output/self_counters.h"
#include "output/stacks.h"

#include <mutex>
#include <string>
#include <vector>

struct bpf_object;

namespace btc::rt::metrics {

struct CollectorInput {
  const abi::Manifest& manifest;
  bpf_object* obj = nullptr;
  std::string prefix; // family prefix of the script's maps
  const SelfCounters* counters = nullptr;
  const volatile uint64_t* lost_events = nullptr; // the .bss counter (may be null)
  double start_time = 0;                          // seconds since the epoch
};

class Collector {
public:
  explicit Collector(const CollectorInput& in);
  // Every family name (maps and self metrics), each once; "" when they are distinct, else
  // the clash, in words.
  std::string check_names() const;
  // One scrape. Thread-safe (scrapes are serialised).
  std::string scrape(Format format);

private:
  void write_maps(Writer& w);
  void write_self(Writer& w);
  void write_program_stats(Writer& w);

  const abi::Manifest& m_;
  bpf_object* obj_;
  const SelfCounters* counters_;
  const volatile uint64_t* lost_events_;
  double start_time_;
  std::mutex mutex_;
  BpfMapStore store_;
  std::vector<std::string> probe_names_;
  StackSymbols stacks_;
  HostResolver resolver_{stacks_};
  RenderEnv env_;
  std::vector<MapPlan> plans_;           // per manifest map
  std::vector<HistogramExtent> extents_; // per manifest map
};

} // namespace btc::rt::metrics
