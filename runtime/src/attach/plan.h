// attach.h: turning the manifest's ProbeDescs into concrete attach points and bpf_links.
//
// Input: Manifest::probes, the loaded bpf_object. Output: AttachPoints (one per concrete
// attach point, wildcards expanded on this host, each with the probe id the program gets as
// its BPF cookie) and RAII bpf_link holders. Mechanisms: tracepoint -> perf tracepoint link;
// interval -> cpu-clock perf event on CPU 0; profile -> cpu-clock on every online CPU;
// software/hardware -> PERF_TYPE_SOFTWARE/HARDWARE on every online CPU. BEGIN/END are not
// attached (the session runs them with BPF_PROG_TEST_RUN) but count as attach points.
#pragma once

#include "btc/abi.h"

#include <memory>
#include <string>
#include <vector>

struct bpf_link;
struct bpf_object;
struct bpf_program;

namespace btc::rt {

struct LinkDeleter {
  void operator()(bpf_link* link) const;
};
using LinkPtr = std::unique_ptr<bpf_link, LinkDeleter>;

struct AttachPoint {
  const abi::ProbeDesc* probe = nullptr;
  std::string target; // concrete target: "category:event" for tracepoints, else ProbeDesc::target
  std::string func;   // concrete function (kprobe, uprobe wildcard matches), else ProbeDesc::func
  std::string text;   // full probe name, as `probe` prints it
  uint32_t id = 0;    // index into the probe-name table, passed as the BPF cookie
  bool from_wildcard = false;
  uint32_t locations = 1; // usdt: the probe's sites (each counts in "Attaching N probes...")
};

// The CPUs in /sys/devices/system/cpu/online (at least CPU 0).
std::vector<int> online_cpus();

// Takes ownership of a just-attached link (appends it to `links`); false with
// err = strerror(errno) when attaching failed (`link` is null).
bool keep_link(bpf_link* link, std::vector<LinkPtr>& links, std::string& err);

// Destroys every link, from several threads when there are many: part of a tracepoint link's
// teardown (program detach, RCU waits outside the kernel's event_mutex) then overlaps
// (sys_enter_*, 360 links: 26.8 s -> 18 s here).
void destroy_links(std::vector<LinkPtr>& links);

// Provider name as used in messages ("tracepoint", "kprobe", ...).

// Expands every probe into attach points. `probe_names` starts as one entry per ProbeDesc and
// gets one entry per wildcard match. On failure `err` holds the complete message lines.
bool plan_attach_points(const abi::Manifest& m, std::vector<std::string>& probe_names,
                        std::vector<AttachPoint>& out, std::string& err);

// The order to attach `points` in so that blocks on one event run in script order: the kernel
// runs some kinds' programs last-attached first (kprobes, uprobes, usdt, software events,
// fentry, iter) and the others in attach order, so those are attached in reverse, after the
// rest (0.17's order). Indices into `points`.
std::vector<size_t> attach_order(const std::vector<AttachPoint>& points);

// Attaches one point (not BEGIN/END), appending its links. On failure `err` says why.
bool attach_point(bpf_object* obj, const AttachPoint& point, std::vector<LinkPtr>& links,
                  std::string& err);

// The perf event for a software/hardware probe target ("cs", "cpu-cycles", ...).
struct PerfEventName {
  uint32_t type = 0;   // PERF_TYPE_SOFTWARE / PERF_TYPE_HARDWARE
  uint64_t config = 0; // PERF_COUNT_*
  uint64_t default_period = 0;
};
bool lookup_perf_event(abi::ProbeKind kind, std::string_view name, PerfEventName& out);

// CPUs listed in a cpu list such as "0-3,5" (the format of /sys/devices/system/cpu/online).
std::vector<int> parse_cpu_list(std::string_view text);

} // namespace btc::rt
