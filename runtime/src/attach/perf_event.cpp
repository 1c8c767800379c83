// perf_event.cpp: the perf event provider (see perf_event.h). interval -> cpu-clock perf
// event on CPU 0; profile -> cpu-clock on every online CPU; software/hardware ->
// PERF_TYPE_SOFTWARE/HARDWARE on every online CPU. Rates and counts taken from positional
// parameters are parsed when the tool starts (complete_positionals).
//
// Example: profile:hz:99 opens {type SOFTWARE, config CPU_CLOCK, freq 1, sample_freq 99} on
// each online CPU and attaches the program to each with the probe id as BPF cookie.
#include "attach/perf_event.h"

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

struct PerfEntry {
  const char* name;
  const char* alias;
  uint64_t config;
  uint64_t default_period;
};

// Event names and default counts of bpftrace 0.17 (spec 1.3).
constexpr PerfEntry kSoftware[] = {
    {"alignment-faults", "", PERF_COUNT_SW_ALIGNMENT_FAULTS, 1},
    {"bpf-output", "", PERF_COUNT_SW_BPF_OUTPUT, 1},
    {"context-switches", "cs", PERF_COUNT_SW_CONTEXT_SWITCHES, 1000},
    {"cpu-clock", "cpu", PERF_COUNT_SW_CPU_CLOCK, 1000000},
    {"cpu-migrations", "", PERF_COUNT_SW_CPU_MIGRATIONS, 1},
    {"dummy", "", PERF_COUNT_SW_DUMMY, 1},
    {"emulation-faults", "", PERF_COUNT_SW_EMULATION_FAULTS, 1},
    {"major-faults", "", PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1},
    {"minor-faults", "", PERF_COUNT_SW_PAGE_FAULTS_MIN, 100},
    {"page-faults", "faults", PERF_COUNT_SW_PAGE_FAULTS, 100},
    {"task-clock", "", PERF_COUNT_SW_TASK_CLOCK, 1},
};
constexpr PerfEntry kHardware[] = {
    {"backend-stalls", "", PERF_COUNT_HW_STALLED_CYCLES_BACKEND, 1000000},
    {"branch-instructions", "branches", PERF_COUNT_HW_BRANCH_INSTRUCTIONS, 100000},
    {"branch-misses", "", PERF_COUNT_HW_BRANCH_MISSES, 100000},
    {"bus-cycles", "", PERF_COUNT_HW_BUS_CYCLES, 100000},
    {"cache-misses", "", PERF_COUNT_HW_CACHE_MISSES, 1000000},
    {"cache-references", "", PERF_COUNT_HW_CACHE_REFERENCES, 1000000},
    {"cpu-cycles", "cycles", PERF_COUNT_HW_CPU_CYCLES, 1000000},
    {"frontend-stalls", "", PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, 1000000},
    {"instructions", "", PERF_COUNT_HW_INSTRUCTIONS, 1000000},
    {"ref-cycles", "", PERF_COUNT_HW_REF_CPU_CYCLES, 1000000},
};

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
    return p.kind == ProbeKind::Software;
  }

  // interval:UNIT:N, profile:UNIT:N, software:EVENT:N, hardware:EVENT:N after substitution
  // (event names are matched when attaching, like wildcards).
  std::string complete_positionals(const abi::Manifest& m, abi::ProbeDesc& p) const override {
    std::string_view count = p.text;
    count.remove_prefix(std::min(count.size(), count.rfind(':') + 1));
    int64_t n = 0;
    bool timed = p.kind == ProbeKind::Interval || p.kind == ProbeKind::Profile;
    std::string provider = abi::probe_kind_name(p.kind);
    if (!parse_integer(count, n) || n <= 0)
      return located_message(m, p.line, p.col_begin, p.col_end, "ERROR",
                             provider + (timed ? " rate" : " count") +
                                 " must be a positive integer (" + p.text + ")");
    if (!timed) {
      p.period = static_cast<uint64_t>(n);
      return "";
    }
    static constexpr struct {
      std::string_view unit;
      uint64_t ns; // 0: a frequency
    } kUnits[] = {{"s", 1000000000ull}, {"ms", 1000000ull}, {"us", 1000ull}, {"hz", 0}};
    for (const auto& u : kUnits) {
      if (p.target != u.unit) continue;
      p.use_freq = u.ns == 0;
      p.period = u.ns ? static_cast<uint64_t>(n) * u.ns : static_cast<uint64_t>(n);
      return "";
    }
    return located_message(m, p.line, p.col_begin, p.col_end, "ERROR",
                           p.target + " is not an accepted unit of time");
  }

  bool plan(const abi::Manifest&, const abi::ProbeDesc& p, std::vector<std::string>&,
            std::vector<AttachPoint>& out, std::string&) override {
    out.push_back({&p, p.target, p.func, p.text, p.probe_id, false});
    return true;
  }

  bool attach(const AttachInput& in, const AttachPoint& point, std::vector<LinkPtr>& links,
              std::string& err) override {
    const abi::ProbeDesc& p = *point.probe;
    if (p.kind == ProbeKind::Interval || p.kind == ProbeKind::Profile) {
      auto attr = sampling_attr(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, p.period, p.use_freq);
      auto cpus = p.kind == ProbeKind::Interval ? std::vector<int>{0} : online_cpus();
      return attach_perf(in, point, attr, cpus, links, err);
    }
    PerfEventName ev;
    if (!lookup_perf_event(p.kind, p.target, ev)) {
      err = "unknown " + std::string(abi::probe_kind_name(p.kind)) + " event '" + p.target + "'";
      return false;
    }
    uint64_t period = p.period ? p.period : ev.default_period;
    auto attr = sampling_attr(ev.type, ev.config, period, p.use_freq);
    return attach_perf(in, point, attr, online_cpus(), links, err);
  }
};

} // namespace

bool lookup_perf_event(ProbeKind kind, std::string_view name, PerfEventName& out) {
  bool sw = kind == ProbeKind::Software;
  if (!sw && kind != ProbeKind::Hardware) return false;
  std::span<const PerfEntry> table =
      sw ? std::span<const PerfEntry>(kSoftware) : std::span<const PerfEntry>(kHardware);
  for (const auto& e : table) {
    if (name != e.name && (e.alias[0] == '\0' || name != e.alias)) continue;
    out = {sw ? PERF_TYPE_SOFTWARE : PERF_TYPE_HARDWARE, e.config, e.default_period};
    return true;
  }
  return false;
}

std::unique_ptr<ProbeProvider> make_perf_event_provider() {
  return std::make_unique<PerfEventProvider>();
}

} // namespace btc::rt
