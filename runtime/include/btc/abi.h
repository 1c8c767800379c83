// btc/abi.h: the runtime manifest, the only contract between the compiler and the runtime.
//
// The compiler fills a Manifest from sema's ProgramInfo and embeds encode(manifest) in the
// generated tool next to the BPF object; the runtime decodes it at start. Everything here is
// plain data (no LLVM, no libbpf), versioned by kManifestVersion.
//
// Layout conventions shared with codegen:
//  * Every ring-buffer record starts with a u64 header: low 32 bits = event id (index into
//    Manifest::events), high 32 bits unused. The payload follows at offset 8 and is described
//    by EventDesc::args (offsets are relative to the payload start).
//  * Map keys are packed per MapDesc::keys (offsets relative to the key start). A scalar map
//    (no key) uses an 8-byte zero key, or key u32 0 for PERCPU_ARRAY maps.
//  * Aggregation values per CPU: Count/Sum: 8 bytes; Min/Max: {i64 value; u64 set};
//    Avg/Stats: {i64 count; i64 total}; Hist: {u64[65]; i64 sum}; Lhist:
//    {u64[lhist_buckets()]; i64 sum} (the sum of the values, for a metric's exact _sum);
//    Tseries: {i64 value; u64 meta; u64 epoch}[tseries_intervals], slot = epoch % intervals,
//    epoch = TAI ns / interval (meta: the write time for Last, the count for Avg, 'set' for
//    Min/Max).
//  * The .rodata section of the BPF object holds one struct whose fields the runtime writes
//    before loading (ConfigLayout gives their offsets).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace btc::abi {

inline constexpr uint32_t kManifestVersion = 9;
inline constexpr uint32_t kNoIndex = 0xffffffffu;

// How a value of some type is laid out in BPF memory and rendered in text/JSON.
enum class ValueKind : uint8_t {
  None,       // void / unprintable
  Int,        // signed integer, `size` bytes
  UInt,       // unsigned integer, `size` bytes
  String,     // NUL-terminated (or full) char[size]
  Buffer,     // u8 length followed by size-1 bytes
  Tuple,      // fields (offsets), printed (a, b)
  Struct,     // named fields, printed { .a = 1, .b = 2 }
  Array,      // `count` elements of type `elem`, printed [1,2,3]
  Ksym,       // u64 kernel address
  Usym,       // u64 user address + u64 pid (tgid whose mappings symbolize it)
  Inet,       // u64 address family + 16 address bytes
  Username,   // u64 uid
  Probe,      // u64 probe id (index into the runtime's probe-name table)
  Kstack,     // {i64 stack id (< 0: none), u64 pid}; TypeDesc::elem = index into stack_maps
  Ustack,     // same; pid = tgid whose mappings symbolize the frames
  Timestamp,  // u64 strftime format index (into Manifest::strings) + u64 ns since boot
  MacAddr,    // 6 bytes
  CgroupPath, // u64 cgroup id + u64 filter (1 + index of a hierarchy glob in strings; 0: all)
  Strerror,   // u64 errno
  Bool,       // `size`-byte integer, printed true / false (bpftrace 0.2x)
};

struct Field {
  std::string name;   // struct member name; empty for tuple elements / map keys
  uint32_t offset = 0;
  uint32_t type = 0;  // index into Manifest::types
};

struct TypeDesc {
  ValueKind kind = ValueKind::None;
  uint32_t size = 0;
  uint32_t elem = kNoIndex;  // Array element type
  uint32_t count = 0;        // Array element count
  std::vector<Field> fields; // Tuple / Struct members
};

enum class MapKind : uint8_t { Plain, Count, Sum, Min, Max, Avg, Stats, Hist, Lhist, Tseries };

// How a tseries() interval combines the values written in it (0.26: the last one by default).
enum class TseriesAgg : uint8_t { Last, Avg, Max, Min, Sum };
inline constexpr uint32_t kTseriesSlotSize = 24;
inline constexpr uint32_t kTseriesMaxIntervals = 1024; // 24 KiB per CPU: under the 32 KiB limit

struct MapDesc {
  std::string name;      // as printed: "@", "@x"
  std::string bpf_name;  // name of the map in the BPF object
  MapKind kind = MapKind::Plain;
  std::vector<Field> keys; // one per key component; empty for a scalar map
  uint32_t key_size = 8;
  uint32_t value_type = kNoIndex; // Plain maps: type of the value
  uint32_t value_size = 8;        // per CPU for aggregations
  bool value_signed = true;       // Sum/Min/Max: render signed
  bool percpu = false;
  bool is_array = false;          // PERCPU_ARRAY with one entry (scalar count())
  int64_t lhist_min = 0, lhist_max = 0, lhist_step = 1;
  uint64_t tseries_interval_ns = 0;
  uint32_t tseries_intervals = 0;
  TseriesAgg tseries_agg = TseriesAgg::Last;
};

enum class EventKind : uint8_t {
  Printf,           // format + args
  Print,            // print(value): args[0]
  PrintMap,         // print(@m, top, div): map; args[0] = top, args[1] = div (u64 each)
  Time,             // time(fmt): format
  Exit,             // exit()
  Clear,            // clear(@m): map
  Zero,             // zero(@m): map
  Cat,              // cat(fmt, args): format + args
  System,           // system(fmt, args): format + args
  Join,             // join(arr, sep): args[0] = char[16][?] block, format = separator
  HelperError,      // args[0] = BPF helper id (u64), args[1] = return code (i64); `map` names the
                    // map for map helpers. Emitted on map-update failures always (a full map is
                    // reported, never silent) and, with -k/-kk, on other helper failures.
  WatchpointAttach, // a FUNC+argN watchpoint's uprobe saw FUNC: args[0] = address (u64),
                    // args[1] = probe-name id of the attach point (its BPF cookie, u64).
                    // The runtime arms the watchpoint there (and SIGCONTs a stopped tracee).
  WatchpointDetach, // unwatch(addr): args[0] = address (u64); disarms every watchpoint on it.
  Errorf,           // errorf(fmt, args) (0.2x): format + args, printed as a located ERROR on stderr
  Warnf,            // warnf(fmt, args) (0.2x): likewise, a located WARNING
};

struct EventDesc {
  EventKind kind = EventKind::Printf;
  std::string format;
  std::vector<Field> args;
  uint32_t map = kNoIndex;
  uint32_t payload_size = 0;
  uint32_t line = 0, col_begin = 0, col_end = 0; // source location (for -k messages)
  bool once = false; // Warnf: each distinct message is printed once (dw_ustack's warning)
};

enum class ProbeKind : uint8_t {
  Begin,
  End,
  Tracepoint,
  Interval,
  Profile,
  Software,
  Hardware,
  Kprobe,
  Kretprobe,
  Uprobe,
  Uretprobe,
  Usdt,
  Kfunc,
  Kretfunc,
  RawTracepoint,
  Watchpoint,
  AsyncWatchpoint,
  Iter,
  SelfSignal,
  Test,  // test:NAME (0.26): run with --test, each once; its result decides a pass
  Bench, // bench:NAME (0.26): run with --bench, repeated and timed
};
// Every kind, in enum order (the registries look names up through it).
inline constexpr ProbeKind kProbeKinds[] = {
    ProbeKind::Begin,           ProbeKind::End,
    ProbeKind::Tracepoint,      ProbeKind::Interval,
    ProbeKind::Profile,         ProbeKind::Software,
    ProbeKind::Hardware,        ProbeKind::Kprobe,
    ProbeKind::Kretprobe,       ProbeKind::Uprobe,
    ProbeKind::Uretprobe,       ProbeKind::Usdt,
    ProbeKind::Kfunc,           ProbeKind::Kretfunc,
    ProbeKind::RawTracepoint,   ProbeKind::Watchpoint,
    ProbeKind::AsyncWatchpoint, ProbeKind::Iter,
    ProbeKind::SelfSignal,      ProbeKind::Test,
    ProbeKind::Bench,
};

enum class StackMode : uint8_t { Bpftrace, Perf, Raw };

// A BPF_MAP_TYPE_STACK_TRACE map holding the stacks of one (kernel/user, mode, limit) kind.
struct StackMapDesc {
  std::string bpf_name;
  bool user = false;
  StackMode mode = StackMode::Bpftrace;
  uint32_t limit = 127; // frames (the map's value size is limit * 8)
  // dw_ustack: a HASH map (u64 key: a hash of the frames) that the BPF unwinder fills
  // (btc/unwind.h), instead of a STACK_TRACE map (u32 key) filled by bpf_get_stackid.
  bool dwarf = false;
};

// An attach point as the compiler parsed it (the compiler's probes::AttachSpec extends it).
struct AttachSpec {
  ProbeKind kind = ProbeKind::Begin;
  std::string text;     // canonical spelling, expanded for `probe` when no wildcard
  std::string target;   // tracepoint "category:event" (may contain '*'), perf event, binary
  std::string func;     // function / symbol (kprobe, uprobe, usdt)
  uint64_t period = 0;  // perf events: sample period (or frequency when use_freq)
  bool use_freq = false;
  bool wildcard = false; // target/func must be expanded on the running host
  uint64_t offset = 0;  // kprobe:f+OFF / uprobe:bin:f+OFF, or the address of uprobe:bin:ADDR
  // Expanded by the compiler from a wildcard (tracepoint with `args`) or one of several attach
  // points of a probe: where the tool runs, a missing one is skipped with a warning instead of
  // failing the tool.
  bool optional = false;
  // watchpoint / asyncwatchpoint: the address is `offset` (ADDR form); LEN in bytes; MODE
  // letters sorted ("w", "rw", "x"); N of FUNC+argN (-1: ADDR form).
  uint32_t watch_len = 0;
  std::string watch_mode;
  int32_t watch_arg = -1;
};

// One attach point of the script. Several attach points may share one BPF program.
struct ProbeDesc {
  AttachSpec spec;
  std::string prog_name; // BPF program function name in the object
  uint32_t probe_id = 0; // id of this (non-wildcard) attach point in the probe-name table
  uint32_t line = 0, col_begin = 0, col_end = 0;
  // kprobe <-> fentry and kretprobe <-> fexit: the same action compiled for the other
  // mechanism; the runtime loads whichever the running kernel supports (empty: none).
  std::string alt_prog_name;
  // The uprobe program on FUNC that sends WatchpointAttach events (watchpoint FUNC+argN form).
  std::string setup_prog_name;
  // Bit N set: the action reads argN (usdt: the runtime checks each note has that argument).
  uint32_t arg_mask = 0;
};

// Offsets inside the .rodata config struct that the runtime fills before load.
struct ConfigLayout {
  uint32_t size = 0;             // size of the struct (0: no .rodata config)
  uint32_t start_ns = kNoIndex;  // u64: CLOCK_BOOTTIME ns at tool start (for `elapsed`)
  uint32_t target_pid = kNoIndex;// u64: -p PID (0 = none)
  uint32_t child_pid = kNoIndex; // u64: -c child pid (cpid)
  uint32_t num_args = kNoIndex;  // i64: $#
  uint32_t int_args = kNoIndex;  // i64[max_positional]: numeric $1..$N
  uint32_t str_args = kNoIndex;  // char[max_positional][strlen]: str($1)..
  uint32_t helper_errors = kNoIndex; // u64: 0 = quiet, 1 = -k (helper failures), 2 = -kk
                                     //      (also probe_read failures)
  uint32_t no_cookies = kNoIndex;    // u64: 1 = this kernel has no BPF cookies (see below)
  uint32_t ncpus = kNoIndex;         // u64: possible CPUs of the host (ncpus)
};

// A program attached at several places (a wildcard) tells them apart by its BPF cookie (the
// attach point's id). On kernels without cookies (before 5.15) it reads this 64-bit constant
// instead (a `ld_imm64` the compiler emits); the runtime then loads one copy of the program
// per attach point with the constant replaced by that point's id.
inline constexpr uint64_t kAttachIdMarker = 0x6274635f70726f62ull; // "btc_prob"

// The object's .bss: a u64 stop flag at kStopFlagOffset, the u64 count of events lost to a
// full ring buffer at kLostEventsOffset (added to atomically by every CPU; the tool reports
// its increase), then zero bytes (from kBssZerosOffset) that new map values are copied from, then a
// scratch value the compiler points updates of a full map at (the runtime never reads it). The
// runtime sets the flag when the tool stops; from then on every probe except BEGIN/END/iter returns
// at once, so END and the map dump need not wait for the links to be torn down (slow: one RCU grace
// period per tracepoint).
inline constexpr uint32_t kStopFlagOffset = 0;
inline constexpr uint32_t kLostEventsOffset = 8;
inline constexpr uint32_t kBssZerosOffset = 16;

// A value only the target host knows, resolved by the runtime before load and written as a
// u64 into the .rodata config struct at `offset` (kaddr("sym"), cgroupid("/path"),
// uaddr("sym") whose arg is "BINARY:SYMBOL" with BINARY as written in the probe).
// KfuncAllowed's argument is "BPF_PROG_TYPE_X:kfunc" (the probe's program type).
enum class ResolveKind : uint8_t { Kaddr, Cgroupid, Uaddr, Signal, KfuncExist, KfuncAllowed };
struct RuntimeValue {
  ResolveKind kind = ResolveKind::Kaddr;
  std::string arg;        // symbol name / cgroup path / signal name or number
  uint32_t offset = 0;
  uint32_t line = 0, col_begin = 0, col_end = 0; // for "Failed to resolve ..." errors
};

// getopt("name", default, "description") (bpftrace 0.2x): a `--name=VALUE` option of the
// tool. The runtime parses the value and writes it into the .rodata config at `offset`: a u64
// for Bool (0/1) and Int, `strlen` bytes for String. `default_value` is text ("false", "35",
// "hello").
enum class OptionKind : uint8_t { Bool, Int, String };
struct NamedOption {
  std::string name;
  OptionKind kind = OptionKind::Bool;
  std::string default_value;
  std::string description;
  uint32_t offset = kNoIndex;
};
const char* option_kind_name(OptionKind kind); // "bool", "int", "string"

// A config variable of the script's `config = { ... }` block that the runtime applies (its
// BPFTRACE_* environment variable overrides it): "missing_probes" = "warn", ...
struct Setting {
  std::string name; // lower case, without the BPFTRACE_ prefix
  std::string value;
};

struct Positional {
  uint32_t index = 0;     // N of $N
  bool numeric = false;   // used as a number (must parse as an integer at start)
  uint32_t line = 0, col_begin = 0, col_end = 0;
};

// A user binary that shaped the program when it was compiled (DWARF types of uprobe args and
// casts, uprobe offsets checked against its instructions): the tool checks it traces a binary
// with the same GNU build-id.
struct DebugBinary {
  std::string path;     // as the script names it (resolved like a uprobe's binary)
  std::string build_id; // lower-case hex; "" when the binary had none (nothing to check)
};

struct Manifest {
  uint32_t version = kManifestVersion;
  std::string tool_name;
  std::string source_name; // file name used in diagnostics ("stdin" for -e)
  std::vector<std::string> source_lines; // script text, for runtime diagnostics
  std::vector<TypeDesc> types;
  std::vector<MapDesc> maps;  // sorted by name: the exit-time print order
  std::vector<EventDesc> events;
  std::vector<ProbeDesc> probes;
  std::vector<std::string> strings; // misc strings (strftime formats, ...)
  std::vector<Positional> positionals;
  std::vector<RuntimeValue> runtime_values;
  std::vector<StackMapDesc> stack_maps;
  std::vector<DebugBinary> debug_binaries;
  std::vector<NamedOption> named_options;
  std::vector<Setting> settings;
  ConfigLayout config;
  uint32_t max_positional = 0;
  uint32_t strlen = 64;
  uint32_t ringbuf_size = 0;      // bytes; 0 = no events
  std::string ringbuf_map;        // name of the BPF ring buffer map
  uint32_t default_helper_errors = 0; // btc -k / -kk: the tool's -k level when it gets none
  // What the tool says about itself (--help, --version, btc --emit=man).
  std::string description;   // the script's header comment, licence and history lines dropped
  std::string btc_version;   // the btc that compiled the script
  std::string script_sha256; // of the script's bytes, lower-case hex
  std::string target_arch;   // "x86_64" or "aarch64"
};

// Serialise / parse the manifest (little-endian, length-prefixed). decode() returns nullopt
// for a truncated or foreign blob or a version mismatch.
std::vector<uint8_t> encode(const Manifest& m);
std::optional<Manifest> decode(std::span<const uint8_t> bytes);
// Human-readable dump (btc --emit=manifest); stable, used by golden tests.
std::string dump(const Manifest& m);

// Provider name of a probe kind as bpftrace spells it ("tracepoint", "BEGIN", ...): the one
// list of these names, for the compiler's providers and the runtime's alike.
// clang-format off
constexpr const char* probe_kind_name(ProbeKind kind) {
  switch (kind) {
  case ProbeKind::Begin: return "BEGIN";
  case ProbeKind::End: return "END";
  case ProbeKind::Tracepoint: return "tracepoint";
  case ProbeKind::Interval: return "interval";
  case ProbeKind::Profile: return "profile";
  case ProbeKind::Software: return "software";
  case ProbeKind::Hardware: return "hardware";
  case ProbeKind::Kprobe: return "kprobe";
  case ProbeKind::Kretprobe: return "kretprobe";
  case ProbeKind::Uprobe: return "uprobe";
  case ProbeKind::Uretprobe: return "uretprobe";
  case ProbeKind::Usdt: return "usdt";
  case ProbeKind::Kfunc: return "kfunc";
  case ProbeKind::Kretfunc: return "kretfunc";
  case ProbeKind::RawTracepoint: return "rawtracepoint";
  case ProbeKind::Watchpoint: return "watchpoint";
  case ProbeKind::AsyncWatchpoint: return "asyncwatchpoint";
  case ProbeKind::Iter: return "iter";
  case ProbeKind::SelfSignal: return "self";
  case ProbeKind::Test: return "test";
  case ProbeKind::Bench: return "bench";
  }
  return "?"; // not an enumerator: a corrupt manifest, which decode() rejects first
}
// clang-format on
const char* resolve_kind_name(ResolveKind kind); // "kaddr", "cgroupid", "uaddr", "signal"

// Text only known when the tool starts. Where 0.17 takes a literal, a script may write a
// positional parameter (kaddr(str($1)), join(a, str($2)), interval:ms:$1); the manifest keeps
// it as a placeholder in the string (runtime values' args, event formats, strings, attach
// points), and the runtime replaces it by the parameter ("" when not given) before reading
// the manifest.
std::string positional_placeholder(uint32_t index);
bool has_placeholder(std::string_view text);
// `text` with its placeholders written back as $N (for messages and dumps).
std::string show_placeholders(std::string_view text);
// The placeholders of `text` replaced by args[N - 1].
std::string substitute_positionals(std::string_view text, const std::vector<std::string>& args);
// Every placeholder of the manifest substituted; returns the probes whose attach point had one
// (their fields must be derived again from the substituted text).
std::vector<ProbeDesc*> substitute_positionals(Manifest& m, const std::vector<std::string>& args);

// Number of lhist buckets: under-range, (max-min)/step in range, over-range.
inline uint32_t lhist_buckets(const MapDesc& m) {
  return static_cast<uint32_t>((m.lhist_max - m.lhist_min) / m.lhist_step) + 2;
}
inline constexpr uint32_t kHistBuckets = 65;

} // namespace btc::abi
