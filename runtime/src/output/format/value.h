// format/value.h: render one value described by a manifest TypeDesc from its raw bytes.
//
// Input: a type index into Manifest::types and the bytes BPF produced for it (map value, map
// key component or event argument). Output: bpftrace 0.17 text ("(1, two, (3, 4))",
// "{ .a = 1 }", "[1,2,3]", raw strings) or the JSON form used by `-f json` ([1,"two"],
// { "a": 1 }, quoted strings). Host lookups (kernel symbols, user names, clocks) go through a
// Resolver so tests can render without /proc.
#pragma once

#include "btc/abi.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace btc::rt {

enum class Style { Text, Json };

// One frame of a kernel or user stack: its address and, when found, name + offset (and the
// binary for user frames).
struct StackFrame {
  uint64_t ip = 0;
  bool found = false;
  std::string name;
  uint64_t offset = 0;
  std::string module;
};

// Host facts needed to render some value kinds.
class Resolver {
public:
  virtual ~Resolver() = default;
  // Nearest kernel symbol at or below addr, without offset; hex text when unknown.
  virtual std::string ksym(uint64_t addr) = 0;
  // Login name for a uid; the number as text when unknown.
  virtual std::string username(uint64_t uid) = 0;
  // "unified:/path,..." for a cgroup id, limited to hierarchies whose name matches the
  // fnmatch glob `filter` (empty: all); empty when unknown.
  virtual std::string cgroup_path(uint64_t id, std::string_view filter) = 0;
  // Nanoseconds to add to a CLOCK_BOOTTIME value to get nanoseconds since the epoch.
  virtual int64_t boot_to_epoch_ns() = 0;
  // The frames of stack `id` in stack map `map` (a user stack: of process `pid`), symbolized;
  // empty when the map holds no such stack.
  virtual std::vector<StackFrame> stack_frames(const abi::StackMapDesc& map, int64_t id,
                                               uint64_t pid) = 0;
  // usym: the function of process `pid` holding `addr`; nullopt when unknown.
  virtual std::optional<std::string> user_symbol(uint64_t addr, uint64_t pid) = 0;
};

// Everything value rendering reads. Plain references: the env never owns anything.
struct RenderEnv {
  const abi::Manifest& manifest;
  const std::vector<std::string>& probe_names; // index = probe id
  Resolver& resolver;
};

// Renders the value of type `type` stored in `bytes`. Integers are divided by `div`
// (print(@m, top, div) divides plain integer values, also inside tuples).
std::string render_value(const RenderEnv& env, uint32_t type, std::span<const uint8_t> bytes,
                         Style style, uint64_t div = 1);

// Each key component as text (stacks as frames on their own lines, indented 4); the pieces
// render_key joins, and the label values of --metrics.
std::vector<std::string> render_key_parts(const RenderEnv& env, const abi::MapDesc& map,
                                          std::span<const uint8_t> key);
// Map key text: Text "[1, x]" (empty for a scalar map), Json "\"1,x\"" (empty for scalar).
std::string render_key(const RenderEnv& env, const abi::MapDesc& map,
                       std::span<const uint8_t> key, Style style);

// Stack frames as bpftrace 0.17 prints them (spec 8.4): "\n" + one frame per line ("sym+off",
// indented `indent` spaces: 4 as a map key, 8 as a value; perf mode "\t<hex ip> sym+off[
// (binary)]"; raw mode hex only); "" for no frames.
std::string format_stack(const std::vector<StackFrame>& frames, bool user, abi::StackMode mode,
                         int indent);

// True for kinds printed with %s and quoted in JSON.
bool is_string_like(abi::ValueKind kind);

// Sign- or zero-extends an Int/UInt of type.size bytes to 64 bits (other kinds: first 8 bytes).
int64_t read_integer(const abi::TypeDesc& type, std::span<const uint8_t> bytes);

// Unaligned, bounds-checked little-endian load; missing bytes read as zero.
uint64_t load_u64(std::span<const uint8_t> bytes, size_t offset);

// bpftrace's buffer formats: %r keeps printable ASCII and writes \xNN otherwise, %rx writes
// every byte as \xNN, %rh writes space-separated hex pairs.
enum class BufferStyle { Escaped, Hex, HexSpaced };
std::string format_buffer(std::span<const uint8_t> data, BufferStyle style);

// Formats an epoch time with strftime(3) in local time; "%f" expands to the 6-digit
// microseconds first.
std::string format_wall_time(std::string_view fmt, int64_t epoch_ns);

// Address as C++ streams print a void*: "0" for null, else "0x" + lowercase hex.
std::string hex_address(uint64_t addr);

std::string json_escape(std::string_view s);

} // namespace btc::rt
