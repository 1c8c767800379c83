// map_full.h: the always-on warning for maps that dropped new keys because they are full
// (a map_update_elem HelperError with -E2BIG), rate-limited per map.
//
// Input: one dropped() call per failed update, a millisecond clock. Output: warning lines,
//   WARNING: map @x is full (4096 entries, BPFTRACE_MAP_KEYS_MAX): new keys are dropped
// the first time for a map, then at most once per second while drops continue
//   WARNING: map @x is full (4096 entries, BPFTRACE_MAP_KEYS_MAX): 123 more new keys dropped
// and at flush() (tool exit) for drops not yet reported.
#pragma once

#include "btc/abi.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace btc::rt {

class MapFullReporter {
public:
  using Clock = std::function<int64_t()>;               // monotonic milliseconds
  using Warn = std::function<void(std::string_view)>;   // one line, with '\n'

  MapFullReporter(Warn warn, Clock clock);

  void dropped(const abi::MapDesc& map, uint64_t max_entries);
  // Reports drops older than one second since the map's last message (call periodically).
  void tick();
  // Reports every drop not yet reported.
  void flush();

private:
  struct State {
    std::string name;
    uint64_t max_entries = 0;
    uint64_t pending = 0;
    int64_t last_ms = 0;
  };
  void report(State& s);

  Warn warn_;
  Clock clock_;
  std::map<std::string, State> maps_; // by MapDesc::name
};

// The monotonic clock in milliseconds.
int64_t monotonic_ms();

} // namespace btc::rt
