// watchpoint.cpp: watchpoint planning, setup uprobes and breakpoint arming (see
// watchpoint.h).
//
// Example: `watchpoint:0x10000000:4:w` with -c ./prog opens one perf event {type BREAKPOINT,
// bp_type W, bp_addr 0x10000000, bp_len 4, sample_period 1} on the child (any CPU) and
// attaches the watchpoint program to it with the attach point's probe id as BPF cookie.
#include "attach/watchpoint.h"

#include "attach/program_copies.h"
#include "host/cpus.h"
#include "host/process.h"
#include "host/symbols.h"
#include "script/diag.h"

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

namespace btc::rt {
namespace {

using abi::ProbeKind;

bool is_func_form(const abi::ProbeDesc& p) {
  return p.spec.watch_arg >= 0;
}

} // namespace

WatchpointProvider::WatchpointProvider() = default;
WatchpointProvider::~WatchpointProvider() = default;

// Opens the breakpoint on `addr` (in the traced process, or on every CPU when there is none)
// and attaches the watchpoint program to each event. errno is kept for the caller on failure.
bool WatchpointProvider::open_breakpoint(const AttachPoint& point, uint64_t addr,
                                         std::vector<LinkPtr>& links, std::string& err) {
  const abi::ProbeDesc& p = *point.probe;
  bpf_program* prog =
      programs_ ? programs_->program_for_attach(obj_, p.prog_name, point.id, err) : nullptr;
  if (!prog) {
    errno = ENOENT;
    return false;
  }
  perf_event_attr attr{};
  attr.size = sizeof attr;
  attr.type = PERF_TYPE_BREAKPOINT;
  attr.bp_type = breakpoint_type(p.spec.watch_mode);
  attr.bp_addr = addr;
  attr.bp_len = p.spec.watch_len;
  attr.sample_period = 1;
  attr.wakeup_events = 1;
  pid_t pid = pid_;
  std::vector<int> cpus = pid > 0 ? std::vector<int>{-1} : online_cpus();
  for (int cpu : cpus) {
    int fd = static_cast<int>(
        syscall(__NR_perf_event_open, &attr, pid > 0 ? pid : -1, cpu, -1, PERF_FLAG_FD_CLOEXEC));
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

bool WatchpointProvider::attach_setup_uprobe(const AttachInput& in, const AttachPoint& point,
                                             std::vector<LinkPtr>& links, std::string& err) {
  const abi::ProbeDesc& p = *point.probe;
  bpf_program* prog = in.programs.program_for_attach(in.obj, p.setup_prog_name, point.id, err);
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
  bpf_link* link =
      bpf_program__attach_uprobe_opts(prog, -1, point.target.c_str(), *file_off, &opts);
  if (!keep_link(link, links, err)) return false;
  points_[point.id] = point;
  if (p.spec.kind == ProbeKind::Watchpoint) may_stop_ = true;
  return true;
}

bool WatchpointProvider::resolve(const PrepareInput& in, const abi::Manifest&,
                                 const abi::ProbeDesc&, std::string&) {
  obj_ = in.obj;
  pid_ = 0;
  binary_.clear();
  name_.clear();
  if (in.target_pid > 0) {
    pid_ = static_cast<pid_t>(in.target_pid);
    std::string exe = "/proc/" + std::to_string(in.target_pid) + "/exe";
    char buf[4096];
    ssize_t n = readlink(exe.c_str(), buf, sizeof buf - 1);
    binary_ = n > 0 ? std::string(buf, static_cast<size_t>(n)) : exe;
    name_ = binary_;
  } else if (in.child_pid > 0) {
    pid_ = in.child_pid;
    std::vector<std::string> argv = split_command(in.command);
    name_ = argv.empty() ? "" : argv[0];
    const char* path_env = std::getenv("PATH");
    std::string err;
    if (!resolve_executable(name_, path_env ? path_env : "/usr/bin:/bin", binary_, err))
      binary_ = name_;
  }
  return true;
}

bool WatchpointProvider::plan(const abi::Manifest& m, const abi::ProbeDesc& p,
                              std::vector<std::string>& probe_names, std::vector<AttachPoint>& out,
                              std::string& err) {
  if (!is_func_form(p)) {
    out.push_back(single_point(p));
    return true;
  }
  if (pid_ <= 0) {
    err = located_message(m, p.line, p.col_begin, p.col_end, "ERROR",
                          "-p PID or -c CMD required for watchpoint");
    return false;
  }
  if (!p.spec.wildcard) {
    probe_names[p.probe_id] = watch_probe_name(p, name_, p.spec.func);
    out.push_back({&p, binary_, p.spec.func, probe_names[p.probe_id], p.probe_id, false});
    return true;
  }
  ElfSymbols elf;
  if (!elf.load(binary_, err)) {
    err = "ERROR: " + err + "\n";
    return false;
  }
  std::vector<std::string> names = elf.functions_matching(p.spec.func);
  if (names.empty()) {
    err =
        "ERROR: No matches for " + std::string(abi::probe_kind_name(p.spec.kind)) + ":" + p.spec.func + "\n";
    return false;
  }
  for (auto& name : names) {
    auto id = static_cast<uint32_t>(probe_names.size());
    probe_names.push_back(watch_probe_name(p, name_, name));
    out.push_back({&p, binary_, name, probe_names.back(), id, true});
  }
  return true;
}

bool WatchpointProvider::attach(const AttachInput& in, const AttachPoint& point,
                                std::vector<LinkPtr>& links, std::string& err) {
  obj_ = in.obj;
  programs_ = &in.programs;
  if (is_func_form(*point.probe)) return attach_setup_uprobe(in, point, links, err);
  Armed armed{point.id, point.probe->spec.offset, {}};
  if (!open_breakpoint(point, armed.addr, armed.links, err)) return false;
  armed_.push_back(std::move(armed));
  return true;
}

void WatchpointProvider::connect(EventHandler& handler, Output& out,
                                 std::function<void(std::string_view)> warn) {
  events_ = std::make_unique<WatchEvents>(*this, out, std::move(warn));
  handler.set_watch_sink(events_.get());
}

ArmOutcome WatchpointProvider::arm(uint32_t point_id, uint64_t addr) {
  ArmOutcome out;
  out.pid = pid_;
  auto it = points_.find(point_id);
  if (it == points_.end()) {
    out.err = "no watchpoint with probe id " + std::to_string(point_id);
    return out;
  }
  const AttachPoint& point = it->second;
  out.resume_tracee = point.probe->spec.kind == ProbeKind::Watchpoint;
  // As 0.17: the same attach point on the same address again is ignored; another attach
  // point may watch the same address.
  auto last = last_addr_.find(point_id);
  if (last != last_addr_.end() && last->second == addr) {
    out.result = ArmResult::Duplicate;
    return out;
  }
  last_addr_[point_id] = addr;
  Armed armed{point_id, addr, {}};
  if (!open_breakpoint(point, addr, armed.links, out.err)) {
    out.result = errno == ENOSPC ? ArmResult::NoRegisters : ArmResult::Failed;
    return out;
  }
  armed_.push_back(std::move(armed));
  out.result = ArmResult::Armed;
  return out;
}

void WatchpointProvider::disarm(uint64_t addr) {
  armed_.erase(
      std::remove_if(armed_.begin(), armed_.end(), [&](const Armed& a) { return a.addr == addr; }),
      armed_.end());
}

void WatchpointProvider::stop() {
  armed_.clear();
  if (may_stop_ && pid_ > 0) kill(pid_, SIGCONT);
}

void WatchEvents::attach(uint64_t addr, uint64_t point_id) {
  ArmOutcome arm = watch_.arm(static_cast<uint32_t>(point_id), addr);
  switch (arm.result) {
  case ArmResult::Armed:
  case ArmResult::Duplicate:
    break;
  case ArmResult::NoRegisters:
    out_.message(MessageKind::LostEvents, kOutOfWatchpointRegisters);
    break;
  case ArmResult::Failed:
    warn_("ERROR: Unable to attach real watchpoint probe: " + arm.err + "\n");
    break;
  }
  // The setup uprobe stopped the tracee (synchronous form): let it run into the watchpoint.
  if (arm.resume_tracee && (arm.pid <= 0 || kill(arm.pid, SIGCONT) != 0))
    warn_("ERROR: Failed to SIGCONT tracee: " + std::string(std::strerror(errno)) + "\n");
}

void WatchEvents::detach(uint64_t addr) {
  watch_.disarm(addr);
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
  return std::string(abi::probe_kind_name(p.spec.kind)) + ":" + std::string(binary_name) + ":" +
         std::string(func) + ":" + std::to_string(p.spec.watch_len) + ":" + p.spec.watch_mode;
}

std::unique_ptr<ProbeProvider> make_watchpoint_provider() {
  return std::make_unique<WatchpointProvider>();
}

} // namespace btc::rt
