// attach_watch.cpp: watchpoint planning, setup uprobes and breakpoint arming (see
// attach_watch.h).
//
// Example: `watchpoint:0x10000000:4:w` with -c ./prog opens one perf event {type BREAKPOINT,
// bp_type W, bp_addr 0x10000000, bp_len 4, sample_period 1} on the child (any CPU) and
// attaches the watchpoint program to it with the attach point's probe id as BPF cookie.
#include "attach/watchpoint.h"

#include "attach/program_copies.h"

#include "script/diag.h"
#include "host/process.h"
#include "host/symbols.h"
#include "host/tracefs.h"

#include <bpf/libbpf.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>

namespace btc::rt {
namespace {

using abi::ProbeKind;

struct Armed {
  uint32_t id = 0;
  uint64_t addr = 0;
  std::vector<LinkPtr> links;
};

// The session's watchpoint state (one session per process).
struct WatchState {
  bpf_object* obj = nullptr;
  pid_t pid = 0;           // traced process, 0: none
  std::string binary;      // its executable (resolved path)
  std::string name;        // as probe names show it (the -c command word as written)
  std::map<uint32_t, AttachPoint> points; // FUNC-form attach points by probe id
  std::map<uint32_t, uint64_t> last_addr; // per attach point: the address last armed
  std::vector<Armed> armed;
  bool may_stop = false;   // a synchronous FUNC-form watchpoint is attached
};

WatchState& state() {
  static WatchState s;
  return s;
}

bool is_func_form(const abi::ProbeDesc& p) { return p.watch_arg >= 0; }

// Opens the breakpoint on `addr` (in `pid`, or on every CPU for pid <= 0) and attaches the
// watchpoint program to each event. errno is kept for the caller on failure.
bool open_breakpoint(const AttachPoint& point, uint64_t addr, pid_t pid,
                     std::vector<LinkPtr>& links, std::string& err) {
  const abi::ProbeDesc& p = *point.probe;
  bpf_program* prog = program_for_attach(state().obj, p.prog_name, point.id, err);
  if (!prog) {
    errno = ENOENT;
    return false;
  }
  perf_event_attr attr{};
  attr.size = sizeof attr;
  attr.type = PERF_TYPE_BREAKPOINT;
  attr.bp_type = breakpoint_type(p.watch_mode);
  attr.bp_addr = addr;
  attr.bp_len = p.watch_len;
  attr.sample_period = 1;
  attr.wakeup_events = 1;
  std::vector<int> cpus = pid > 0 ? std::vector<int>{-1} : online_cpus();
  for (int cpu : cpus) {
    int fd = static_cast<int>(syscall(__NR_perf_event_open, &attr, pid > 0 ? pid : -1, cpu, -1,
                                      PERF_FLAG_FD_CLOEXEC));
    if (fd < 0) {
      int e = errno;
      err = std::strerror(e);
      errno = e;
      return false;
    }
    LIBBPF_OPTS(bpf_perf_event_opts, opts, .bpf_cookie = point.id);
    bpf_link* link = bpf_program__attach_perf_event_opts(prog, fd, &opts);
    if (!link) {
      int e = errno;
      err = std::strerror(e);
      close(fd);
      errno = e;
      return false;
    }
    links.emplace_back(link); // the link owns (and closes) the perf event fd
  }
  return true;
}

bool attach_setup_uprobe(bpf_object* obj, const AttachPoint& point, std::vector<LinkPtr>& links,
                         std::string& err) {
  const abi::ProbeDesc& p = *point.probe;
  bpf_program* prog = program_for_attach(obj, p.setup_prog_name, point.id, err);
  if (!prog) return false;
  ElfSymbols elf;
  if (!elf.load(point.target, err)) return false;
  const ElfSymbol* sym = elf.find(point.func);
  if (!sym) {
    err = "symbol '" + point.func + "' not found in " + point.target;
    return false;
  }
  auto file_off = elf.file_offset(sym->addr);
  if (!file_off) {
    err = "symbol '" + point.func + "' is not mapped by " + point.target;
    return false;
  }
  // Every process's calls reach the program, which keeps the traced one's (as uprobes do).
  LIBBPF_OPTS(bpf_uprobe_opts, opts, .bpf_cookie = point.id);
  bpf_link* link = bpf_program__attach_uprobe_opts(prog, -1, point.target.c_str(), *file_off,
                                                   &opts);
  if (!keep_link(link, links, err)) return false;
  WatchState& s = state();
  s.points[point.id] = point;
  if (p.kind == ProbeKind::Watchpoint) s.may_stop = true;
  return true;
}

} // namespace

void prepare_watchpoints(bpf_object* obj, int64_t target_pid, pid_t child_pid,
                         const std::string& command) {
  WatchState& s = state();
  s.obj = obj;
  s.pid = 0;
  s.binary.clear();
  s.name.clear();
  if (target_pid > 0) {
    s.pid = static_cast<pid_t>(target_pid);
    std::string exe = "/proc/" + std::to_string(target_pid) + "/exe";
    char buf[4096];
    ssize_t n = readlink(exe.c_str(), buf, sizeof buf - 1);
    s.binary = n > 0 ? std::string(buf, static_cast<size_t>(n)) : exe;
    s.name = s.binary;
  } else if (child_pid > 0) {
    s.pid = child_pid;
    std::vector<std::string> argv = split_command(command);
    s.name = argv.empty() ? "" : argv[0];
    const char* path_env = std::getenv("PATH");
    std::string err;
    if (!resolve_executable(s.name, path_env ? path_env : "/usr/bin:/bin", s.binary, err))
      s.binary = s.name;
  }
}

bool is_watch_probe(ProbeKind kind) {
  return kind == ProbeKind::Watchpoint || kind == ProbeKind::AsyncWatchpoint;
}

uint32_t breakpoint_type(std::string_view mode) {
  if (mode == "w") return HW_BREAKPOINT_W;
  if (mode == "rw") return HW_BREAKPOINT_RW;
  if (mode == "x") return HW_BREAKPOINT_X;
  if (mode == "r") return HW_BREAKPOINT_R;
  return 0;
}

std::string watch_probe_name(const abi::ProbeDesc& p, std::string_view binary_name,
                             std::string_view func) {
  return std::string(probe_kind_name(p.kind)) + ":" + std::string(binary_name) + ":" +
         std::string(func) + ":" + std::to_string(p.watch_len) + ":" + p.watch_mode;
}

bool plan_watch_probe(const abi::Manifest& m, const abi::ProbeDesc& p,
                      std::vector<std::string>& probe_names, std::vector<AttachPoint>& out,
                      std::string& err) {
  if (!is_func_form(p)) {
    out.push_back({&p, p.target, p.func, p.text, p.probe_id, false});
    return true;
  }
  const WatchState& s = state();
  if (s.pid <= 0) {
    err = located_message(m, p.line, p.col_begin, p.col_end, "ERROR",
                          "-p PID or -c CMD required for watchpoint");
    return false;
  }
  if (!p.wildcard) {
    probe_names[p.probe_id] = watch_probe_name(p, s.name, p.func);
    out.push_back({&p, s.binary, p.func, probe_names[p.probe_id], p.probe_id, false});
    return true;
  }
  ElfSymbols elf;
  if (!elf.load(s.binary, err)) {
    err = "ERROR: " + err + "\n";
    return false;
  }
  std::vector<std::string> names = elf.functions_matching(p.func);
  if (names.empty()) {
    err = "ERROR: No matches for " + std::string(probe_kind_name(p.kind)) + ":" + p.func + "\n";
    return false;
  }
  for (auto& name : names) {
    auto id = static_cast<uint32_t>(probe_names.size());
    probe_names.push_back(watch_probe_name(p, s.name, name));
    out.push_back({&p, s.binary, name, probe_names.back(), id, true});
  }
  return true;
}

bool attach_watch_probe(bpf_object* obj, const AttachPoint& point, std::vector<LinkPtr>& links,
                        std::string& err) {
  if (is_func_form(*point.probe)) return attach_setup_uprobe(obj, point, links, err);
  WatchState& s = state();
  s.obj = obj;
  Armed armed{point.id, point.probe->offset, {}};
  if (!open_breakpoint(point, armed.addr, s.pid, armed.links, err)) return false;
  s.armed.push_back(std::move(armed));
  return true;
}

ArmOutcome arm_watchpoint(uint32_t point_id, uint64_t addr) {
  WatchState& s = state();
  ArmOutcome out;
  out.pid = s.pid;
  auto it = s.points.find(point_id);
  if (it == s.points.end()) {
    out.err = "no watchpoint with probe id " + std::to_string(point_id);
    return out;
  }
  const AttachPoint& point = it->second;
  out.resume_tracee = point.probe->kind == ProbeKind::Watchpoint;
  // As 0.17: the same attach point on the same address again is ignored; another attach
  // point may watch the same address.
  auto last = s.last_addr.find(point_id);
  if (last != s.last_addr.end() && last->second == addr) {
    out.result = ArmResult::Duplicate;
    return out;
  }
  s.last_addr[point_id] = addr;
  Armed armed{point_id, addr, {}};
  if (!open_breakpoint(point, addr, s.pid, armed.links, out.err)) {
    out.result = errno == ENOSPC ? ArmResult::NoRegisters : ArmResult::Failed;
    return out;
  }
  s.armed.push_back(std::move(armed));
  out.result = ArmResult::Armed;
  return out;
}

void disarm_watchpoints(uint64_t addr) {
  auto& armed = state().armed;
  armed.erase(std::remove_if(armed.begin(), armed.end(),
                             [&](const Armed& a) { return a.addr == addr; }),
              armed.end());
}

void disarm_all_watchpoints() {
  WatchState& s = state();
  s.armed.clear();
  if (s.may_stop && s.pid > 0) kill(s.pid, SIGCONT);
}

} // namespace btc::rt
