// probes.cpp: probe-kind descriptors and attach-point parsing (spec sections 1.1-1.3).
#include "probes/probes.h"

#include "btc/wildcard.h"

#include "probes/watchpoint.h"

#include <array>
#include <cctype>
#include <charconv>
#include <string>

namespace btc::probes {
namespace {

// ctx of kprobe-type programs (kprobes, uprobes, usdt) and of perf-event programs.
constexpr std::string_view kRegs = "pt_regs";
constexpr std::string_view kPerf = "bpf_perf_event_data";
// BPF program types, as 0.17's messages name them.
constexpr std::string_view kKprobeProg = "BPF_PROG_TYPE_KPROBE";
constexpr std::string_view kPerfProg = "BPF_PROG_TYPE_PERF_EVENT";
constexpr std::string_view kRawTpProg = "BPF_PROG_TYPE_RAW_TRACEPOINT";
constexpr std::string_view kTracingProg = "BPF_PROG_TYPE_TRACING";
constexpr std::string_view kTpProg = "BPF_PROG_TYPE_TRACEPOINT";
using ast::AddrSpace;

// clang-format off
const std::array<ProbeKindDesc, 18> kKinds = {{
  {ProbeKind::Begin, "BEGIN", {}, "raw_tp", kRawTpProg, {}, true, AddrSpace::None},
  {ProbeKind::End, "END", {}, "raw_tp", kRawTpProg, {}, true, AddrSpace::None},
  {ProbeKind::Tracepoint, "tracepoint", {"t"}, "tracepoint", kTpProg, {.args = true}, true,
   AddrSpace::Kernel},
  {ProbeKind::Interval, "interval", {"i"}, "perf_event", kPerfProg, {.ctx_record = kPerf}, true,
   AddrSpace::None},
  {ProbeKind::Profile, "profile", {"p"}, "perf_event", kPerfProg, {.ctx_record = kPerf}, true,
   AddrSpace::None},
  {ProbeKind::Software, "software", {"s"}, "perf_event", kPerfProg, {.ctx_record = kPerf}, true,
   AddrSpace::None},
  {ProbeKind::Hardware, "hardware", {"h"}, "perf_event", kPerfProg, {.ctx_record = kPerf}, true,
   AddrSpace::None},
  {ProbeKind::Kprobe, "kprobe", {"k"}, "kprobe", kKprobeProg,
   {.argn = true, .func = true, .ctx_record = kRegs}, true, AddrSpace::Kernel},
  {ProbeKind::Kretprobe, "kretprobe", {"kr"}, "kretprobe", kKprobeProg,
   {.retval = true, .func = true, .ctx_record = kRegs}, true, AddrSpace::Kernel},
  {ProbeKind::Uprobe, "uprobe", {"u"}, "uprobe", kKprobeProg,
   {.argn = true, .func = true, .ctx_record = kRegs}, true, AddrSpace::User},
  {ProbeKind::Uretprobe, "uretprobe", {"ur"}, "uretprobe", kKprobeProg,
   {.retval = true, .func = true, .ctx_record = kRegs}, true, AddrSpace::User},
  {ProbeKind::Usdt, "usdt", {"U"}, "usdt", kKprobeProg, {.argn = true, .ctx_record = kRegs}, true,
   AddrSpace::User},
  {ProbeKind::Kfunc, "kfunc", {"f", "fentry"}, "fentry", kTracingProg,
   {.args = true, .func = true}, true, AddrSpace::Kernel},
  {ProbeKind::Kretfunc, "kretfunc", {"fr", "fexit"}, "fexit", kTracingProg,
   {.args = true, .retval = true, .func = true}, true, AddrSpace::Kernel},
  {ProbeKind::RawTracepoint, "rawtracepoint", {"rt"}, "raw_tp", kRawTpProg, {.argn = true}, true,
   AddrSpace::Kernel},
  {ProbeKind::Watchpoint, "watchpoint", {"w"}, "perf_event", kPerfProg, {.ctx_record = kPerf},
   true, AddrSpace::None},
  {ProbeKind::AsyncWatchpoint, "asyncwatchpoint", {"aw"}, "perf_event", kPerfProg,
   {.ctx_record = kPerf}, true, AddrSpace::None},
  {ProbeKind::Iter, "iter", {"it"}, "iter", kTracingProg, {}, true, AddrSpace::Kernel},
}};

struct PerfEventName { std::string_view name, alias; uint64_t default_count; };
const std::array<PerfEventName, 11> kSoftware = {{
  {"alignment-faults", "", 1}, {"bpf-output", "", 1}, {"context-switches", "cs", 1000},
  {"cpu-clock", "cpu", 1000000}, {"cpu-migrations", "", 1}, {"dummy", "", 1},
  {"emulation-faults", "", 1}, {"major-faults", "", 1}, {"minor-faults", "", 100},
  {"page-faults", "faults", 100}, {"task-clock", "", 1},
}};
const std::array<PerfEventName, 10> kHardware = {{
  {"backend-stalls", "", 1000000}, {"branch-instructions", "branches", 100000},
  {"branch-misses", "", 100000}, {"bus-cycles", "", 100000}, {"cache-misses", "", 1000000},
  {"cache-references", "", 1000000}, {"cpu-cycles", "cycles", 1000000},
  {"frontend-stalls", "", 1000000}, {"instructions", "", 1000000}, {"ref-cycles", "", 1000000},
}};
// clang-format on

std::vector<std::string_view> split_colons(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  bool quoted = false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (quoted && s[i] == '\\') {
      ++i; // an escaped character inside quotes
      continue;
    }
    if (s[i] == '"') quoted = !quoted;
    if (s[i] == ':' && !quoted) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(s.substr(start));
  return parts;
}

std::optional<uint64_t> parse_uint(std::string_view s) {
  uint64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// interval:UNIT:N / profile:UNIT:N
bool parse_timed(std::vector<std::string_view>& parts, AttachSpec& spec, std::string& error) {
  std::string_view provider = spec.kind == ProbeKind::Interval ? "interval" : "profile";
  if (parts.size() != 3) {
    error = std::string(provider) + " probe type requires 2 arguments";
    return false;
  }
  auto unit = parts[1];
  spec.target = std::string(unit);
  spec.text = std::string(provider) + ":" + std::string(unit) + ":" + std::string(parts[2]);
  // A rate (or unit) from a positional parameter: the tool computes the period when it starts.
  if (abi::has_placeholder(parts[1]) || abi::has_placeholder(parts[2])) return true;
  auto n = parse_uint(parts[2]);
  if (!n || *n == 0) {
    error = std::string(provider) + " rate must be a positive integer";
    return false;
  }
  if (unit == "hz") {
    spec.use_freq = true;
    spec.period = *n;
  } else if (unit == "s") {
    spec.period = *n * 1000000000ull;
  } else if (unit == "ms") {
    spec.period = *n * 1000000ull;
  } else if (unit == "us") {
    spec.period = *n * 1000ull;
  } else {
    error = std::string(unit) + " is not an accepted unit of time";
    return false;
  }
  return true;
}

bool parse_perf(std::vector<std::string_view>& parts, AttachSpec& spec, std::string& error) {
  std::string_view provider = spec.kind == ProbeKind::Software ? "software" : "hardware";
  if (parts.size() < 2 || parts.size() > 3 || parts[1].empty()) {
    error = std::string(provider) + " probe must have an event name";
    return false;
  }
  if (abi::has_placeholder(parts[1])) { // refused by accepts_positionals
    spec.target = std::string(parts[1]);
    spec.text = std::string(provider) + ":" + std::string(parts[1]);
    return true;
  }
  std::string canonical;
  auto def = perf_event_default_count(spec.kind, parts[1], &canonical);
  if (!def) {
    error = std::string(parts[1]) + " is not a " + std::string(provider) + " probe";
    return false;
  }
  spec.target = canonical;
  spec.period = *def;
  // `software:faults:` (seed slides) means the default count; a count from a positional
  // parameter is read when the tool starts.
  if (parts.size() == 3 && !parts[2].empty() && !abi::has_placeholder(parts[2])) {
    auto n = parse_uint(parts[2]);
    if (!n || *n == 0) {
      error = std::string(provider) + " count must be a positive integer";
      return false;
    }
    spec.period = *n;
  }
  spec.text = std::string(provider) + ":" + std::string(parts[1]);
  if (parts.size() == 3 && !parts[2].empty()) spec.text += ":" + std::string(parts[2]);
  return true;
}

bool parse_tracepoint(std::vector<std::string_view>& parts, AttachSpec& spec,
                      std::string& error) {
  if (parts.size() != 3 || parts[1].empty() || parts[2].empty()) {
    error = "tracepoint probe must have a category and an event: tracepoint:CATEGORY:EVENT";
    return false;
  }
  spec.target = std::string(parts[1]) + ":" + std::string(parts[2]);
  spec.wildcard = spec.target.find('*') != std::string::npos;
  spec.text = "tracepoint:" + spec.target;
  return true;
}

// FUNC or FUNC+OFFSET (decimal or 0x hex).
bool split_offset(std::string_view func, AttachSpec& spec, std::string& error) {
  auto plus = func.find('+');
  spec.func = std::string(func.substr(0, plus));
  if (plus == std::string_view::npos) return true;
  std::string_view off = func.substr(plus + 1);
  int base = 10;
  if (off.starts_with("0x") || off.starts_with("0X")) {
    base = 16;
    off.remove_prefix(2);
  }
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(off.data(), off.data() + off.size(), v, base);
  if (off.empty() || ec != std::errc() || p != off.data() + off.size()) {
    error = "invalid offset in " + std::string(func);
    return false;
  }
  spec.offset = v;
  return true;
}

// A quoted part without its quotes, \" and \\ unescaped (usdt:BIN:prov:"\"name\"" names a
// probe whose name holds quotes, as DTRACE_PROBE(prov, "name") makes it).
std::string unquote(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return std::string(s);
  std::string out;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '\\' && i + 2 < s.size()) ++i;
    out += s[i];
  }
  return out;
}

// kprobe:FUNC[+OFF], kretprobe:FUNC (module forms kprobe:MOD:FUNC accepted for the name).
bool parse_kprobe(std::vector<std::string_view>& parts, AttachSpec& spec, std::string& error) {
  std::string_view provider = describe(spec.kind).name;
  if (parts.size() < 2 || parts.back().empty()) {
    error = std::string(provider) + " probe must have a function name";
    return false;
  }
  if (!split_offset(parts.back(), spec, error)) return false;
  if (spec.kind == ProbeKind::Kretprobe && spec.offset) {
    error = "Offset not allowed";
    return false;
  }
  if (parts.size() == 3) spec.target = std::string(parts[1]); // module
  spec.wildcard = spec.func.find('*') != std::string::npos;
  spec.text = std::string(provider) + ":" + (spec.target.empty() ? "" : spec.target + ":") +
              std::string(parts.back());
  return true;
}

// uprobe:BIN:FUNC[+OFF] / uprobe:BIN:ADDR, uretprobe:BIN:FUNC.
bool parse_uprobe(std::vector<std::string_view>& parts, AttachSpec& spec, std::string& error) {
  std::string_view provider = describe(spec.kind).name;
  if (parts.size() != 3 || parts[1].empty() || parts[2].empty()) {
    error = std::string(provider) + " probe must have a binary and a function: " +
            std::string(provider) + ":BIN:FUNC";
    return false;
  }
  spec.target = unquote(parts[1]);
  std::string func = unquote(parts[2]);
  // "func"+OFF: the quotes hold the name only.
  if (std::string_view written = parts[2]; written.starts_with("\"")) {
    size_t close = written.find('"', 1);
    if (close != std::string_view::npos && close + 1 < written.size() &&
        written[close + 1] == '+')
      func = std::string(written.substr(1, close - 1)) + std::string(written.substr(close + 1));
  }
  if (func.starts_with("0x") || (!func.empty() && std::isdigit(static_cast<unsigned char>(func[0])))) {
    std::string_view digits = func;
    int base = 10;
    if (digits.starts_with("0x") || digits.starts_with("0X")) {
      base = 16;
      digits.remove_prefix(2);
    }
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
    if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size()) {
      error = "invalid address " + func;
      return false;
    }
    spec.offset = v;
    spec.func = "";
    func = std::to_string(v); // 0.17 names an address probe in decimal
  } else if (!split_offset(func, spec, error)) {
    return false;
  } else if (spec.offset == 0) {
    func = spec.func; // FUNC+0 is FUNC
  }
  if (spec.kind == ProbeKind::Uretprobe && spec.offset && !spec.func.empty()) {
    error = "Offset not allowed";
    return false;
  }
  spec.wildcard = spec.target.find('*') != std::string::npos ||
                  spec.func.find('*') != std::string::npos;
  spec.text = std::string(provider) + ":" + spec.target + ":" + func;
  return true;
}

// usdt:BIN:NAME, usdt:BIN:NS:NAME, and with -p (checked at run time) usdt:NAME and
// usdt::NS:NAME: target = BIN (may be empty), func = "NAME" or "NS:NAME". Resolved on the
// running host (runtime/src/usdt_attach.cpp); an empty BIN always needs expansion there.
bool parse_usdt(std::vector<std::string_view>& parts, AttachSpec& spec, std::string& error) {
  if (parts.size() < 2 || parts.size() > 4) {
    error = "usdt probe type requires 2 or 3 arguments";
    return false;
  }
  if (parts.back().empty()) {
    error = "usdt probe must have a target function or wildcard";
    return false;
  }
  if (parts.size() >= 3) spec.target = unquote(parts[1]);
  std::string ns = parts.size() == 4 ? unquote(parts[2]) : "";
  spec.func = (ns.empty() ? "" : ns + ":") + unquote(parts.back());
  spec.wildcard = spec.target.empty() || spec.target.find('*') != std::string::npos ||
                  spec.func.find('*') != std::string::npos;
  spec.text = "usdt:" + (parts.size() >= 3 ? spec.target + ":" : "") + spec.func;
  return true;
}

// rawtracepoint:EVENT or rawtracepoint:MODULE:EVENT.
bool parse_rawtracepoint(std::vector<std::string_view>& parts, AttachSpec& spec,
                         std::string& error) {
  if (parts.size() < 2 || parts.back().empty()) {
    error = "rawtracepoint probe must have an event name";
    return false;
  }
  spec.func = std::string(parts.back());
  if (parts.size() == 3) spec.target = std::string(parts[1]);
  spec.wildcard = spec.func.find('*') != std::string::npos;
  spec.text = "rawtracepoint:" + (spec.target.empty() ? "" : spec.target + ":") + spec.func;
  return true;
}

// kfunc:FUNC / kfunc:MODULE:FUNC (kretfunc alike): target = module, func = function.
bool parse_kfunc(std::vector<std::string_view>& parts, AttachSpec& spec, std::string& error) {
  std::string_view provider = describe(spec.kind).name;
  if (parts.size() != 2 && parts.size() != 3) {
    error = std::string(provider) + " probe type requires 1 or 2 arguments";
    return false;
  }
  if (parts.back().empty()) {
    error = "kfunc should specify a function";
    return false;
  }
  spec.func = std::string(parts.back());
  if (parts.size() == 3) spec.target = std::string(parts[1]);
  spec.wildcard = spec.func.find('*') != std::string::npos ||
                  spec.target.find('*') != std::string::npos;
  spec.text = std::string(provider) + ":" + (spec.target.empty() ? "" : spec.target + ":") +
              spec.func;
  return true;
}

// iter:ITERATOR[:PIN]: target = iterator (task, task_file), func = pin path as written.
bool parse_iter(std::vector<std::string_view>& parts, AttachSpec& spec, std::string& error) {
  if (parts.size() != 2 && parts.size() != 3) {
    error = "iter probe type takes 2 arguments (1 optional)";
    return false;
  }
  for (auto p : parts) {
    if (p.find('*') != std::string_view::npos) {
      error = "iter probe type does not support wildcards";
      return false;
    }
  }
  spec.target = std::string(parts[1]);
  if (parts.size() == 3) spec.func = std::string(parts[2]);
  spec.text = "iter:" + spec.target + (spec.func.empty() ? "" : ":" + spec.func);
  return true;
}

} // namespace

const ProbeKindDesc* find_kind(std::string_view provider) {
  for (const auto& k : kKinds) {
    if (k.name == provider) return &k;
    for (auto a : k.aliases)
      if (a == provider) return &k;
  }
  return nullptr;
}

const ProbeKindDesc& describe(ProbeKind kind) {
  for (const auto& k : kKinds)
    if (k.kind == kind) return k;
  return kKinds[0];
}

std::optional<uint64_t> perf_event_default_count(ProbeKind kind, std::string_view name,
                                                 std::string* canonical) {
  auto search = [&](const auto& table) -> std::optional<uint64_t> {
    for (const auto& e : table) {
      if (e.name == name || (!e.alias.empty() && e.alias == name)) {
        if (canonical) *canonical = std::string(e.name);
        return e.default_count;
      }
    }
    return std::nullopt;
  };
  if (kind == ProbeKind::Software) return search(kSoftware);
  if (kind == ProbeKind::Hardware) return search(kHardware);
  return std::nullopt;
}

// An attach point naming positional parameters is completed where the tool starts: names are
// then looked up like wildcards, rates and counts parsed. What the compiler must see (a kfunc's
// BTF prototype, an iterator, a watched address, a perf event's type) cannot wait.
static bool accepts_positionals(AttachSpec& spec, std::string& error) {
  auto refuse = [&](std::string_view what) {
    error = "btc needs " + std::string(what) + " when compiling: a positional parameter is only "
            "read when the tool starts";
    return false;
  };
  switch (spec.kind) {
  case ProbeKind::Tracepoint:
  case ProbeKind::Kprobe:
  case ProbeKind::Kretprobe:
  case ProbeKind::Uprobe:
  case ProbeKind::Uretprobe:
  case ProbeKind::Usdt:
  case ProbeKind::RawTracepoint:
    if (spec.offset != 0) return refuse("the offset of a probe whose name is a parameter");
    spec.wildcard = true;
    return true;
  case ProbeKind::Interval:
  case ProbeKind::Profile:
    return true;
  case ProbeKind::Software:
  case ProbeKind::Hardware:
    if (abi::has_placeholder(spec.target)) return refuse("the event of a " +
                                                         std::string(describe(spec.kind).name) +
                                                         " probe");
    return true;
  case ProbeKind::Begin:
  case ProbeKind::End:
  case ProbeKind::Kfunc:
  case ProbeKind::Kretfunc:
  case ProbeKind::Iter:
  case ProbeKind::Watchpoint:
  case ProbeKind::AsyncWatchpoint:
    return refuse("the whole attach point of a " + std::string(describe(spec.kind).name) +
                  " probe");
  }
  return false;
}

std::optional<AttachSpec> parse_attach_point(std::string_view text, std::string& error) {
  auto parts = split_colons(text);
  const ProbeKindDesc* desc = find_kind(parts[0]);
  if (!desc) {
    error = "Invalid probe type: " + std::string(parts[0]);
    return std::nullopt;
  }
  AttachSpec spec;
  spec.kind = desc->kind;
  bool ok = false;
  switch (desc->kind) {
  case ProbeKind::Begin:
  case ProbeKind::End:
    spec.text = std::string(desc->name);
    ok = true;
    break;
  case ProbeKind::Tracepoint: ok = parse_tracepoint(parts, spec, error); break;
  case ProbeKind::Interval:
  case ProbeKind::Profile: ok = parse_timed(parts, spec, error); break;
  case ProbeKind::Software:
  case ProbeKind::Hardware: ok = parse_perf(parts, spec, error); break;
  case ProbeKind::Kprobe:
  case ProbeKind::Kretprobe: ok = parse_kprobe(parts, spec, error); break;
  case ProbeKind::Uprobe:
  case ProbeKind::Uretprobe: ok = parse_uprobe(parts, spec, error); break;
  case ProbeKind::RawTracepoint: ok = parse_rawtracepoint(parts, spec, error); break;
  case ProbeKind::Kfunc:
  case ProbeKind::Kretfunc: ok = parse_kfunc(parts, spec, error); break;
  case ProbeKind::Iter: ok = parse_iter(parts, spec, error); break;
  case ProbeKind::Usdt: ok = parse_usdt(parts, spec, error); break;
  case ProbeKind::Watchpoint:
  case ProbeKind::AsyncWatchpoint: ok = parse_watchpoint(parts, spec, error); break;
  }
  if (!ok) return std::nullopt;
  if (abi::has_placeholder(text) && !accepts_positionals(spec, error)) return std::nullopt;
  return spec;
}

bool wildcard_match(std::string_view pattern, std::string_view text) {
  return btc::wildcard_match(pattern, text);
}

} // namespace btc::probes
