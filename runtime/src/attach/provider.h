// provider.h: what every probe family does in a tool's life, behind one interface.
//
// One provider per family (registry.cpp maps each abi::ProbeKind to one); the session and
// everything outside attach/ reach probe behaviour only through it. A provider answers the
// session's per-kind questions (is the probe run rather than attached, which link group,
// does it trace user space...) and does the per-kind work: complete positional attach
// points, resolve on the host and choose programs before load, plan attach points
// (wildcards expanded on this host; --list only plans), attach, take the events its programs
// send, and undo what it armed when the tool stops.
// Input: the manifest's ProbeDescs, PrepareInput / AttachInput from the session. Output:
// AttachPoints and bpf_links.
// Example: ProbeDesc{Tracepoint, target "syscalls:sys_enter_open*", wildcard} plans as two
// AttachPoints "tracepoint:syscalls:sys_enter_open" and "...openat" with new probe ids.
#pragma once

#include "attach/links.h"
#include "btc/abi.h"

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

struct bpf_object;
struct bpf_program;

namespace btc::rt {

class EventHandler;
class Output;
class ProgramCopies;

// One concrete attach point of a probe.
struct AttachPoint {
  const abi::ProbeDesc* probe = nullptr;
  std::string target; // concrete target: "category:event" for tracepoints, else ProbeDesc::target
  std::string func;   // concrete function (kprobe, uprobe wildcard matches), else ProbeDesc::func
  std::string text;   // full probe name, as `probe` prints it
  uint32_t id = 0;    // index into the probe-name table, passed as the BPF cookie
  bool from_wildcard = false;
  uint32_t locations = 1; // usdt: the probe's sites (each counts in "Attaching N probes...")
};

// What the session knows before load. --list only plans, so providers learn none of it there.
struct PrepareInput {
  bpf_object* obj = nullptr; // opened, not loaded yet
  bool verbose = false;      // -v: say which program each kernel-function probe attaches with
  int64_t target_pid = 0;    // -p PID (0: none)
  pid_t child_pid = -1;      // the -c child, forked and held (<= 0: none)
  std::string command;       // -c CMD as written
  bool usdt_file_activation = false;
};

// What attaching uses: the loaded object and where held-back programs are copied from.
struct AttachInput {
  bpf_object* obj = nullptr;
  ProgramCopies& programs;
};

// A probe the session runs once with BPF_PROG_TEST_RUN instead of attaching it.
// Test/Bench: run by --test / --bench (test:NAME, bench:NAME), otherwise not at all.
enum class TestRun { No, AtBegin, AtEnd, OnSignal, Test, Bench };

// When the session closes a probe's links: right after the probes are switched off, or after
// the output (tracepoint links take ~80 ms each to close).
enum class LinkGroup { AtStop, AfterOutput };

// A probe that is not expanded where the tool runs: its one attach point.
inline AttachPoint single_point(const abi::ProbeDesc& p) {
  return {&p, p.spec.target, p.spec.func, p.spec.text, p.probe_id, false};
}

// The program to attach at `point`: the object's, or the copy patched with the point's id on
// kernels without BPF cookies (program_copies.h).
// (Defined in program_copies.cpp.)
bpf_program* program_for(const AttachInput& in, const AttachPoint& point, std::string& err);

class ProbeProvider {
public:
  virtual ~ProbeProvider() = default;

  // ---- facts the session asks ----
  virtual TestRun test_run(const abi::ProbeDesc& p) const { return TestRun::No; }
  virtual LinkGroup link_group() const { return LinkGroup::AtStop; }
  // The kernel runs the programs on one event last-attached first (kprobes, uprobes, usdt,
  // software events, fentry, iter): attach_order() attaches these in reverse, after the rest.
  virtual bool runs_last_attached_first(const abi::ProbeDesc& p) const = 0;
  // Its programs see user addresses of the traced processes: the session keeps their
  // mappings for symbolizing after they exit.
  virtual bool traces_user_space() const { return false; }
  // Its links take no BPF cookie: the program is copied per attach point even on kernels with
  // cookies.
  virtual bool copies_programs(const abi::ProbeDesc& p) const { return false; }
  // The probe's link is read as a BPF iterator, and that read is the tool's run.
  virtual bool is_iterator() const { return false; }

  // ---- the tool's life ----
  // After positional parameters were substituted into `p`: parse what its attach point took
  // from them. "" or located diagnostics.
  virtual std::string complete_positionals(const abi::Manifest& m, abi::ProbeDesc& p) const {
    return "";
  }
  // Before load, first pass over every probe: find on this host what the probe needs.
  virtual bool resolve(const PrepareInput& in, const abi::Manifest& m, const abi::ProbeDesc& p,
                       std::string& err) {
    return true;
  }
  // Before load, second pass: choose and set up the probe's programs (autoload, attach
  // targets, map sizes); -v says what was chosen.
  virtual bool prepare(const PrepareInput& in, const abi::Manifest& m, const abi::ProbeDesc& p,
                       std::string& err) {
    return true;
  }
  // Expands `p` into attach points on this host. A probe without wildcard keeps its id (its
  // name in `probe_names` may be rewritten); each wildcard match gets a new id appended to
  // `probe_names`. On failure `err` holds complete message lines.
  // (The default: the probe is its one attach point, as the manifest names it.)
  virtual bool plan(const abi::Manifest& m, const abi::ProbeDesc& p,
                    std::vector<std::string>& probe_names, std::vector<AttachPoint>& out,
                    std::string& err) {
    out.push_back(single_point(p));
    return true;
  }
  // Attaches one point (never a TestRun probe), appending its links. On failure `err` says why.
  virtual bool attach(const AttachInput& in, const AttachPoint& point, std::vector<LinkPtr>& links,
                      std::string& err) = 0;
  // After `point` failed to attach: a warning printed before the error ("" for none).
  virtual std::string attach_failure_note(const abi::Manifest& m, const AttachPoint& point) const {
    return "";
  }
  // Before the run: take the events its programs send. `warn` prints error lines.
  virtual void connect(EventHandler& handler, Output& out,
                       std::function<void(std::string_view)> warn) {}
  // The probes are switched off and their AtStop links closed: release what attach() or
  // events armed beyond the link lists.
  virtual void stop() {}
};

} // namespace btc::rt
