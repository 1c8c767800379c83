// codec.cpp: encode/decode/dump of the runtime manifest (btc/abi.h).
//
// Each record's fields are listed once, in fields(); the Writer (encode), the Reader (decode)
// and the Dumper (btc --emit=manifest) all walk that list, so a field added there is encoded,
// decoded and shown alike. Format: "BTCM" magic, then every field in list order: integers
// and enums little-endian at their own width, bools one byte, strings and vectors a u32 count
// followed by the elements. Shared by the compiler (encode, dump) and the runtime (decode).
// Example dump line: `probes[0]: spec={ kind=tracepoint text=tracepoint:sched:sched_switch
// target=sched:sched_switch } prog_name=tracepoint_0_0`.
#include "btc/abi.h"

#include <concepts>
#include <cstring>
#include <type_traits>

namespace btc::abi {
namespace {

template <class T, class U>
concept Is = std::same_as<std::remove_const_t<T>, U>;

// ---- the field lists (V: Writer, Reader or Dumper; T: the record, const or not)
template <class V, Is<Field> T> void fields(V& v, T& x) {
  v("name", x.name), v("offset", x.offset), v("type", x.type);
}
template <class V, Is<TypeDesc> T> void fields(V& v, T& x) {
  v("kind", x.kind), v("size", x.size), v("elem", x.elem), v("count", x.count);
  v("fields", x.fields);
}
template <class V, Is<MapDesc> T> void fields(V& v, T& x) {
  v("name", x.name), v("bpf_name", x.bpf_name), v("kind", x.kind), v("keys", x.keys);
  v("key_size", x.key_size), v("value_type", x.value_type), v("value_size", x.value_size);
  v("value_signed", x.value_signed), v("percpu", x.percpu), v("is_array", x.is_array);
  v("lhist_min", x.lhist_min), v("lhist_max", x.lhist_max), v("lhist_step", x.lhist_step);
  v("tseries_interval_ns", x.tseries_interval_ns), v("tseries_intervals", x.tseries_intervals);
  v("tseries_agg", x.tseries_agg);
}
template <class V, Is<EventDesc> T> void fields(V& v, T& x) {
  v("kind", x.kind), v("format", x.format), v("args", x.args), v("map", x.map);
  v("payload_size", x.payload_size), v("line", x.line), v("col_begin", x.col_begin);
  v("col_end", x.col_end), v("once", x.once);
}
template <class V, Is<AttachSpec> T> void fields(V& v, T& x) {
  v("kind", x.kind), v("text", x.text), v("target", x.target), v("func", x.func);
  v("period", x.period), v("use_freq", x.use_freq), v("wildcard", x.wildcard);
  v("offset", x.offset), v("optional", x.optional), v("watch_len", x.watch_len);
  v("watch_mode", x.watch_mode), v("watch_arg", x.watch_arg);
}
template <class V, Is<ProbeDesc> T> void fields(V& v, T& x) {
  v("spec", x.spec), v("prog_name", x.prog_name), v("probe_id", x.probe_id);
  v("line", x.line), v("col_begin", x.col_begin), v("col_end", x.col_end);
  v("alt_prog_name", x.alt_prog_name), v("setup_prog_name", x.setup_prog_name);
  v("arg_mask", x.arg_mask);
}
template <class V, Is<StackMapDesc> T> void fields(V& v, T& x) {
  v("bpf_name", x.bpf_name), v("user", x.user), v("mode", x.mode), v("limit", x.limit);
  v("dwarf", x.dwarf);
}
template <class V, Is<Positional> T> void fields(V& v, T& x) {
  v("index", x.index), v("numeric", x.numeric), v("line", x.line);
  v("col_begin", x.col_begin), v("col_end", x.col_end);
}
template <class V, Is<RuntimeValue> T> void fields(V& v, T& x) {
  v("kind", x.kind), v("arg", x.arg), v("offset", x.offset), v("line", x.line);
  v("col_begin", x.col_begin), v("col_end", x.col_end);
}
template <class V, Is<NamedOption> T> void fields(V& v, T& x) {
  v("name", x.name), v("kind", x.kind), v("default_value", x.default_value);
  v("description", x.description), v("offset", x.offset);
}
template <class V, Is<Setting> T> void fields(V& v, T& x) {
  v("name", x.name), v("value", x.value);
}
template <class V, Is<DebugBinary> T> void fields(V& v, T& x) {
  v("path", x.path), v("build_id", x.build_id);
}
template <class V, Is<ConfigLayout> T> void fields(V& v, T& x) {
  v("size", x.size), v("start_ns", x.start_ns), v("target_pid", x.target_pid);
  v("child_pid", x.child_pid), v("num_args", x.num_args), v("int_args", x.int_args);
  v("str_args", x.str_args), v("helper_errors", x.helper_errors), v("no_cookies", x.no_cookies);
  v("ncpus", x.ncpus);
}
// The version is read first, on its own (decode refuses other versions).
template <class V, Is<Manifest> T> void fields(V& v, T& x) {
  v("tool_name", x.tool_name), v("source_name", x.source_name);
  v("source_lines", x.source_lines), v("types", x.types), v("maps", x.maps);
  v("events", x.events), v("probes", x.probes), v("strings", x.strings);
  v("positionals", x.positionals), v("runtime_values", x.runtime_values);
  v("stack_maps", x.stack_maps), v("debug_binaries", x.debug_binaries);
  v("named_options", x.named_options), v("settings", x.settings), v("config", x.config);
  v("max_positional", x.max_positional), v("strlen", x.strlen);
  v("ringbuf_size", x.ringbuf_size), v("ringbuf_map", x.ringbuf_map);
  v("default_helper_errors", x.default_helper_errors);
  v("description", x.description), v("btc_version", x.btc_version);
  v("script_sha256", x.script_sha256), v("target_arch", x.target_arch);
}

template <class T> struct IsVector : std::false_type {};
template <class T> struct IsVector<std::vector<T>> : std::true_type {};

class Writer {
public:
  template <class T> void operator()(const char*, const T& x) {
    if constexpr (std::is_enum_v<T> || std::is_arithmetic_v<T>) {
      put(&x, sizeof x);
    } else if constexpr (std::is_same_v<T, std::string>) {
      count(x.size());
      put(x.data(), x.size());
    } else if constexpr (IsVector<T>::value) {
      count(x.size());
      for (const auto& e : x) (*this)("", e);
    } else {
      fields(*this, x);
    }
  }
  std::vector<uint8_t> take() { return std::move(out_); }

private:
  void count(size_t n) {
    auto v = static_cast<uint32_t>(n);
    put(&v, 4);
  }
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
  template <class T> void operator()(const char*, T& x) {
    if constexpr (std::is_enum_v<T> || std::is_arithmetic_v<T>) {
      get(&x, sizeof x);
    } else if constexpr (std::is_same_v<T, std::string>) {
      uint32_t n = count();
      if (!ok_) return;
      x.assign(reinterpret_cast<const char*>(in_.data() + pos_), n);
      pos_ += n;
    } else if constexpr (IsVector<T>::value) {
      uint32_t n = count();
      if (!ok_) return;
      x.resize(n); // every element takes a byte at least: n is bounded by the blob
      for (auto& e : x) (*this)("", e);
    } else {
      fields(*this, x);
    }
  }

private:
  uint32_t count() {
    uint32_t n = 0;
    get(&n, 4);
    if (n > in_.size() - pos_) ok_ = false;
    return ok_ ? n : 0;
  }
  void get(void* p, size_t n) {
    if (!ok_ || n > in_.size() - pos_) {
      ok_ = false;
      std::memset(p, 0, n);
      return;
    }
    std::memcpy(p, in_.data() + pos_, n);
    pos_ += n;
  }
  std::span<const uint8_t> in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// ---- the dump
const char* name_of(ValueKind k) {
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
  case ValueKind::Bool:
    return "bool";
  }
  return "?";
}
const char* name_of(MapKind k) {
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
  case MapKind::Tseries:
    return "tseries";
  }
  return "?";
}
const char* name_of(TseriesAgg k) {
  switch (k) {
  case TseriesAgg::Last:
    return "last";
  case TseriesAgg::Avg:
    return "avg";
  case TseriesAgg::Max:
    return "max";
  case TseriesAgg::Min:
    return "min";
  case TseriesAgg::Sum:
    return "sum";
  }
  return "?";
}
const char* name_of(EventKind k) {
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
  case EventKind::Errorf:
    return "errorf";
  case EventKind::Warnf:
    return "warnf";
  }
  return "?";
}
const char* name_of(StackMode k) {
  switch (k) {
  case StackMode::Bpftrace: return "bpftrace";
  case StackMode::Perf: return "perf";
  case StackMode::Raw: return "raw";
  }
  return "?";
}
const char* name_of(ProbeKind k) { return probe_kind_name(k); }
const char* name_of(ResolveKind k) { return resolve_kind_name(k); }
const char* name_of(OptionKind k) {
  return option_kind_name(k);
}

// One line per element of the manifest's vectors, `name=value` for each field that says
// something (see empty()), records in braces.
class Dumper {
public:
  explicit Dumper(std::string& o) : o_(o) {}
  template <class T> void operator()(const char* name, const T& x) {
    if (empty(x)) return;
    if constexpr (IsVector<T>::value && !std::is_same_v<T, std::vector<std::string>>) {
      if (depth_ == 0) { // a vector of the manifest: a line per record
        for (size_t i = 0; i < x.size(); ++i) {
          o_ += std::string(name) + "[" + std::to_string(i) + "]:";
          ++depth_;
          fields(*this, x[i]);
          --depth_;
          o_ += "\n";
        }
        return;
      }
    }
    o_ += std::string(depth_ == 0 ? "" : " ") + name + "=";
    value(x);
    if (depth_ == 0) o_ += "\n";
  }

private:
  template <class T> static std::string number(T x) {
    if constexpr (std::is_signed_v<T>) {
      return std::to_string(static_cast<long long>(x));
    } else {
      return std::to_string(static_cast<unsigned long long>(x));
    }
  }
  // Left out: false, "", [], kNoIndex; numbers at 0 only at the top (inside a record, an
  // offset or type index of 0 says something).
  template <class T> bool empty(const T& x) const {
    if constexpr (std::is_same_v<T, bool>) return !x;
    else if constexpr (std::is_same_v<T, uint32_t>) return x == kNoIndex || (depth_ == 0 && x == 0);
    else if constexpr (std::is_enum_v<T>) return false;
    else if constexpr (std::is_arithmetic_v<T>) return depth_ == 0 && x == T{};
    else if constexpr (std::is_same_v<T, std::string> || IsVector<T>::value) return x.empty();
    else return false;
  }
  template <class T> void value(const T& x) {
    if constexpr (std::is_enum_v<T>) {
      o_ += name_of(x);
    } else if constexpr (std::is_same_v<T, bool>) {
      o_ += "true";
    } else if constexpr (std::is_arithmetic_v<T>) {
      o_ += number(x);
    } else if constexpr (std::is_same_v<T, std::string>) {
      for (char c : x) o_ += c == '\n' ? std::string("\\n") : std::string(1, c);
    } else if constexpr (IsVector<T>::value) {
      o_ += "[";
      bool first = true;
      for (const auto& e : x) {
        if (!first) o_ += ",";
        first = false;
        value(e);
      }
      o_ += "]";
    } else {
      o_ += "{";
      ++depth_;
      fields(*this, x);
      --depth_;
      o_ += " }";
    }
  }
  std::string& o_;
  int depth_ = 0;
};

constexpr char kMagic[4] = {'B', 'T', 'C', 'M'};

} // namespace

std::vector<uint8_t> encode(const Manifest& m) {
  Writer w;
  for (char c : kMagic) w("magic", c);
  w("version", m.version);
  fields(w, m);
  return w.take();
}

std::optional<Manifest> decode(std::span<const uint8_t> bytes) {
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kMagic, 4) != 0) return std::nullopt;
  Reader r(bytes.subspan(4));
  Manifest m;
  r("version", m.version);
  if (!r.ok() || m.version != kManifestVersion) return std::nullopt;
  fields(r, m);
  if (!r.ok()) return std::nullopt;
  return m;
}

const char* option_kind_name(OptionKind k) {
  switch (k) {
  case OptionKind::Bool:
    return "bool";
  case OptionKind::Int:
    return "int";
  case OptionKind::String:
    return "string";
  }
  return "?";
}

const char* resolve_kind_name(ResolveKind k) {
  switch (k) {
  case ResolveKind::Kaddr: return "kaddr";
  case ResolveKind::Cgroupid: return "cgroupid";
  case ResolveKind::Uaddr: return "uaddr";
  case ResolveKind::Signal: return "signal";
  case ResolveKind::KfuncExist: return "kfunc_exist";
  case ResolveKind::KfuncAllowed:
    return "kfunc_allowed";
  }
  return "?";
}

std::string dump(const Manifest& m) {
  std::string o = "manifest v" + std::to_string(m.version) + "\n";
  Dumper d(o);
  fields(d, m);
  return show_placeholders(o); // positional parameters as $N
}

} // namespace btc::abi
