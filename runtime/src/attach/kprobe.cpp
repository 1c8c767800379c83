// attach_probes.cpp: dynamic probe planning and attaching (see attach_probes.h).
//
// Example: uprobe:/tmp/t:wor* with /tmp/t defining work1 and work2 becomes two AttachPoints
// "uprobe:/tmp/t:work1" and "uprobe:/tmp/t:work2", each attached at the symbol's file offset
// with its probe-name id as the BPF cookie.
#include "attach/kprobe.h"
#include "script/diag.h"
#include "host/kernel_btf.h"
#include "attach/program_copies.h"

#include "host/symbols.h"
#include "attach/usdt.h"
#include "host/tracefs.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace btc::rt {
namespace {

using abi::ProbeKind;

int64_t g_target_pid = 0;

bool is_kprobe(ProbeKind k) { return k == ProbeKind::Kprobe || k == ProbeKind::Kretprobe; }
bool is_kfunc(ProbeKind k) { return k == ProbeKind::Kfunc || k == ProbeKind::Kretfunc; }
bool is_uprobe(ProbeKind k) { return k == ProbeKind::Uprobe || k == ProbeKind::Uretprobe; }

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Test knobs (docs/testing.md): pretend the kernel lacks kprobes or fentry, so the kernel
// suite can drive the kprobe <-> fentry fallback both ways on a kernel that has both.
bool knob_set(const char* name) {
  const char* v = std::getenv(name);
  return v && *v && std::string_view(v) != "0";
}

// Loads a do-nothing fentry program against `func`: fentry works here iff that succeeds.
bool fentry_loads(const btf* vmlinux, const std::string& func, bool ret) {
  if (knob_set("BTC_NO_FENTRY")) return false;
  int id = btf__find_by_name_kind(vmlinux, func.c_str(), BTF_KIND_FUNC);
  if (id <= 0) return false;
  const bpf_insn insns[] = {
      {BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0}, // r0 = 0
      {BPF_JMP | BPF_EXIT, 0, 0, 0, 0},
  };
  LIBBPF_OPTS(bpf_prog_load_opts, opts,
              .expected_attach_type = ret ? BPF_TRACE_FEXIT : BPF_TRACE_FENTRY,
              .attach_btf_id = static_cast<__u32>(id));
  int fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "btc_fentry_probe", "GPL", insns, 2, &opts);
  if (fd < 0) return false;
  close(fd);
  return true;
}

bpf_program* program(bpf_object* obj, const std::string& name) {
  return name.empty() ? nullptr : bpf_object__find_program_by_name(obj, name.c_str());
}

bool attach_kprobe(bpf_object* obj, const AttachPoint& point, std::vector<LinkPtr>& links,
                   std::string& err) {
  const abi::ProbeDesc& p = *point.probe;
  // The fentry twin was chosen before load iff it is still set to load.
  bpf_program* alt = program(obj, p.alt_prog_name);
  if (alt && bpf_program__autoload(alt)) {
    bpf_link* link = bpf_program__attach_trace(alt);
    return keep_link(link, links, err);
  }
  if (!host_kprobes_available()) {
    err = "kprobes are not available on this kernel";
    return false;
  }
  bpf_program* prog = program_for_attach(obj, p.prog_name, point.id, err);
  if (!prog) return false;
  LIBBPF_OPTS(bpf_kprobe_opts, opts, .bpf_cookie = point.id, .offset = p.offset,
              .retprobe = p.kind == ProbeKind::Kretprobe);
  bpf_link* link = bpf_program__attach_kprobe_opts(prog, point.func.c_str(), &opts);
  return keep_link(link, links, err);
}

bool attach_uprobe(bpf_object* obj, const AttachPoint& point, std::vector<LinkPtr>& links,
                   std::string& err) {
  const abi::ProbeDesc& p = *point.probe;
  bpf_program* prog = program_for_attach(obj, p.prog_name, point.id, err);
  if (!prog) return false;
  ElfSymbols elf;
  if (!elf.load(point.target, err)) return false;
  uint64_t vaddr = p.offset;
  if (!point.func.empty()) {
    const ElfSymbol* sym = elf.find(point.func);
    if (!sym) {
      err = "symbol '" + point.func + "' not found in " + point.target;
      return false;
    }
    vaddr = sym->addr + p.offset;
  }
  auto file_off = elf.file_offset(vaddr);
  if (!file_off) {
    err = "address 0x" + std::to_string(vaddr) + " is not mapped by " + point.target;
    return false;
  }
  LIBBPF_OPTS(bpf_uprobe_opts, opts, .bpf_cookie = point.id,
              .retprobe = p.kind == ProbeKind::Uretprobe);
  // -p PID: every process's hits reach the program, whose target_pid check keeps only the
  // target's (a per-task uprobe perf event saw no hits from an already running target here).
  pid_t pid = -1;
  bpf_link* link =
      bpf_program__attach_uprobe_opts(prog, pid, point.target.c_str(), *file_off, &opts);
  return keep_link(link, links, err);
}

} // namespace

KprobeMechanism choose_kfunc_mechanism(bool fentry_available, bool kprobe_available,
                                       bool has_kprobe_twin) {
  if (fentry_available) return KprobeMechanism::Fentry;
  if (kprobe_available && has_kprobe_twin) return KprobeMechanism::Kprobe;
  return KprobeMechanism::Unavailable;
}

bool host_fentry_loads(const std::string& func, bool ret) {
  static btf* vmlinux = nullptr;
  static bool tried = false;
  if (!tried) {
    tried = true;
    vmlinux = btf__load_vmlinux_btf();
    if (libbpf_get_error(vmlinux)) vmlinux = nullptr;
  }
  return vmlinux && fentry_loads(vmlinux, func, ret);
}

KprobeMechanism choose_kprobe_mechanism(bool kprobe_available, bool fentry_candidate) {
  if (kprobe_available) return KprobeMechanism::Kprobe;
  if (fentry_candidate) return KprobeMechanism::Fentry;
  return KprobeMechanism::Unavailable;
}

bool host_kprobes_available() {
  if (knob_set("BTC_NO_KPROBES")) return false;
  if (access("/sys/bus/event_source/devices/kprobe/type", R_OK) == 0) return true;
  return access((std::string(kTracefsRoot) + "/kprobe_events").c_str(), F_OK) == 0 ||
         access("/sys/kernel/debug/tracing/kprobe_events", F_OK) == 0;
}

bool prepare_probe_programs(const abi::Manifest& m, bpf_object* obj, bool verbose,
                            int64_t target_pid, std::string& err) {
  g_target_pid = target_pid;
  if (!prepare_usdt_probes(m, obj, target_pid, err)) return false;
  bool kprobes = host_kprobes_available();
  btf* vmlinux = nullptr;
  bool btf_tried = false;
  for (const auto& p : m.probes) {
    if (is_kfunc(p.kind)) {
      if (!prepare_kfunc_program(p, obj, kprobes, verbose, err)) return false;
      continue;
    }
    if (!is_kprobe(p.kind)) continue;
    bpf_program* alt = program(obj, p.alt_prog_name);
    bool candidate = false;
    if (!kprobes && alt && !p.wildcard && p.offset == 0) {
      if (!btf_tried) {
        btf_tried = true;
        vmlinux = btf__load_vmlinux_btf();
        if (libbpf_get_error(vmlinux)) vmlinux = nullptr;
      }
      candidate = vmlinux && fentry_loads(vmlinux, p.func, p.kind == ProbeKind::Kretprobe);
    }
    KprobeMechanism how = choose_kprobe_mechanism(kprobes, candidate);
    bpf_program* prog = program(obj, p.prog_name);
    const char* said = "";
    switch (how) {
    case KprobeMechanism::Kprobe:
    case KprobeMechanism::Unavailable:
      if (alt) bpf_program__set_autoload(alt, false);
      said = how == KprobeMechanism::Kprobe ? "kprobe" : "kprobe (kprobes are not available)";
      break;
    case KprobeMechanism::Fentry:
      if (bpf_program__set_attach_target(alt, 0, p.func.c_str()) != 0) {
        err = "ERROR: cannot set the fentry attach target of '" + p.text + "': " +
              std::strerror(errno);
        if (vmlinux) btf__free(vmlinux);
        return false;
      }
      if (prog) bpf_program__set_autoload(prog, false);
      said = p.kind == ProbeKind::Kretprobe ? "fexit" : "fentry";
      break;
    }
    if (verbose) std::fprintf(stderr, "%s: attaching as %s\n", p.text.c_str(), said);
  }
  if (vmlinux) btf__free(vmlinux);
  return true;
}

bool is_dynamic_probe(ProbeKind kind) {
  return is_kprobe(kind) || is_uprobe(kind) || is_kfunc(kind) ||
         kind == ProbeKind::RawTracepoint;
}

std::string untraceable_function_warning(const abi::Manifest& m, const AttachPoint& point) {
  if (!is_kprobe(point.probe->kind) || point.from_wildcard) return "";
  std::string why;
  std::string funcs;
  if (ensure_tracefs(why))
    funcs = read_file(std::string(kTracefsRoot) + "/available_filter_functions");
  if (funcs.empty()) funcs = kallsyms_functions(read_file("/proc/kallsyms"));
  if (funcs.empty() || !match_kernel_functions(point.func, funcs).empty()) return "";
  const abi::ProbeDesc& p = *point.probe;
  return located_message(m, p.line, p.col_begin, p.col_end, "WARNING",
                         point.func + " is not traceable (either non-existing, inlined, or "
                                      "marked as \"notrace\"); attaching to it will likely fail");
}

std::string kallsyms_functions(std::string_view kallsyms) {
  std::string out;
  std::istringstream in{std::string(kallsyms)};
  for (std::string line; std::getline(in, line);) {
    // "ADDR TYPE NAME [module]": text symbols only.
    size_t s1 = line.find(' ');
    if (s1 == std::string::npos || s1 + 3 > line.size()) continue;
    char type = line[s1 + 1];
    if (type != 't' && type != 'T') continue;
    out += line.substr(s1 + 3);
    out += '\n';
  }
  return out;
}

std::vector<std::string> match_kernel_functions(std::string_view pattern,
                                                std::string_view text) {
  std::vector<std::string> out;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    std::string name = line.substr(0, line.find_first_of(" \t"));
    if (!name.empty() && glob_match(pattern, name)) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> match_raw_tracepoints(std::string_view pattern) {
  std::vector<std::string> out;
  btf* vmlinux = load_kernel_btf(kernel_btf());
  if (!vmlinux) return out;
  constexpr std::string_view kPrefix = "btf_trace_";
  for (uint32_t id = 1, n = btf__type_cnt(vmlinux); id < n; ++id) {
    const btf_type* t = btf__type_by_id(vmlinux, id);
    if (!btf_is_typedef(t)) continue;
    std::string_view name = btf__name_by_offset(vmlinux, t->name_off);
    if (!name.starts_with(kPrefix)) continue;
    name.remove_prefix(kPrefix.size());
    if (glob_match(pattern, name)) out.emplace_back(name);
  }
  btf__free(vmlinux);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool plan_dynamic_probe(const abi::Manifest& m, const abi::ProbeDesc& p,
                        std::vector<std::string>& probe_names, std::vector<AttachPoint>& out,
                        std::string& err) {
  (void)m;
  std::string kind(probe_kind_name(p.kind));
  if (p.kind == ProbeKind::RawTracepoint) {
    if (!p.wildcard) {
      out.push_back({&p, p.target, p.func, p.text, p.probe_id, false});
      return true;
    }
    // Raw tracepoints this kernel has: its BTF's `btf_trace_<event>` typedefs.
    auto names = match_raw_tracepoints(p.func);
    if (names.empty()) {
      err = "ERROR: No matches for " + p.text + "\n";
      return false;
    }
    std::string prefix = "rawtracepoint:" + (p.target.empty() ? "" : p.target + ":");
    for (auto& name : names) {
      auto id = static_cast<uint32_t>(probe_names.size());
      probe_names.push_back(prefix + name);
      out.push_back({&p, p.target, name, probe_names.back(), id, true});
    }
    return true;
  }
  if (is_kfunc(p.kind)) { // wildcards were expanded by the compiler
    out.push_back({&p, p.target, p.func, p.text, p.probe_id, false});
    return true;
  }
  if (is_kprobe(p.kind)) {
    if (!p.wildcard) {
      out.push_back({&p, p.target, p.func, p.text, p.probe_id, false});
      return true;
    }
    std::string why;
    if (!ensure_tracefs(why)) {
      err = "ERROR: " + why + "\n";
      return false;
    }
    std::string funcs = read_file(std::string(kTracefsRoot) + "/available_filter_functions");
    if (funcs.empty()) funcs = kallsyms_functions(read_file("/proc/kallsyms"));
    auto names = match_kernel_functions(p.func, funcs);
    if (names.empty()) {
      if (p.optional) return true; // one of several attach points: dropped, as in 0.17
      err = "ERROR: No matches for " + kind + ":" + p.func + "\n";
      return false;
    }
    for (auto& name : names) {
      auto id = static_cast<uint32_t>(probe_names.size());
      probe_names.push_back(kind + ":" + name);
      out.push_back({&p, p.target, name, probe_names.back(), id, true});
    }
    return true;
  }
  // uprobe / uretprobe
  std::string target = p.target;
  if (target.empty() && g_target_pid > 0) target = "/proc/" + std::to_string(g_target_pid) + "/exe";
  std::string path = resolve_uprobe_binary(target, err, kind, nullptr, g_target_pid);
  if (path.empty()) {
    err = "ERROR: " + err + "\n";
    return false;
  }
  // -p into another mount namespace: 0.17 names the probe by the path it attached to
  // (uprobe:/proc/PID/root/BIN:FUNC).
  std::string shown = p.target;
  if (!p.target.empty() && path != p.target && path.rfind("/proc/", 0) == 0 &&
      p.target.rfind("/proc/", 0) != 0)
    shown = path;
  if (!p.wildcard) {
    std::string prefix = kind + ":" + p.target;
    if (shown != p.target && p.text.rfind(prefix, 0) == 0)
      probe_names[p.probe_id] = kind + ":" + shown + p.text.substr(prefix.size());
    out.push_back({&p, path, p.func, probe_names[p.probe_id], p.probe_id, false});
    return true;
  }
  ElfSymbols elf;
  if (!elf.load(path, err)) {
    err = "ERROR: " + err + "\n";
    return false;
  }
  std::vector<std::string> names = elf.functions_matching(p.func);
  if (names.empty()) {
    if (p.optional) return true; // one of several attach points: dropped, as in 0.17
    err = "ERROR: No matches for " + kind + ":" + shown + ":" + p.func + "\n";
    return false;
  }
  for (auto& name : names) {
    auto id = static_cast<uint32_t>(probe_names.size());
    probe_names.push_back(kind + ":" + shown + ":" + name);
    out.push_back({&p, path, name, probe_names.back(), id, true});
  }
  return true;
}

bool attach_dynamic_probe(bpf_object* obj, const AttachPoint& point, std::vector<LinkPtr>& links,
                          std::string& err) {
  const abi::ProbeDesc& p = *point.probe;
  if (is_kprobe(p.kind)) return attach_kprobe(obj, point, links, err);
  if (is_kfunc(p.kind)) return attach_kfunc(obj, point, links, err);
  if (is_uprobe(p.kind)) return attach_uprobe(obj, point, links, err);
  bpf_program* prog = program_for_attach(obj, p.prog_name, point.id, err);
  if (!prog) return false;
  const std::string& event = point.func.empty() ? point.target : point.func;
  bpf_link* link = bpf_program__attach_raw_tracepoint(prog, event.c_str());
  return keep_link(link, links, err);
}

} // namespace btc::rt
