// attach.cpp: attach-point planning and attaching (see attach.h).
//
// Example: ProbeDesc{Tracepoint, target "syscalls:sys_enter_open*", wildcard} on a host with
// sys_enter_open and sys_enter_openat becomes two AttachPoints with ids N and N+1 (appended
// to the probe-name table as "tracepoint:syscalls:sys_enter_open", "...openat").
#include "attach/plan.h"

#include "output/iter_output.h"
#include "attach/kprobe.h"
#include "attach/program_copies.h"
#include "attach/watchpoint.h"
#include "attach/usdt.h"
#include "script/diag.h"
#include "host/tracefs.h"

#include <bpf/libbpf.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>

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

bool supported(ProbeKind kind) {
  switch (kind) {
  case ProbeKind::Begin:
  case ProbeKind::End:
  case ProbeKind::Tracepoint:
  case ProbeKind::Interval:
  case ProbeKind::Profile:
  case ProbeKind::Software:
  case ProbeKind::Hardware:
    return true;
  case ProbeKind::Kprobe:
  case ProbeKind::Kretprobe:
  case ProbeKind::Uprobe:
  case ProbeKind::Uretprobe:
  case ProbeKind::RawTracepoint:
  case ProbeKind::Watchpoint:
  case ProbeKind::AsyncWatchpoint:
  case ProbeKind::Usdt:
  case ProbeKind::Kfunc:
  case ProbeKind::Kretfunc:
  case ProbeKind::Iter:
    return true;
  }
  return false;
}

int perf_event_open(perf_event_attr* attr, int cpu) {
  return static_cast<int>(
      syscall(__NR_perf_event_open, attr, -1 /* any pid */, cpu, -1, PERF_FLAG_FD_CLOEXEC));
}

bool attach_tracepoint(bpf_object* obj, const AttachPoint& point, std::vector<LinkPtr>& links,
                       std::string& err) {
  bpf_program* prog = program_for_attach(obj, point.probe->prog_name, point.id, err);
  if (!prog) return false;
  size_t colon = point.target.find(':');
  std::string category = point.target.substr(0, colon);
  std::string event = colon == std::string::npos ? "" : point.target.substr(colon + 1);
  LIBBPF_OPTS(bpf_tracepoint_opts, opts, .bpf_cookie = point.id);
  bpf_link* link =
      bpf_program__attach_tracepoint_opts(prog, category.c_str(), event.c_str(), &opts);
  return keep_link(link, links, err);
}

bool attach_perf(bpf_object* obj, const AttachPoint& point, perf_event_attr attr,
                 const std::vector<int>& cpus, std::vector<LinkPtr>& links, std::string& err) {
  bpf_program* prog = program_for_attach(obj, point.probe->prog_name, point.id, err);
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

} // namespace

void LinkDeleter::operator()(bpf_link* link) const { bpf_link__destroy(link); }

std::vector<int> online_cpus() {
  std::ifstream in("/sys/devices/system/cpu/online");
  std::string text;
  std::getline(in, text);
  std::vector<int> cpus = parse_cpu_list(text);
  if (cpus.empty()) cpus.push_back(0);
  return cpus;
}

void destroy_links(std::vector<LinkPtr>& links) {
  constexpr size_t kThreads = 8, kWorthIt = 16;
  if (links.size() >= kWorthIt) {
    std::vector<std::thread> threads;
    try {
      for (size_t t = 0; t < kThreads; ++t)
        threads.emplace_back([&links, t] {
          for (size_t i = t; i < links.size(); i += kThreads) links[i].reset();
        });
    } catch (const std::system_error&) {
      // No more threads: the slices that did not get one are destroyed below, serially.
    }
    for (auto& thread : threads) thread.join();
  }
  links.clear();
}

bool keep_link(bpf_link* link, std::vector<LinkPtr>& links, std::string& err) {
  if (!link) {
    err = std::strerror(errno);
    return false;
  }
  links.emplace_back(link);
  return true;
}


bool lookup_perf_event(ProbeKind kind, std::string_view name, PerfEventName& out) {
  bool sw = kind == ProbeKind::Software;
  if (!sw && kind != ProbeKind::Hardware) return false;
  std::span<const PerfEntry> table = sw ? std::span<const PerfEntry>(kSoftware)
                                        : std::span<const PerfEntry>(kHardware);
  for (const auto& e : table) {
    if (name != e.name && (e.alias[0] == '\0' || name != e.alias)) continue;
    out = {sw ? PERF_TYPE_SOFTWARE : PERF_TYPE_HARDWARE, e.config, e.default_period};
    return true;
  }
  return false;
}

std::vector<int> parse_cpu_list(std::string_view text) {
  std::vector<int> cpus;
  std::istringstream in{std::string(text)};
  for (std::string part; std::getline(in, part, ',');) {
    int lo = 0, hi = 0;
    if (std::sscanf(part.c_str(), "%d-%d", &lo, &hi) == 2) {
      for (int c = lo; c <= hi; ++c) cpus.push_back(c);
    } else if (std::sscanf(part.c_str(), "%d", &lo) == 1) {
      cpus.push_back(lo);
    }
  }
  return cpus;
}

bool plan_attach_points(const abi::Manifest& m, std::vector<std::string>& probe_names,
                        std::vector<AttachPoint>& out, std::string& err) {
  bool tracefs_ready = false;
  for (const auto& p : m.probes) {
    if (!supported(p.kind)) {
      err = "ERROR: probe type " + std::string(probe_kind_name(p.kind)) +
            " is not supported by this runtime yet (" + p.text + ")\n";
      return false;
    }
    if (is_dynamic_probe(p.kind)) {
      if (!plan_dynamic_probe(m, p, probe_names, out, err)) return false;
      continue;
    }
    if (is_watch_probe(p.kind)) {
      if (!plan_watch_probe(m, p, probe_names, out, err)) return false;
      continue;
    }
    if (p.kind == ProbeKind::Usdt) {
      if (!plan_usdt_probe(m, p, probe_names, out, err)) return false;
      continue;
    }
    if (p.kind != ProbeKind::Tracepoint) {
      out.push_back({&p, p.target, p.func, p.text, p.probe_id, false});
      continue;
    }
    if (!tracefs_ready) {
      std::string why;
      if (!ensure_tracefs(why)) {
        err = "ERROR: " + why + "\n";
        return false;
      }
      tracefs_ready = true;
    }
    if (!p.wildcard) {
      if (p.optional && !tracepoint_exists(p.target, tracefs_events_dir())) {
        // Expanded by the compiler on its host; this host lacks it: attach_all() skips it.
        out.push_back({&p, p.target, p.func, p.text, p.probe_id, true});
        continue;
      }
      if (!tracepoint_exists(p.target, tracefs_events_dir())) {
        err = located_message(m, p.line, p.col_begin, p.col_end, "ERROR",
                              "tracepoint not found: " + p.target);
        return false;
      }
      out.push_back({&p, p.target, p.func, p.text, p.probe_id, false});
      continue;
    }
    auto matches = expand_tracepoints(p.target, tracefs_events_dir());
    if (matches.empty() && p.optional) continue; // one of several attach points: dropped
    if (matches.empty()) {
      err = located_message(m, p.line, p.col_begin, p.col_end, "ERROR",
                            "tracepoint not found: " + p.target);
      return false;
    }
    for (auto& target : matches) {
      auto id = static_cast<uint32_t>(probe_names.size());
      probe_names.push_back("tracepoint:" + target);
      out.push_back({&p, target, p.func, probe_names.back(), id, true});
    }
  }
  if (out.empty() && !m.probes.empty()) { // e.g. usdt probes that matched nothing (0.17)
    err = "No probes to attach\n";
    return false;
  }
  return true;
}

namespace {
bool runs_last_attached_first(abi::ProbeKind kind) {
  using K = abi::ProbeKind;
  switch (kind) {
  case K::Kprobe: case K::Uprobe: case K::Uretprobe: case K::Usdt: case K::Software:
  case K::Kfunc: case K::Iter: case K::Begin: case K::End:
    return true;
  case K::Kretprobe: case K::Kretfunc: case K::Tracepoint: case K::Profile: case K::Interval:
  case K::Watchpoint: case K::AsyncWatchpoint: case K::Hardware: case K::RawTracepoint:
    return false;
  }
  return false;
}
} // namespace

std::vector<size_t> attach_order(const std::vector<AttachPoint>& points) {
  std::vector<size_t> order;
  for (size_t i = 0; i < points.size(); ++i)
    if (!runs_last_attached_first(points[i].probe->kind)) order.push_back(i);
  for (size_t i = points.size(); i-- > 0;)
    if (runs_last_attached_first(points[i].probe->kind)) order.push_back(i);
  return order;
}

bool attach_point(bpf_object* obj, const AttachPoint& point, std::vector<LinkPtr>& links,
                  std::string& err) {
  const abi::ProbeDesc& p = *point.probe;
  switch (p.kind) {
  case ProbeKind::Tracepoint:
    return attach_tracepoint(obj, point, links, err);
  case ProbeKind::Interval:
  case ProbeKind::Profile: {
    auto attr = sampling_attr(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, p.period, p.use_freq);
    auto cpus = p.kind == ProbeKind::Interval ? std::vector<int>{0} : online_cpus();
    return attach_perf(obj, point, attr, cpus, links, err);
  }
  case ProbeKind::Software:
  case ProbeKind::Hardware: {
    PerfEventName ev;
    if (!lookup_perf_event(p.kind, p.target, ev)) {
      err = "unknown " + std::string(probe_kind_name(p.kind)) + " event '" + p.target + "'";
      return false;
    }
    uint64_t period = p.period ? p.period : ev.default_period;
    auto attr = sampling_attr(ev.type, ev.config, period, p.use_freq);
    return attach_perf(obj, point, attr, online_cpus(), links, err);
  }
  case ProbeKind::Begin:
  case ProbeKind::End:
    err = "BEGIN/END probes are run, not attached";
    return false;
  case ProbeKind::Kprobe:
  case ProbeKind::Kretprobe:
  case ProbeKind::Uprobe:
  case ProbeKind::Uretprobe:
  case ProbeKind::RawTracepoint:
    return attach_dynamic_probe(obj, point, links, err);
  case ProbeKind::Watchpoint:
  case ProbeKind::AsyncWatchpoint:
    return attach_watch_probe(obj, point, links, err);
  case ProbeKind::Usdt:
    return attach_usdt_point(obj, point, links, err);
  case ProbeKind::Kfunc:
  case ProbeKind::Kretfunc:
    return attach_dynamic_probe(obj, point, links, err);
  case ProbeKind::Iter:
    return attach_iter_probe(obj, point, links, err);
  }
  return false;
}

} // namespace btc::rt
