// perf.cpp: perf-event probes: interval:UNIT:N and profile:UNIT:N (timers; profile on every
// CPU), software:EVENT[:COUNT] and hardware:EVENT[:COUNT]. Their programs see
// struct bpf_perf_event_data (pt_regs first, so reg() works).
// Example: "profile:hz:99" gives period 99 with use_freq; "s:faults" gives
// target "page-faults", period 100 (the event's default count).
#include "probes/providers/providers.h"

#include "btc/perf_events.h"
#include "probes/parse_util.h"

namespace btc::probes::providers {
namespace {

constexpr std::string_view kPerfProg = "BPF_PROG_TYPE_PERF_EVENT";
constexpr ContextRules kPerfRules{.reg = true, .ctx_record = "bpf_perf_event_data"};

// interval:UNIT:N / profile:UNIT:N
class TimedProvider final : public Provider {
public:
  using Provider::Provider;

  bool parse(const std::vector<std::string_view>& parts, AttachSpec& spec,
             std::string& error) const override {
    // 0.2x `interval:1s`; a lone unit (`interval:s`) is 0.17's missing count.
    if (parts.size() == 2 && !parts[1].empty() && parts[1][0] >= '0' && parts[1][0] <= '9')
      return parse_duration(parts[1], spec, error);
    if (parts.size() == 2 && abi::has_placeholder(parts[1]))
      return parse_duration(parts[1], spec, error);
    if (parts.size() != 3) {
      error = name() + " probe type requires 2 arguments";
      return false;
    }
    auto unit = parts[1];
    spec.target = std::string(unit);
    spec.text = name() + ":" + std::string(unit) + ":" + std::string(parts[2]);
    // A rate (or unit) from a positional parameter: the tool computes the period when it starts.
    if (abi::has_placeholder(parts[1]) || abi::has_placeholder(parts[2])) return true;
    auto n = parse_uint(parts[2]);
    if (!n || *n == 0) {
      error = name() + " rate must be a positive integer";
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

  bool accepts_positionals(AttachSpec& spec, std::string& error) const override {
    if (spec.target != "ns") return true;
    error = name() + ": a positional parameter needs the UNIT:N form (" + name() + ":s:$1)";
    return false;
  }

private:
  // bpftrace 0.2x: `interval:1s`, `profile:100ms`, `interval:1000000` (nanoseconds).
  bool parse_duration(std::string_view arg, AttachSpec& spec, std::string& error) const {
    spec.text = name() + ":" + std::string(arg);
    spec.target = "ns";
    if (abi::has_placeholder(arg)) return true; // refused by accepts_positionals
    size_t digits = 0;
    while (digits < arg.size() && arg[digits] >= '0' && arg[digits] <= '9') ++digits;
    auto n = parse_uint(arg.substr(0, digits));
    static constexpr struct {
      std::string_view suffix;
      uint64_t ns;
    } kUnits[] = {{"", 1},
                  {"ns", 1},
                  {"us", 1000},
                  {"ms", 1000000},
                  {"s", 1000000000ull},
                  {"m", 60000000000ull},
                  {"h", 3600000000000ull},
                  {"d", 86400000000000ull}};
    for (const auto& u : kUnits) {
      if (arg.substr(digits) != u.suffix) continue;
      if (!n || *n == 0 || *n > UINT64_MAX / u.ns) break;
      spec.period = *n * u.ns;
      return true;
    }
    error = name() + " needs a positive duration such as 1s, 100ms or 500us (found '" +
            std::string(arg) + "')";
    return false;
  }
};

// software:EVENT[:COUNT] / hardware:EVENT[:COUNT]
class CountedProvider final : public Provider {
public:
  CountedProvider(const ProbeKindDesc& desc, abi::PerfEventType type)
      : Provider(desc), type_(type) {}

  bool parse(const std::vector<std::string_view>& parts, AttachSpec& spec,
             std::string& error) const override {
    if (parts.size() < 2 || parts.size() > 3 || parts[1].empty()) {
      error = name() + " probe must have an event name";
      return false;
    }
    if (abi::has_placeholder(parts[1])) { // refused by accepts_positionals
      spec.target = std::string(parts[1]);
      spec.text = name() + ":" + std::string(parts[1]);
      return true;
    }
    const abi::PerfEventName* event = abi::find_perf_event(type_, parts[1]);
    if (!event) {
      error = std::string(parts[1]) + " is not a " + name() + " probe";
      return false;
    }
    spec.target = std::string(event->name);
    spec.period = event->default_count;
    // `software:faults:` (seed slides) means the default count; a count from a positional
    // parameter is read when the tool starts.
    if (parts.size() == 3 && !parts[2].empty() && !abi::has_placeholder(parts[2])) {
      auto n = parse_uint(parts[2]);
      if (!n || *n == 0) {
        error = name() + " count must be a positive integer";
        return false;
      }
      spec.period = *n;
    }
    spec.text = name() + ":" + std::string(parts[1]);
    if (parts.size() == 3 && !parts[2].empty()) spec.text += ":" + std::string(parts[2]);
    return true;
  }

  bool accepts_positionals(AttachSpec& spec, std::string& error) const override {
    if (!abi::has_placeholder(spec.target)) return true;
    error = "btc needs the event of a " + name() +
            " probe when compiling: a positional parameter is only read when the tool starts";
    return false;
  }

private:
  abi::PerfEventType type_;
};

// clang-format off
const ProbeKindDesc kInterval{ProbeKind::Interval, {"i"}, "perf_event", kPerfProg, kPerfRules,
    ast::AddrSpace::None};
const ProbeKindDesc kProfile{ProbeKind::Profile, {"p"}, "perf_event", kPerfProg, kPerfRules,
    ast::AddrSpace::None};
const ProbeKindDesc kSoftware{ProbeKind::Software, {"s"}, "perf_event", kPerfProg, kPerfRules,
    ast::AddrSpace::None};
const ProbeKindDesc kHardware{ProbeKind::Hardware, {"h"}, "perf_event", kPerfProg, kPerfRules,
    ast::AddrSpace::None};
// clang-format on

} // namespace

BTC_PROVIDER(interval, TimedProvider, kInterval)
BTC_PROVIDER(profile, TimedProvider, kProfile)
BTC_PROVIDER(software, CountedProvider, kSoftware, abi::PerfEventType::Software)
BTC_PROVIDER(hardware, CountedProvider, kHardware, abi::PerfEventType::Hardware)

} // namespace btc::probes::providers
