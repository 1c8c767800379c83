// kfunc.cpp: the kfunc/kretfunc provider: fentry/fexit, or their kprobe twin on kernels
// without a working fentry (fallback.h). Wildcards were expanded by the compiler.
//
// Example: on a kernel that refuses fentry but has kprobes, kfunc:vfs_read loads
// "kfunc_0_0_kprobe" (section kprobe/vfs_read, args->NAME read from pt_regs) instead of
// "kfunc_0_0" (fentry/vfs_read), and -v prints "kfunc:vfs_read: attaching as kprobe".
// Where neither works (this project's test machine) the twin still goes through the
// verifier and attaching fails with 0.17's "Error attaching probe" message.
#include "attach/fallback.h"
#include "attach/provider.h"
#include "host/kernel_features.h"

#include <bpf/libbpf.h>

#include <cstdio>
#include <memory>
#include <optional>

namespace btc::rt {
namespace {

bpf_program* find(bpf_object* obj, const std::string& name) {
  return name.empty() ? nullptr : bpf_object__find_program_by_name(obj, name.c_str());
}

class KfuncProvider final : public ProbeProvider {
public:
  bool runs_last_attached_first(const abi::ProbeDesc& p) const override {
    return p.spec.kind == abi::ProbeKind::Kfunc;
  }

  // Picks the probe's program (fentry/fexit or its kprobe twin) and says which with -v.
  bool prepare(const PrepareInput& in, const abi::Manifest&, const abi::ProbeDesc& p,
               std::string& err) override {
    if (!kprobes_) kprobes_ = kprobes_available();
    bool ret = p.spec.kind == abi::ProbeKind::Kretfunc;
    bpf_program* main = find(in.obj, p.prog_name);
    bpf_program* twin = find(in.obj, p.alt_prog_name);
    if (!main) {
      err = "ERROR: BPF program '" + p.prog_name + "' is missing from the object";
      return false;
    }
    bool fentry = host_fentry_loads(p.spec.func, ret, p.spec.target);
    KprobeMechanism how = choose_kfunc_mechanism(fentry, *kprobes_, twin != nullptr);
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
    if (in.verbose) std::fprintf(stderr, "%s: attaching as %s\n", p.spec.text.c_str(), said);
    return true;
  }

  bool attach(const AttachInput& in, const AttachPoint& point, std::vector<LinkPtr>& links,
              std::string& err) override {
    const abi::ProbeDesc& p = *point.probe;
    bpf_program* main = find(in.obj, p.prog_name);
    if (main && bpf_program__autoload(main)) {
      bpf_link* link = bpf_program__attach_trace(main);
      return keep_link(link, links, err);
    }
    bpf_program* twin = find(in.obj, p.alt_prog_name);
    if (!twin || !kprobes_available()) {
      err = twin ? "fentry/fexit programs are refused and kprobes are not available on this "
                   "kernel"
                 : "fentry/fexit programs are refused on this kernel and the probe has no "
                   "kprobe fallback (an argument is not in a register, or path() is used)";
      return false;
    }
    LIBBPF_OPTS(bpf_kprobe_opts, opts, .bpf_cookie = point.id,
                .retprobe = p.spec.kind == abi::ProbeKind::Kretfunc);
    bpf_link* link = bpf_program__attach_kprobe_opts(twin, p.spec.func.c_str(), &opts);
    return keep_link(link, links, err);
  }

private:
  // Whether this kernel loads a do-nothing fentry (fexit when `ret`) program on `func` (the
  // kernel's BTF is loaded on the first question).
  bool host_fentry_loads(const std::string& func, bool ret, const std::string& module) {
    if (!btf_tried_) {
      btf_tried_ = true;
      vmlinux_ = load_vmlinux_btf();
    }
    return vmlinux_ && fentry_loads(vmlinux_.get(), func, ret, module);
  }

  std::optional<bool> kprobes_; // asked once, on the first prepare()
  bool btf_tried_ = false;
  BtfPtr vmlinux_;
};

} // namespace

std::unique_ptr<ProbeProvider> make_kfunc_provider() {
  return std::make_unique<KfuncProvider>();
}

} // namespace btc::rt
