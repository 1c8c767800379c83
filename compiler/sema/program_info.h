// program_info.h: what semantic analysis learned about a program (its output type).
//
// ProgramInfo lists the maps with their key/value types and storage layout, the events
// (printf formats and payload layouts, print/clear/exit...), the probes with their parsed
// attach points, and positional-parameter use. Codegen and the manifest builder read it and
// never change it. Per-node facts (which event a call emits, which map a MapRef names) live
// in side tables keyed by node address.
#pragma once

#include "ast/ast.h"
#include "btc/abi.h"
#include "btf/kernel_btf.h"
#include "btf/tracepoint.h"
#include "probes/probes.h"
#include "targets/target.h"

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace btc::sema {

using ast::Type;

struct MapInfo {
  std::string name;                 // "@x"
  std::string bpf_name;             // "AT_x"
  abi::MapKind kind = abi::MapKind::Plain;
  std::vector<Type> key_types;      // stored key component types (ints widened to 8 bytes)
  std::vector<uint32_t> key_offsets;
  std::vector<std::string> key_labels; // per key: builtin / record field name, else ""
  uint32_t key_size = 8;            // scalar maps: 8-byte zero key (u32 for arrays)
  Type value_type;                  // Plain: stored value type; aggregations: the agg kind
  uint32_t value_size = 8;          // bytes per entry (per CPU for aggregations)
  bool scalar = true;
  bool percpu = false;
  bool is_array = false;            // PERCPU_ARRAY, one entry (scalar count())
  bool assigned = false;            // written somewhere (reading a never-written map errs)
  // `let @m = lruhash(N);` (bpftrace 0.2x): the BPF map type and size it asks for (0: the
  // default, a hash of map_max_entries, per CPU for aggregations).
  uint32_t decl_bpf_type = 0, decl_max_entries = 0;
  source::SourceRange first_use;
};

struct EventInfo {
  abi::EventKind kind = abi::EventKind::Printf;
  std::string format;
  std::vector<Type> arg_types;
  std::vector<uint32_t> arg_offsets; // relative to the payload (after the 8-byte header)
  uint32_t payload_size = 0;
  uint32_t map = abi::kNoIndex;      // PrintMap/Clear/Zero
  source::SourceRange range;
  bool once = false; // Warnf: each distinct message printed once
};

struct ProbeInfo {
  const ast::Probe* probe = nullptr;
  std::vector<probes::AttachSpec> specs;
  std::vector<uint32_t> probe_ids;   // per spec: id in the probe-name table
  std::vector<std::string> prog_names; // per spec: BPF function name (one program each)
  // per spec: the fentry/fexit twin of a kprobe/kretprobe program ("" when none), and the
  // number of arguments of the traced function (fexit finds retval after them).
  std::vector<std::string> alt_prog_names;
  std::vector<uint32_t> func_arg_counts;
  // per spec: the event id of its companion program (a watchpoint's arming uprobe), or
  // abi::kNoIndex.
  std::vector<uint32_t> companion_events;
  probes::ProbeKind kind = probes::ProbeKind::Begin;
  bool uses_probe = false;           // reads the `probe` builtin
  bool uses_args = false;            // tracepoint `args`
  // reads pt_regs (reg(), sargN) or calls override(): only a kprobe program can do that, so
  // no fentry/fexit twin is compiled for it.
  bool needs_pt_regs = false;
  uint32_t arg_mask = 0;             // bit N: the action reads argN
  std::map<std::string, Type> vars;  // scratch variables of this probe ($x -> type)
};

// A value resolved on the target host before load (kaddr, cgroupid): a u64 in .rodata.
struct RuntimeValueUse {
  abi::ResolveKind kind = abi::ResolveKind::Kaddr;
  std::string arg;
  source::SourceRange range;
};

struct PositionalUse {
  uint32_t index = 0;
  bool numeric = false;
  source::SourceRange range;
};

struct ProgramInfo {
  std::vector<MapInfo> maps;                  // sorted by name (exit print order)
  std::unordered_map<std::string, uint32_t> map_index;
  std::vector<EventInfo> events;
  std::vector<ProbeInfo> probes;
  std::vector<PositionalUse> positionals;
  uint32_t max_positional = 0;
  const targets::Target* target = &targets::host_target(); // the tool's architecture
  uint32_t strlen = 64;
  std::vector<RuntimeValueUse> runtime_values;
  // getopt() options (offsets in the config fixed by fix_config_layout), and which option
  // each getopt() call reads.
  std::vector<abi::NamedOption> named_options;
  std::unordered_map<const ast::Expr*, uint32_t> named_option_of;
  std::vector<abi::Setting> settings;         // config block variables the runtime applies
  std::string license = "GPL";                // the BPF programs' licence
  std::vector<std::string> strings;           // manifest strings (strftime formats)
  std::vector<abi::StackMapDesc> stack_maps;  // one STACK_TRACE map per (user, mode, limit)
  std::map<std::string, int64_t> enum_values; // enum constants defined in the preamble
  bool uses_elapsed = false;
  bool needs_ringbuf = false;
  uint32_t max_map_value_size = 8;            // size of the zero buffer for map inits

  // Resources, fixed by sema's last step (fix_resources); codegen and the manifest read them.
  abi::ConfigLayout config;           // the .rodata config struct the runtime fills before load
  uint32_t runtime_values_offset = 0; // in it: a u64 per runtime_values entry
  uint32_t ringbuf_bytes = 0;         // the event ring buffer
  uint32_t map_max_entries = 4096;    // entries of every hash map (BPFTRACE_MAP_KEYS_MAX)
  // The one HelperError event: a failed helper call's record carries its map and source
  // location (abi::EventKind::HelperError), so its id does not depend on how many calls
  // codegen checks.
  uint32_t helper_error_event = abi::kNoIndex;
  std::string tool_name;
  uint32_t default_helper_errors = 0; // btc -k / -kk

  // User binaries whose DWARF typed the program (as written in the probe -> GNU build-id hex,
  // "" when it has none): the tool checks it traces the same binary.
  std::map<std::string, std::string> debug_binaries;
  // args->NAME in uprobes: the parameter's index (its argument register).
  std::unordered_map<const ast::Expr*, uint32_t> uprobe_arg_slots;
  // args->NAME typed from a BTF prototype (kfunc, rawtracepoint): the parameter's u64 slot, per
  // attach point (spec text), which may differ between the functions of one probe.
  std::map<std::pair<const ast::Expr*, std::string>, uint32_t> arg_slots;

  // Tracepoint formats read on the compiling host ("cat:event" -> format), for `args`.
  std::map<std::string, btf::TracepointFormat> tracepoint_formats;

  // Side tables.
  std::unordered_map<const ast::Expr*, uint32_t> call_event; // printf/print/... -> event id
  std::unordered_map<const ast::Expr*, btf::FieldPath> field_paths; // record field accesses
  std::unordered_map<const ast::Expr*, uint32_t> local_field_offsets; // preamble struct fields
  // kernel enum constants: {enum type id, build-host value}
  std::unordered_map<const ast::Expr*, std::pair<uint32_t, int64_t>> btf_enums;
  // offsetof(struct T, a.b) on kernel types: root record id and the member path.
  std::unordered_map<const ast::Expr*, std::pair<uint32_t, btf::FieldPath>> offsetof_paths;
  // preamble bitfields: {bit offset from the field's byte offset, width in bits}
  std::unordered_map<const ast::Expr*, std::pair<uint32_t, uint32_t>> local_bitfields;
  std::unordered_map<const ast::Expr*, uint32_t> runtime_value_of; // kaddr/cgroupid calls
  std::unordered_map<const ast::Expr*, uint32_t> string_of;        // strftime -> format index
  std::unordered_map<const ast::Expr*, std::vector<uint8_t>> bytes_of; // pton -> address bytes
};

// join(): how many argv entries are copied (each in a strlen-byte slot), as in 0.17.
inline constexpr uint32_t kJoinArgs = 16;

// Size rounded up to a multiple of 8 (map keys, tuple elements and payload fields are 8-aligned).
inline uint32_t align8(uint32_t n) { return (n + 7) & ~7u; }

} // namespace btc::sema
