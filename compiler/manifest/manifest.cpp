// manifest.cpp: ProgramInfo -> abi::Manifest (see manifest.h).
#include "manifest/manifest.h"
#include "manifest/about.h"

#include <algorithm>

#include "probes/provider.h"

namespace btc::manifest {
namespace {

using ast::Type;
using ast::TypeKind;

class TypeTable {
public:
  explicit TypeTable(std::vector<abi::TypeDesc>& out) : out_(out) {}

  uint32_t add(const Type& t) {
    abi::TypeDesc d;
    d.size = t.size;
    switch (t.kind) {
    case TypeKind::Integer:
      d.kind = t.is_bool     ? abi::ValueKind::Bool
               : t.is_signed ? abi::ValueKind::Int
                             : abi::ValueKind::UInt;
      break;
    // 0.17 prints pointers as signed 64-bit numbers (a kernel address is negative).
    case TypeKind::Pointer: d.kind = abi::ValueKind::Int; d.size = 8; break;
    case TypeKind::String: d.kind = abi::ValueKind::String; break;
    case TypeKind::Buffer: d.kind = abi::ValueKind::Buffer; break;
    case TypeKind::Tuple: // a record value prints as a struct: { .a = 1, .b = x }
      d.kind = t.elem_names.empty() ? abi::ValueKind::Tuple : abi::ValueKind::Struct;
      for (size_t i = 0; i < t.elems.size(); ++i)
        d.fields.push_back(
            {t.elem_names.empty() ? "" : t.elem_names[i], t.elem_offsets[i], add(t.elems[i])});
      break;
    case TypeKind::Record:
      d.kind = abi::ValueKind::Struct;
      add_fields(t, 0, d.fields);
      break;
    case TypeKind::Array:
      d.kind = abi::ValueKind::Array;
      d.count = t.count;
      d.elem = t.pointee ? add(*t.pointee) : abi::kNoIndex;
      break;
    case TypeKind::Ksym: d.kind = abi::ValueKind::Ksym; break;
    case TypeKind::Usym: d.kind = abi::ValueKind::Usym; break;
    case TypeKind::Inet: d.kind = abi::ValueKind::Inet; break;
    case TypeKind::Username: d.kind = abi::ValueKind::Username; break;
    case TypeKind::Probe: d.kind = abi::ValueKind::Probe; d.size = 8; break;
    case TypeKind::Kstack: d.kind = abi::ValueKind::Kstack; d.elem = t.btf_id; break;
    case TypeKind::Ustack: d.kind = abi::ValueKind::Ustack; d.elem = t.btf_id; break;
    case TypeKind::Timestamp: d.kind = abi::ValueKind::Timestamp; break;
    case TypeKind::MacAddr: d.kind = abi::ValueKind::MacAddr; break;
    case TypeKind::CgroupPath: d.kind = abi::ValueKind::CgroupPath; break;
    case TypeKind::Strerror: d.kind = abi::ValueKind::Strerror; break;
    case TypeKind::None: case TypeKind::Ctx: case TypeKind::Count: case TypeKind::Sum:
    case TypeKind::Min: case TypeKind::Max: case TypeKind::Avg: case TypeKind::Stats:
    case TypeKind::Hist:
    case TypeKind::Lhist:
    case TypeKind::Tseries:
      d.kind = abi::ValueKind::None;
      break;
    }
    out_.push_back(std::move(d));
    return static_cast<uint32_t>(out_.size() - 1);
  }

private:
  // A record's fields; those of an anonymous struct/union member appear as the record's own,
  // at their offset in it (0.17 prints `{ .hash = 0, .len = 1, .hash_len = ... }` for qstr).
  void add_fields(const Type& rec, uint32_t base, std::vector<abi::Field>& out) {
    for (const auto& f : rec.fields) {
      if (!f.type) continue;
      if (f.name.empty() && f.type->kind == TypeKind::Record) {
        add_fields(*f.type, base + f.offset, out);
        continue;
      }
      out.push_back({f.name, base + f.offset, add(*f.type)});
    }
  }

  std::vector<abi::TypeDesc>& out_;
};

} // namespace

abi::Manifest build_manifest(const sema::ProgramInfo& info, const source::SourceFile& source) {
  abi::Manifest m;
  m.tool_name = info.tool_name;
  m.source_name = source.name();
  m.source_lines = source.lines();
  m.strlen = info.strlen;
  m.config = info.config;
  m.max_positional = info.max_positional;
  m.named_options = info.named_options;
  m.settings = info.settings;
  m.description = header_comment(source.text());
  // Runtime diagnostics point at code, never into the header comment: its lines travel once,
  // as the description (keeps every tool a few hundred bytes smaller).
  size_t header_end = std::min(header_comment_end(source.text()), m.source_lines.size());
  for (size_t i = 0; i < header_end; ++i) m.source_lines[i].clear();
  m.btc_version = BTC_VERSION;
  m.script_sha256 = sha256_hex(source.text());
  m.target_arch = std::string(info.target->name);
  TypeTable types(m.types);

  for (const auto& mi : info.maps) {
    abi::MapDesc d;
    d.name = mi.name;
    d.bpf_name = mi.bpf_name;
    d.kind = mi.kind;
    for (size_t i = 0; i < mi.key_types.size(); ++i) {
      // Integer keys sort as unsigned (the runtime compares key bytes so) but print signed.
      Type kt = mi.key_types[i];
      if (kt.is_integer()) kt.is_signed = true;
      d.keys.push_back({mi.key_labels[i], mi.key_offsets[i], types.add(kt)});
    }
    d.key_size = mi.key_size;
    if (mi.kind == abi::MapKind::Plain) d.value_type = types.add(mi.value_type);
    d.value_size = mi.value_size;
    d.value_signed = mi.value_type.is_signed;
    d.percpu = mi.percpu;
    d.is_array = mi.is_array;
    d.lhist_min = mi.value_type.lhist_min;
    d.lhist_max = mi.value_type.lhist_max;
    d.lhist_step = mi.value_type.lhist_step ? mi.value_type.lhist_step : 1;
    d.tseries_interval_ns = mi.value_type.tseries_interval;
    d.tseries_intervals = mi.value_type.tseries_intervals;
    d.tseries_agg = static_cast<abi::TseriesAgg>(mi.value_type.tseries_agg);
    m.maps.push_back(std::move(d));
  }

  for (const auto& ev : info.events) {
    abi::EventDesc d;
    d.kind = ev.kind;
    d.format = ev.format;
    d.map = ev.map;
    d.payload_size = ev.payload_size;
    d.once = ev.once;
    for (size_t i = 0; i < ev.arg_types.size(); ++i)
      d.args.push_back({"", ev.arg_offsets[i], types.add(ev.arg_types[i])});
    auto b = source.line_col(ev.range.begin);
    auto e = source.line_col(ev.range.end > ev.range.begin ? ev.range.end - 1 : ev.range.begin);
    d.line = b.line;
    d.col_begin = b.col;
    d.col_end = e.col + 1;
    m.events.push_back(std::move(d));
  }

  for (const auto& p : info.probes) {
    for (size_t i = 0; i < p.specs.size(); ++i) {
      const auto& s = p.specs[i];
      abi::ProbeDesc d;
      d.spec = s; // the attach spec as parsed (without its compiler-only fields)
      d.prog_name = p.prog_names[i];
      d.probe_id = p.probe_ids[i];
      d.alt_prog_name = p.alt_prog_names[i];
      probes::provider(s.kind).describe_manifest(p, d); // its kind's own fields
      // Expanded specs (wildcards the compiler resolved) point at their own attach point.
      const auto& ap = p.probe->attach_points[std::min<size_t>(s.attach_point,
                                                               p.probe->attach_points.size() - 1)];
      auto b = source.line_col(ap.range.begin);
      auto e = source.line_col(ap.range.end > ap.range.begin ? ap.range.end - 1 : ap.range.begin);
      d.line = b.line;
      d.col_begin = b.col;
      d.col_end = e.col + 1;
      m.probes.push_back(std::move(d));
    }
  }

  for (const auto& pos : info.positionals) {
    auto b = source.line_col(pos.range.begin);
    auto e = source.line_col(pos.range.end > pos.range.begin ? pos.range.end - 1 : pos.range.begin);
    m.positionals.push_back({pos.index, pos.numeric, b.line, b.col, e.col + 1});
  }
  for (size_t i = 0; i < info.runtime_values.size(); ++i) {
    const auto& v = info.runtime_values[i];
    auto b = source.line_col(v.range.begin);
    auto e = source.line_col(v.range.end > v.range.begin ? v.range.end - 1 : v.range.begin);
    m.runtime_values.push_back({v.kind, v.arg,
                                info.runtime_values_offset + 8 * static_cast<uint32_t>(i), b.line,
                                b.col, e.col + 1});
  }
  m.strings = info.strings;
  for (const auto& [path, build_id] : info.debug_binaries) m.debug_binaries.push_back({path, build_id});
  m.stack_maps = info.stack_maps;
  m.ringbuf_map = "btc_events";
  m.default_helper_errors = info.default_helper_errors;
  m.ringbuf_size = info.ringbuf_bytes;
  return m;
}

} // namespace btc::manifest
