// output.h: the text and JSON writers (bpftrace 0.17 formats, spec 8.1-8.6).
//
// Input: already-formatted messages, typed values, sorted map entries. Output: bytes on a
// Sink. Text example: map @c with entries b=1, a=2 -> "@c[b]: 1\n@c[a]: 2\n\n"... exactly as
// bpftrace (entries joined by "\n", then "\n"; avg/stats maps get one more "\n").
// JSON example: {"type": "map", "data": {"@c": {"b": 1, "a": 2}}} on one line.
#pragma once

#include "output/format/value.h"
#include "output/maps.h"
#include "output/sink.h"

#include <memory>

namespace btc::rt {

enum class OutputFormat { Text, Json };

// Kinds of plain-text messages (the JSON "type" field).
// LostEvents: a one-line notice 0.17 files under "lost_events" (out of watchpoint registers).
enum class MessageKind { Printf, Time, Cat, Syscall, Join, LostEvents };

class Output {
public:
  Output(Sink& sink, const RenderEnv& env) : sink_(sink), env_(env) {}
  virtual ~Output() = default;

  virtual void attached_probes(uint64_t count) = 0;
  // Text mode writes `text` as is (Join adds a newline); JSON wraps it in a record.
  virtual void message(MessageKind kind, std::string_view text) = 0;
  // print(value): one value and a newline.
  virtual void value(uint32_t type, std::span<const uint8_t> bytes) = 0;
  // A whole map; entries are sorted and already cut by `top`.
  virtual void map(const abi::MapDesc& map, std::span<const MapEntry> entries, uint64_t div) = 0;
  // -k runtime warning about a failed BPF helper call at a source location.
  virtual void helper_error(std::string_view helper, int64_t retcode, uint32_t line,
                            uint32_t col_begin, uint32_t col_end) = 0;
  virtual void lost_events(uint64_t count) = 0;

  void flush() { sink_.flush(); }

protected:
  Sink& sink_;
  const RenderEnv& env_;
};

std::unique_ptr<Output> make_output(OutputFormat format, Sink& sink, const RenderEnv& env);

// Reads, reduces, sorts and prints one map; errors are reported on stderr.
void print_map(Output& out, MapStore& store, const abi::Manifest& m, const abi::MapDesc& map,
               uint64_t top, uint64_t div);

// Exit-time dump: every map in manifest order.
void print_all_maps(Output& out, MapStore& store, const abi::Manifest& m);

} // namespace btc::rt
