// perf_event.cpp: the perf event provider (see perf_event.h). interval -> cpu-clock perf
// event on CPU 0; profile -> cpu-clock on every online CPU; software/hardware ->
// PERF_TYPE_SOFTWARE/HARDWARE on every online CPU. Rates and counts taken from positional
// parameters are parsed when the tool starts (complete_positionals).
//
// Example: profile:hz:99 opens {type SOFTWARE, config CPU_CLOCK, freq 1, sample_freq 99} on
// each online CPU and attaches the program to each with the probe id as BPF cookie.
#include "attach/perf_event.h"

#include "btc/perf_events.h"

#include "attach/program_copies.h"
#include "attach/provider.h"
#include "host/cpus.h"
#include "script/diag.h"
#include "script/positionals.h"

#include <bpf/libbpf.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <span>

namespace btc::rt {
namespace {

using abi::ProbeKind;


int perf_event_open(perf_event_attr* attr, int cpu) {
  return static_cast<int>(
      syscall(__NR_perf_event_open, attr, -1 /* any pid */, cpu, -1, PERF_FLAG_FD_CLOEXEC));
}

perf_event_attr sampling_attr(uint32_t type, uint64_t config, uint64_t period, bool use_freq) {
  perf_event_attr attr{};
  attr.size = sizeof attr;
  attr.type = type;
  attr.config = config;
  if (use_freq) {
    attr.freq = 1;
    attr.sample_freq = period;
  } else {
    attr.sample_period = period;
  }
  return attr;
}

bool attach_perf(const AttachInput& in, const AttachPoint& point, perf_event_attr attr,
                 const std::vector<int>& cpus, std::vector<LinkPtr>& links, std::string& err) {
  bpf_program* prog = in.programs.program_for_attach(in.obj, point.probe->prog_name, point.id, err);
  if (!prog) return false;
  for (int cpu : cpus) {
    int fd = perf_event_open(&attr, cpu);
    if (fd < 0) {
      err = "perf_event_open on CPU " + std::to_string(cpu) + ": " + std::strerror(errno);
      return false;
    }
    LIBBPF_OPTS(bpf_perf_event_opts, opts, .bpf_cookie = point.id);
    bpf_link* link = bpf_program__attach_perf_event_opts(prog, fd, &opts);
    if (!link) {
      err = std::strerror(errno);
      close(fd);
      return false;
    }
    links.emplace_back(link); // the link owns (and closes) the perf event fd
  }
  return true;
}

class PerfEventProvider final : public ProbeProvider {
public:
  bool runs_last_attached_first(const abi::ProbeDesc& p) const override {
    return p.spec.kind == ProbeKind::Software;
  }

  // interval:UNIT:N, profile:UNIT:N, software:EVENT:N, hardware:EVENT:N after substitution
  // (event names are matched when attaching, like wildcards).
  std::string complete_positionals(const abi::Manifest& m, abi::ProbeDesc& p) const override {
    std::string_view count = p.spec.text;
    count.remove_prefix(std::min(count.size(), count.rfind(':') + 1));
    int64_t n = 0;
    bool timed = p.spec.kind == ProbeKind::Interval || p.spec.kind == ProbeKind::Profile;
    std::string provider = abi::probe_kind_name(p.spec.kind);
    if (!parse_integer(count, n) || n <= 0)
      return located_message(m, p.line, p.col_begin, p.col_end, "ERROR",
                             provider + (timed ? " rate" : " count") +
                                 " must be a positive integer (" + p.spec.text + ")");
    if (!timed) {
      p.spec.period = static_cast<uint64_t>(n);
      return "";
    }
    static constexpr struct {
      std::string_view unit;
      uint64_t ns; // 0: a frequency
    } kUnits[] = {{"s", 1000000000ull}, {"ms", 1000000ull}, {"us", 1000ull}, {"hz", 0}};
    for (const auto& u : kUnits) {
      if (p.spec.target != u.unit) continue;
      p.spec.use_freq = u.ns == 0;
      p.spec.period = u.ns ? static_cast<uint64_t>(n) * u.ns : static_cast<uint64_t>(n);
      return "";
    }
    return located_message(m, p.line, p.col_begin, p.col_end, "ERROR",
                           p.spec.target + " is not an accepted unit of time");
  }

  bool attach(const AttachInput& in, const AttachPoint& point, std::vector<LinkPtr>& links,
              std::string& err) override {
    const abi::ProbeDesc& p = *point.probe;
    if (p.spec.kind == ProbeKind::Interval || p.spec.kind == ProbeKind::Profile) {
      auto attr = sampling_attr(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, p.spec.period, p.spec.use_freq);
      auto cpus = p.spec.kind == ProbeKind::Interval ? std::vector<int>{0} : online_cpus();
      return attach_perf(in, point, attr, cpus, links, err);
    }
    PerfEventName ev;
    if (!lookup_perf_event(p.spec.kind, p.spec.target, ev)) {
      err = "unknown " + std::string(abi::probe_kind_name(p.spec.kind)) + " event '" + p.spec.target + "'";
      return false;
    }
    uint64_t period = p.spec.period ? p.spec.period : ev.default_period;
    auto attr = sampling_attr(ev.type, ev.config, period, p.spec.use_freq);
    return attach_perf(in, point, attr, online_cpus(), links, err);
  }
};

} // namespace

bool lookup_perf_event(ProbeKind kind, std::string_view name, PerfEventName& out) {
  if (kind != ProbeKind::Software && kind != ProbeKind::Hardware) return false;
  // The compiler's table too (btc/perf_events.h): one list of names, aliases and counts.
  const abi::PerfEventName* e = abi::find_perf_event(
      kind == ProbeKind::Software ? abi::PerfEventType::Software : abi::PerfEventType::Hardware,
      name);
  if (!e) return false;
  out = {static_cast<uint32_t>(e->type), e->config, e->default_count};
  return true;
}

std::unique_ptr<ProbeProvider> make_perf_event_provider() {
  return std::make_unique<PerfEventProvider>();
}

} // namespace btc::rt
