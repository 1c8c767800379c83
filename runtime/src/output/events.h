// events.h: dispatch of ring-buffer records to output, and the ring-buffer reader.
//
// Input: records "u64 header (low 32 bits = index into Manifest::events) + payload". Output:
// printf/print/time/cat/system/join text on the Output, map printing, clear()/zero() on the
// MapStore, the exit() request, and -k helper-error / full-map warnings. Example: a Printf event with format "%d %s\n" and args
// {Int @0, String[16] @8} over payload {5, "bash"} writes "5 bash\n".
#pragma once

#include "output/format/printf.h"
#include "output/format/value.h"
#include "output/map_full.h"
#include "output/maps.h"
#include "output/output.h"
#include "output/self_counters.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <span>
#include <string>

struct ring_buffer;

namespace btc::rt {

// Where WatchpointAttach / WatchpointDetach events go (attach/watchpoint.h arms the
// breakpoints).
class WatchSink {
public:
  virtual ~WatchSink() = default;
  virtual void attach(uint64_t addr, uint64_t point_id) = 0;
  virtual void detach(uint64_t addr) = 0;
};

class EventHandler {
public:
  EventHandler(const abi::Manifest& m, Output& out, MapStore& store, const RenderEnv& env);

  void handle(std::span<const uint8_t> record);
  bool exit_requested() const { return exit_requested_; }
  // The status exit(code) asked for (0 for exit() without one).
  int exit_code() const { return exit_code_; }
  // Records after an exit() event are dropped (bpftrace 0.17 stops reading at exit) until
  // this is called, right before END runs.
  void accept_events_after_exit() { after_exit_ok_ = true; }
  // errorf() events handled so far (a test probe that reports one fails).
  int errors() const { return errors_; }
  // Between test probes (--test/--bench): no exit() seen, no errors.
  void reset_run_state() {
    exit_requested_ = false;
    exit_code_ = 0;
    errors_ = 0;
  }
  // Asked before each record: true once the tool is told to stop (SIGINT/SIGTERM). From then
  // on, as after exit(), queued records are dropped (0.17 stops reading), so a flood of
  // events (system() that wakes the probe again) cannot delay END and the map dump.
  void set_stop_check(std::function<bool()> check) { stop_check_ = std::move(check); }
  // Queued records are being dropped (exit() or a stop signal, END not started yet).
  bool dropping() const { return (exit_requested_ || stopping_) && !after_exit_ok_; }
  // cat() reads at most this many bytes (BPFTRACE_CAT_BYTES_MAX, default 10240).
  void set_cat_limit(size_t bytes) { cat_limit_ = bytes; }
  // -k level (0: only full-map warnings and failed map updates, 1: -k, 2: -kk).
  void set_helper_errors(int level) { helper_errors_ = level; }
  // Where warnings and errors go (default: stderr, after flushing the output).
  void set_warning_sink(std::function<void(std::string_view)> sink);
  // Watchpoint events are ignored without one.
  void set_watch_sink(WatchSink* sink) { watch_ = sink; }
  // Where full-map drops and helper failures are counted (--metrics); none: not counted.
  void set_counters(SelfCounters* counters) { counters_ = counters; }
  // Periodic housekeeping (rate-limited warnings); finish() reports what is still pending.
  void tick() { map_full_.tick(); }
  void finish() { map_full_.flush(); }

private:
  std::string format(const abi::EventDesc& ev, std::span<const uint8_t> payload) const;
  const PrintfPlan& plan_of(const abi::EventDesc& ev) const;
  void cat(const abi::EventDesc& ev, std::span<const uint8_t> payload);
  void system(const abi::EventDesc& ev, std::span<const uint8_t> payload);
  void join(const abi::EventDesc& ev, std::span<const uint8_t> payload);
  void helper_error(const abi::EventDesc& ev, std::span<const uint8_t> payload);
  const abi::MapDesc* map_of(const abi::EventDesc& ev);
  void warn(std::string_view text);

  const abi::Manifest& m_;
  Output& out_;
  MapStore& store_;
  const RenderEnv& env_;
  size_t cat_limit_ = 10240;
  int helper_errors_ = 0;
  bool exit_requested_ = false;
  int exit_code_ = 0;
  int errors_ = 0;
  bool after_exit_ok_ = false;
  bool stopping_ = false;
  std::function<bool()> stop_check_;
  std::function<void(std::string_view)> warning_sink_;
  MapFullReporter map_full_;
  SelfCounters* counters_ = nullptr;
  std::set<std::string> warned_once_; // messages of `once` events already printed
  WatchSink* watch_ = nullptr;
  // The format of each printf/cat/system event, cut once (indexed by event id; null for
  // other kinds), and the line buffer events are formatted into.
  std::vector<std::unique_ptr<PrintfPlan>> plans_;
  std::string line_;
};

// Name of a BPF helper by its id ("probe_read" for 4); "helper_N" when unknown.
std::string helper_name(uint64_t id);

// Owns a libbpf ring_buffer polling one BPF ring buffer map into an EventHandler.
class RingBufferReader {
public:
  RingBufferReader() = default;
  RingBufferReader(const RingBufferReader&) = delete;
  RingBufferReader& operator=(const RingBufferReader&) = delete;
  ~RingBufferReader();

  bool open(int map_fd, EventHandler& handler, std::string& err);
  // Waits up to timeout_ms and handles what arrived: event count or -errno (-EINTR on signal).
  int poll(int timeout_ms);
  // Handles everything already in the buffer without waiting.
  int drain();
  // The epoll fd that becomes readable when records arrive (-1 before open()).
  int epoll_fd() const;

private:
  ring_buffer* rb_ = nullptr;
};

} // namespace btc::rt
