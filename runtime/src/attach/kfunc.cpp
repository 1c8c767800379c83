// attach_kfunc.cpp: kfunc/kretfunc probes: fentry/fexit, or their kprobe twin on kernels
// without a working fentry (see attach_probes.h).
//
// Example: on a kernel that refuses fentry but has kprobes, kfunc:vfs_read loads
// "kfunc_0_0_kprobe" (section kprobe/vfs_read, args->NAME read from pt_regs) instead of
// "kfunc_0_0" (fentry/vfs_read), and -v prints "kfunc:vfs_read: attaching as kprobe".
// Where neither works (this project's test machine) the twin still goes through the
// verifier and attaching fails with 0.17's "Error attaching probe" message.
#include "attach/kprobe.h"

#include <bpf/libbpf.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace btc::rt {

namespace {
bpf_program* find(bpf_object* obj, const std::string& name) {
  return name.empty() ? nullptr : bpf_object__find_program_by_name(obj, name.c_str());
}
} // namespace

bool prepare_kfunc_program(const abi::ProbeDesc& p, bpf_object* obj, bool kprobes, bool verbose,
                           std::string& err) {
  bool ret = p.kind == abi::ProbeKind::Kretfunc;
  bpf_program* main = find(obj, p.prog_name);
  bpf_program* twin = find(obj, p.alt_prog_name);
  if (!main) {
    err = "ERROR: BPF program '" + p.prog_name + "' is missing from the object";
    return false;
  }
  bool fentry = host_fentry_loads(p.func, ret);
  KprobeMechanism how = choose_kfunc_mechanism(fentry, kprobes, twin != nullptr);
  const char* said = "";
  switch (how) {
  case KprobeMechanism::Fentry:
    if (twin) bpf_program__set_autoload(twin, false);
    said = ret ? "fexit" : "fentry";
    break;
  case KprobeMechanism::Kprobe:
    bpf_program__set_autoload(main, false);
    said = ret ? "kretprobe" : "kprobe";
    break;
  case KprobeMechanism::Unavailable:
    // The fentry program would only be refused at load; the twin (if any) still loads so
    // the verifier checks it, and attaching reports the failure.
    bpf_program__set_autoload(main, false);
    said = twin ? "nothing (fentry is refused and kprobes are not available; the kprobe twin "
                  "is loaded but cannot attach)"
                : "nothing (fentry is refused and this probe has no kprobe twin)";
    break;
  }
  if (verbose) std::fprintf(stderr, "%s: attaching as %s\n", p.text.c_str(), said);
  return true;
}

bool attach_kfunc(bpf_object* obj, const AttachPoint& point, std::vector<LinkPtr>& links,
                  std::string& err) {
  const abi::ProbeDesc& p = *point.probe;
  bpf_program* main = find(obj, p.prog_name);
  if (main && bpf_program__autoload(main)) {
    bpf_link* link = bpf_program__attach_trace(main);
    return keep_link(link, links, err);
  }
  bpf_program* twin = find(obj, p.alt_prog_name);
  if (!twin || !host_kprobes_available()) {
    err = twin ? "fentry/fexit programs are refused and kprobes are not available on this kernel"
               : "fentry/fexit programs are refused on this kernel and the probe has no "
                 "kprobe fallback (an argument is not in a register, or path() is used)";
    return false;
  }
  LIBBPF_OPTS(bpf_kprobe_opts, opts, .bpf_cookie = point.id,
              .retprobe = p.kind == abi::ProbeKind::Kretfunc);
  bpf_link* link = bpf_program__attach_kprobe_opts(twin, p.func.c_str(), &opts);
  return keep_link(link, links, err);
}

} // namespace btc::rt
