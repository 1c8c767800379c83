// abi_codec.cpp: encode/decode/dump of the runtime manifest (btc/abi.h).
//
// Format: "BTCM" magic, u32 version, then every field in declaration order. Integers are
// little-endian fixed width, strings and vectors are a u32 count followed by the elements.
// Shared by the compiler (encode, dump) and the runtime (decode).
#include "btc/abi.h"

#include <cstring>
#include <sstream>

namespace btc::abi {
namespace {

class Writer {
public:
  void u8(uint8_t v) { out_.push_back(v); }
  void u32(uint32_t v) { put(&v, 4); }
  void u64(uint64_t v) { put(&v, 8); }
  void i64(int64_t v) { put(&v, 8); }
  void b(bool v) { u8(v ? 1 : 0); }
  void str(const std::string& s) {
    u32(static_cast<uint32_t>(s.size()));
    put(s.data(), s.size());
  }
  template <class T, class F> void vec(const std::vector<T>& v, F each) {
    u32(static_cast<uint32_t>(v.size()));
    for (const auto& e : v) each(*this, e);
  }
  std::vector<uint8_t> take() { return std::move(out_); }

private:
  void put(const void* p, size_t n) {
    auto* b = static_cast<const uint8_t*>(p);
    out_.insert(out_.end(), b, b + n);
  }
  std::vector<uint8_t> out_;
};

class Reader {
public:
  explicit Reader(std::span<const uint8_t> in) : in_(in) {}
  bool ok() const { return ok_; }
  uint8_t u8() { uint8_t v = 0; get(&v, 1); return v; }
  uint32_t u32() { uint32_t v = 0; get(&v, 4); return v; }
  uint64_t u64() { uint64_t v = 0; get(&v, 8); return v; }
  int64_t i64() { int64_t v = 0; get(&v, 8); return v; }
  bool b() { return u8() != 0; }
  std::string str() {
    uint32_t n = u32();
    if (!ok_ || n > in_.size() - pos_) { ok_ = false; return {}; }
    std::string s(reinterpret_cast<const char*>(in_.data() + pos_), n);
    pos_ += n;
    return s;
  }
  template <class T, class F> void vec(std::vector<T>& v, F each) {
    uint32_t n = u32();
    if (!ok_ || n > in_.size() - pos_) { ok_ = false; return; }
    v.resize(n);
    for (auto& e : v) each(*this, e);
  }

private:
  void get(void* p, size_t n) {
    if (!ok_ || n > in_.size() - pos_) { ok_ = false; std::memset(p, 0, n); return; }
    std::memcpy(p, in_.data() + pos_, n);
    pos_ += n;
  }
  std::span<const uint8_t> in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// One function per record type, used for both directions (W = Writer or Reader).
void io(Writer& w, const Field& f) { w.str(f.name); w.u32(f.offset); w.u32(f.type); }
void io(Reader& r, Field& f) { f.name = r.str(); f.offset = r.u32(); f.type = r.u32(); }

void io(Writer& w, const TypeDesc& t) {
  w.u8(static_cast<uint8_t>(t.kind)); w.u32(t.size); w.u32(t.elem); w.u32(t.count);
  w.vec(t.fields, [](Writer& w, const Field& f) { io(w, f); });
}
void io(Reader& r, TypeDesc& t) {
  t.kind = static_cast<ValueKind>(r.u8()); t.size = r.u32(); t.elem = r.u32(); t.count = r.u32();
  r.vec(t.fields, [](Reader& r, Field& f) { io(r, f); });
}

void io(Writer& w, const MapDesc& m) {
  w.str(m.name); w.str(m.bpf_name); w.u8(static_cast<uint8_t>(m.kind));
  w.vec(m.keys, [](Writer& w, const Field& f) { io(w, f); });
  w.u32(m.key_size); w.u32(m.value_type); w.u32(m.value_size); w.b(m.value_signed);
  w.b(m.percpu); w.b(m.is_array); w.i64(m.lhist_min); w.i64(m.lhist_max); w.i64(m.lhist_step);
}
void io(Reader& r, MapDesc& m) {
  m.name = r.str(); m.bpf_name = r.str(); m.kind = static_cast<MapKind>(r.u8());
  r.vec(m.keys, [](Reader& r, Field& f) { io(r, f); });
  m.key_size = r.u32(); m.value_type = r.u32(); m.value_size = r.u32(); m.value_signed = r.b();
  m.percpu = r.b(); m.is_array = r.b(); m.lhist_min = r.i64(); m.lhist_max = r.i64();
  m.lhist_step = r.i64();
}

void io(Writer& w, const EventDesc& e) {
  w.u8(static_cast<uint8_t>(e.kind)); w.str(e.format);
  w.vec(e.args, [](Writer& w, const Field& f) { io(w, f); });
  w.u32(e.map); w.u32(e.payload_size); w.u32(e.line); w.u32(e.col_begin); w.u32(e.col_end);
}
void io(Reader& r, EventDesc& e) {
  e.kind = static_cast<EventKind>(r.u8()); e.format = r.str();
  r.vec(e.args, [](Reader& r, Field& f) { io(r, f); });
  e.map = r.u32(); e.payload_size = r.u32(); e.line = r.u32(); e.col_begin = r.u32();
  e.col_end = r.u32();
}

void io(Writer& w, const ProbeDesc& p) {
  w.u8(static_cast<uint8_t>(p.kind)); w.str(p.prog_name); w.str(p.text); w.str(p.target);
  w.str(p.func); w.u64(p.period); w.b(p.use_freq); w.b(p.wildcard); w.u32(p.probe_id);
  w.u32(p.line); w.u32(p.col_begin); w.u32(p.col_end); w.u64(p.offset); w.str(p.alt_prog_name);
  w.u32(p.watch_len); w.str(p.watch_mode); w.u32(static_cast<uint32_t>(p.watch_arg));
  w.str(p.setup_prog_name); w.u32(p.arg_mask); w.b(p.optional);
}
void io(Reader& r, ProbeDesc& p) {
  p.kind = static_cast<ProbeKind>(r.u8()); p.prog_name = r.str(); p.text = r.str();
  p.target = r.str(); p.func = r.str(); p.period = r.u64(); p.use_freq = r.b();
  p.wildcard = r.b(); p.probe_id = r.u32(); p.line = r.u32(); p.col_begin = r.u32();
  p.col_end = r.u32(); p.offset = r.u64(); p.alt_prog_name = r.str();
  p.watch_len = r.u32(); p.watch_mode = r.str(); p.watch_arg = static_cast<int32_t>(r.u32());
  p.setup_prog_name = r.str(); p.arg_mask = r.u32(); p.optional = r.b();
}

void io(Writer& w, const StackMapDesc& s) {
  w.str(s.bpf_name); w.b(s.user); w.u8(static_cast<uint8_t>(s.mode)); w.u32(s.limit);
}
void io(Reader& r, StackMapDesc& s) {
  s.bpf_name = r.str(); s.user = r.b(); s.mode = static_cast<StackMode>(r.u8()); s.limit = r.u32();
}

void io(Writer& w, const Positional& p) {
  w.u32(p.index); w.b(p.numeric); w.u32(p.line); w.u32(p.col_begin); w.u32(p.col_end);
}
void io(Reader& r, Positional& p) {
  p.index = r.u32(); p.numeric = r.b(); p.line = r.u32(); p.col_begin = r.u32();
  p.col_end = r.u32();
}

void io(Writer& w, const ConfigLayout& c) {
  w.u32(c.size); w.u32(c.start_ns); w.u32(c.target_pid); w.u32(c.child_pid);
  w.u32(c.num_args); w.u32(c.int_args); w.u32(c.str_args); w.u32(c.helper_errors);
  w.u32(c.no_cookies);
}
void io(Reader& r, ConfigLayout& c) {
  c.size = r.u32(); c.start_ns = r.u32(); c.target_pid = r.u32(); c.child_pid = r.u32();
  c.num_args = r.u32(); c.int_args = r.u32(); c.str_args = r.u32(); c.helper_errors = r.u32();
  c.no_cookies = r.u32();
}

void io(Writer& w, const RuntimeValue& v) {
  w.u8(static_cast<uint8_t>(v.kind)); w.str(v.arg); w.u32(v.offset); w.u32(v.line);
  w.u32(v.col_begin); w.u32(v.col_end);
}
void io(Reader& r, RuntimeValue& v) {
  v.kind = static_cast<ResolveKind>(r.u8()); v.arg = r.str(); v.offset = r.u32();
  v.line = r.u32(); v.col_begin = r.u32(); v.col_end = r.u32();
}

constexpr char kMagic[4] = {'B', 'T', 'C', 'M'};

} // namespace

std::vector<uint8_t> encode(const Manifest& m) {
  Writer w;
  for (char c : kMagic) w.u8(static_cast<uint8_t>(c));
  w.u32(m.version);
  w.str(m.tool_name);
  w.str(m.source_name);
  w.vec(m.source_lines, [](Writer& w, const std::string& s) { w.str(s); });
  w.vec(m.types, [](Writer& w, const TypeDesc& t) { io(w, t); });
  w.vec(m.maps, [](Writer& w, const MapDesc& x) { io(w, x); });
  w.vec(m.events, [](Writer& w, const EventDesc& x) { io(w, x); });
  w.vec(m.probes, [](Writer& w, const ProbeDesc& x) { io(w, x); });
  w.vec(m.strings, [](Writer& w, const std::string& s) { w.str(s); });
  w.vec(m.positionals, [](Writer& w, const Positional& x) { io(w, x); });
  w.vec(m.runtime_values, [](Writer& w, const RuntimeValue& x) { io(w, x); });
  w.vec(m.stack_maps, [](Writer& w, const StackMapDesc& x) { io(w, x); });
  w.vec(m.debug_binaries, [](Writer& w, const DebugBinary& x) {
    w.str(x.path);
    w.str(x.build_id);
  });
  io(w, m.config);
  w.u32(m.max_positional);
  w.u32(m.strlen);
  w.u32(m.ringbuf_size);
  w.str(m.ringbuf_map);
  w.u32(m.default_helper_errors);
  return w.take();
}

std::optional<Manifest> decode(std::span<const uint8_t> bytes) {
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kMagic, 4) != 0) return std::nullopt;
  Reader r(bytes.subspan(4));
  Manifest m;
  m.version = r.u32();
  if (m.version != kManifestVersion) return std::nullopt;
  m.tool_name = r.str();
  m.source_name = r.str();
  r.vec(m.source_lines, [](Reader& r, std::string& s) { s = r.str(); });
  r.vec(m.types, [](Reader& r, TypeDesc& t) { io(r, t); });
  r.vec(m.maps, [](Reader& r, MapDesc& x) { io(r, x); });
  r.vec(m.events, [](Reader& r, EventDesc& x) { io(r, x); });
  r.vec(m.probes, [](Reader& r, ProbeDesc& x) { io(r, x); });
  r.vec(m.strings, [](Reader& r, std::string& s) { s = r.str(); });
  r.vec(m.positionals, [](Reader& r, Positional& x) { io(r, x); });
  r.vec(m.runtime_values, [](Reader& r, RuntimeValue& x) { io(r, x); });
  r.vec(m.stack_maps, [](Reader& r, StackMapDesc& x) { io(r, x); });
  r.vec(m.debug_binaries, [](Reader& r, DebugBinary& x) {
    x.path = r.str();
    x.build_id = r.str();
  });
  io(r, m.config);
  m.max_positional = r.u32();
  m.strlen = r.u32();
  m.ringbuf_size = r.u32();
  m.ringbuf_map = r.str();
  m.default_helper_errors = r.u32();
  if (!r.ok()) return std::nullopt;
  return m;
}

namespace {
const char* kind_name(ValueKind k) {
  switch (k) {
  case ValueKind::None: return "none";
  case ValueKind::Int: return "int";
  case ValueKind::UInt: return "uint";
  case ValueKind::String: return "string";
  case ValueKind::Buffer: return "buffer";
  case ValueKind::Tuple: return "tuple";
  case ValueKind::Struct: return "struct";
  case ValueKind::Array: return "array";
  case ValueKind::Ksym: return "ksym";
  case ValueKind::Usym: return "usym";
  case ValueKind::Inet: return "inet";
  case ValueKind::Username: return "username";
  case ValueKind::Probe: return "probe";
  case ValueKind::Kstack: return "kstack";
  case ValueKind::Ustack: return "ustack";
  case ValueKind::Timestamp: return "timestamp";
  case ValueKind::MacAddr: return "macaddr";
  case ValueKind::CgroupPath: return "cgroup_path";
  case ValueKind::Strerror: return "strerror";
  }
  return "?";
}
const char* map_kind_name(MapKind k) {
  switch (k) {
  case MapKind::Plain: return "plain";
  case MapKind::Count: return "count";
  case MapKind::Sum: return "sum";
  case MapKind::Min: return "min";
  case MapKind::Max: return "max";
  case MapKind::Avg: return "avg";
  case MapKind::Stats: return "stats";
  case MapKind::Hist: return "hist";
  case MapKind::Lhist: return "lhist";
  }
  return "?";
}
const char* event_kind_name(EventKind k) {
  switch (k) {
  case EventKind::Printf: return "printf";
  case EventKind::Print: return "print";
  case EventKind::PrintMap: return "print_map";
  case EventKind::Time: return "time";
  case EventKind::Exit: return "exit";
  case EventKind::Clear: return "clear";
  case EventKind::Zero: return "zero";
  case EventKind::Cat: return "cat";
  case EventKind::System: return "system";
  case EventKind::Join: return "join";
  case EventKind::HelperError: return "helper_error";
  case EventKind::WatchpointAttach: return "watchpoint_attach";
  case EventKind::WatchpointDetach: return "watchpoint_detach";
  }
  return "?";
}
void dump_fields(std::ostringstream& o, const std::vector<Field>& fs) {
  for (const auto& f : fs) o << " {" << f.name << "@" << f.offset << ":t" << f.type << "}";
}
} // namespace

const char* resolve_kind_name(ResolveKind k) {
  switch (k) {
  case ResolveKind::Kaddr: return "kaddr";
  case ResolveKind::Cgroupid: return "cgroupid";
  case ResolveKind::Uaddr: return "uaddr";
  case ResolveKind::Signal: return "signal";
  }
  return "?";
}

std::string dump(const Manifest& m) {
  std::ostringstream o;
  o << "manifest v" << m.version << " tool=" << m.tool_name << " source=" << m.source_name
    << " strlen=" << m.strlen << " ringbuf=" << m.ringbuf_map << ":" << m.ringbuf_size << "\n";
  for (size_t i = 0; i < m.types.size(); ++i) {
    const auto& t = m.types[i];
    o << "type t" << i << " " << kind_name(t.kind) << " size=" << t.size;
    if (t.kind == ValueKind::Array) o << " elem=t" << t.elem << " count=" << t.count;
    dump_fields(o, t.fields);
    o << "\n";
  }
  for (const auto& mp : m.maps) {
    o << "map " << mp.name << " bpf=" << mp.bpf_name << " kind=" << map_kind_name(mp.kind)
      << " key_size=" << mp.key_size << " value_size=" << mp.value_size
      << (mp.percpu ? " percpu" : "") << (mp.is_array ? " array" : "");
    if (mp.value_type != kNoIndex) o << " value=t" << mp.value_type;
    if (mp.kind == MapKind::Lhist)
      o << " lhist=" << mp.lhist_min << "," << mp.lhist_max << "," << mp.lhist_step;
    o << " keys:";
    dump_fields(o, mp.keys);
    o << "\n";
  }
  for (size_t i = 0; i < m.events.size(); ++i) {
    const auto& e = m.events[i];
    o << "event " << i << " " << event_kind_name(e.kind) << " payload=" << e.payload_size;
    if (!e.format.empty()) {
      o << " format=\"";
      for (char c : e.format) o << (c == '\n' ? std::string("\\n") : std::string(1, c));
      o << "\"";
    }
    if (e.map != kNoIndex) o << " map=" << e.map;
    o << " args:";
    dump_fields(o, e.args);
    o << "\n";
  }
  for (const auto& p : m.probes) {
    o << "probe " << probe_kind_name(p.kind) << " prog=" << p.prog_name << " text=" << p.text
      << " target=" << p.target << " func=" << p.func << " period=" << p.period
      << (p.use_freq ? " freq" : "") << (p.wildcard ? " wildcard" : "") << " id=" << p.probe_id;
    if (p.offset) o << " offset=" << p.offset;
    if (!p.alt_prog_name.empty()) o << " alt=" << p.alt_prog_name;
    if (p.watch_len) o << " watch=" << p.watch_len << ":" << p.watch_mode << " arg=" << p.watch_arg;
    if (!p.setup_prog_name.empty()) o << " setup=" << p.setup_prog_name;
    if (p.arg_mask) o << " arg_mask=" << p.arg_mask;
    o << "\n";
  }
  for (const auto& p : m.positionals)
    o << "positional $" << p.index << (p.numeric ? " numeric" : " string") << "\n";
  for (const auto& s : m.stack_maps)
    o << "stack_map " << s.bpf_name << (s.user ? " user" : " kernel") << " mode="
      << static_cast<int>(s.mode) << " limit=" << s.limit << "\n";
  for (const auto& v : m.runtime_values)
    o << "runtime_value " << resolve_kind_name(v.kind) << " \""
      << v.arg << "\" @" << v.offset << "\n";
  for (const auto& b : m.debug_binaries)
    o << "debug_binary " << b.path << " build_id=" << b.build_id << "\n";
  if (m.default_helper_errors) o << "default -k level " << m.default_helper_errors << "\n";
  o << "config size=" << m.config.size << "\n";
  return show_placeholders(o.str()); // positional parameters as $N
}

} // namespace btc::abi
