// map_full.cpp: rate-limited "map is full" warnings (see map_full.h).
#include "output/map_full.h"

#include <ctime>

namespace btc::rt {
namespace {

constexpr int64_t kIntervalMs = 1000;

std::string prefix(const std::string& name, uint64_t max_entries) {
  return "WARNING: map " + name + " is full (" + std::to_string(max_entries) +
         " entries, BPFTRACE_MAP_KEYS_MAX): ";
}

} // namespace

MapFullReporter::MapFullReporter(Warn warn, Clock clock)
    : warn_(std::move(warn)), clock_(std::move(clock)) {}

void MapFullReporter::dropped(const abi::MapDesc& map, uint64_t max_entries) {
  auto [it, first] = maps_.try_emplace(map.name);
  State& s = it->second;
  if (first) {
    s.name = map.name;
    s.max_entries = max_entries;
    s.last_ms = clock_();
    warn_(prefix(s.name, s.max_entries) + "new keys are dropped\n");
    return;
  }
  ++s.pending;
  if (clock_() - s.last_ms >= kIntervalMs) report(s);
}

void MapFullReporter::report(State& s) {
  if (s.pending == 0) return;
  warn_(prefix(s.name, s.max_entries) + std::to_string(s.pending) + " more new key" +
        (s.pending == 1 ? "" : "s") + " dropped\n");
  s.pending = 0;
  s.last_ms = clock_();
}

void MapFullReporter::tick() {
  int64_t now = clock_();
  for (auto& [name, s] : maps_)
    if (s.pending && now - s.last_ms >= kIntervalMs) report(s);
}

void MapFullReporter::flush() {
  for (auto& [name, s] : maps_) report(s);
}

int64_t monotonic_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

} // namespace btc::rt
