// events.h: dispatch of ring-buffer records to output, and the ring-buffer reader.
//
// Input: records "u64 header (low 32 bits = index into Manifest::events) + payload". Output:
// printf/print/time/cat/system/join text on the Output, map printing, clear()/zero() on the
// MapStore, and the exit() request. Example: a Printf event with format "%d %s\n" and args
// {Int @0, String[16] @8} over payload {5, "bash"} writes "5 bash\n".
#pragma once

#include "format/value.h"
#include "maps.h"
#include "output.h"

#include <cstdint>
#include <span>
#include <string>

struct ring_buffer;

namespace btc::rt {

class EventHandler {
public:
  EventHandler(const abi::Manifest& m, Output& out, MapStore& store, const RenderEnv& env);

  void handle(std::span<const uint8_t> record);
  bool exit_requested() const { return exit_requested_; }
  // cat() reads at most this many bytes (BPFTRACE_CAT_BYTES_MAX, default 10240).
  void set_cat_limit(size_t bytes) { cat_limit_ = bytes; }

private:
  std::string format(const abi::EventDesc& ev, std::span<const uint8_t> payload) const;
  void cat(const abi::EventDesc& ev, std::span<const uint8_t> payload);
  void system(const abi::EventDesc& ev, std::span<const uint8_t> payload);
  void join(const abi::EventDesc& ev, std::span<const uint8_t> payload);
  void helper_error(const abi::EventDesc& ev, std::span<const uint8_t> payload);
  const abi::MapDesc* map_of(const abi::EventDesc& ev) const;

  const abi::Manifest& m_;
  Output& out_;
  MapStore& store_;
  const RenderEnv& env_;
  size_t cat_limit_ = 10240;
  bool exit_requested_ = false;
};

// Name of a BPF helper by its id ("probe_read" for 4); "helper N" when unknown.
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

private:
  ring_buffer* rb_ = nullptr;
};

} // namespace btc::rt
