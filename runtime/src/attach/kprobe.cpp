// kprobe.cpp: the kprobe/kretprobe provider: kprobe links, or the fentry/fexit twin on
// kernels without kprobes (fallback.h); wildcards expanded against this host's traceable
// functions; bpftrace 0.17's "not traceable" warning when one function fails to attach.
//
// Example: kprobe:vfs_read on a kernel without kprobes but with a loadable fentry/vfs_read
// sets the twin's attach target before load, turns the kprobe program's autoload off, says
// "kprobe:vfs_read: attaching as fentry" with -v and attaches the twin with attach_trace.
#include "attach/fallback.h"
#include "attach/program_copies.h"
#include "attach/provider.h"
#include "host/kernel_features.h"
#include "host/kernel_functions.h"
#include "host/tracefs.h"
#include "script/diag.h"

#include <bpf/libbpf.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

namespace btc::rt {
namespace {

using abi::ProbeKind;

bpf_program* program(bpf_object* obj, const std::string& name) {
  return name.empty() ? nullptr : bpf_object__find_program_by_name(obj, name.c_str());
}

class KprobeProvider final : public ProbeProvider {
public:
  bool runs_last_attached_first(const abi::ProbeDesc& p) const override {
    return p.spec.kind == ProbeKind::Kprobe;
  }

  bool prepare(const PrepareInput& in, const abi::Manifest&, const abi::ProbeDesc& p,
               std::string& err) override {
    if (!kprobes_) kprobes_ = kprobes_available();
    bpf_program* alt = program(in.obj, p.alt_prog_name);
    bool candidate = false;
    if (!*kprobes_ && alt && !p.spec.wildcard && p.spec.offset == 0) {
      if (!btf_tried_) { // loaded once, on the first probe that may fall back
        btf_tried_ = true;
        vmlinux_ = load_vmlinux_btf();
      }
      candidate = vmlinux_ && fentry_loads(vmlinux_.get(), p.spec.func, p.spec.kind == ProbeKind::Kretprobe);
    }
    KprobeMechanism how = choose_kprobe_mechanism(*kprobes_, candidate);
    bpf_program* prog = program(in.obj, p.prog_name);
    const char* said = "";
    switch (how) {
    case KprobeMechanism::Kprobe:
    case KprobeMechanism::Unavailable:
      if (alt) bpf_program__set_autoload(alt, false);
      said = how == KprobeMechanism::Kprobe ? "kprobe" : "kprobe (kprobes are not available)";
      break;
    case KprobeMechanism::Fentry:
      if (bpf_program__set_attach_target(alt, 0, p.spec.func.c_str()) != 0) {
        err = "ERROR: cannot set the fentry attach target of '" + p.spec.text +
              "': " + std::strerror(errno);
        return false;
      }
      if (prog) bpf_program__set_autoload(prog, false);
      said = p.spec.kind == ProbeKind::Kretprobe ? "fexit" : "fentry";
      break;
    }
    if (in.verbose) std::fprintf(stderr, "%s: attaching as %s\n", p.spec.text.c_str(), said);
    return true;
  }

  bool plan(const abi::Manifest&, const abi::ProbeDesc& p, std::vector<std::string>& probe_names,
            std::vector<AttachPoint>& out, std::string& err) override {
    if (!p.spec.wildcard) {
      out.push_back(single_point(p));
      return true;
    }
    std::string why;
    if (!ensure_tracefs(why)) {
      err = "ERROR: " + why + "\n";
      return false;
    }
    std::string kind(abi::probe_kind_name(p.spec.kind));
    auto names = match_kernel_functions(p.spec.func, traceable_functions(true));
    if (names.empty()) {
      if (p.spec.optional) return true; // one of several attach points: dropped, as in 0.17
      err = "ERROR: No matches for " + kind + ":" + p.spec.func + "\n";
      return false;
    }
    for (auto& name : names) {
      auto id = static_cast<uint32_t>(probe_names.size());
      probe_names.push_back(kind + ":" + name);
      out.push_back({&p, p.spec.target, name, probe_names.back(), id, true});
    }
    return true;
  }

  bool attach(const AttachInput& in, const AttachPoint& point, std::vector<LinkPtr>& links,
              std::string& err) override {
    const abi::ProbeDesc& p = *point.probe;
    // The fentry twin was chosen before load iff it is still set to load.
    bpf_program* alt = program(in.obj, p.alt_prog_name);
    if (alt && bpf_program__autoload(alt)) {
      bpf_link* link = bpf_program__attach_trace(alt);
      return keep_link(link, links, err);
    }
    if (!kprobes_available()) {
      err = "kprobes are not available on this kernel";
      return false;
    }
    bpf_program* prog = program_for(in, point, err);
    if (!prog) return false;
    LIBBPF_OPTS(bpf_kprobe_opts, opts, .bpf_cookie = point.id, .offset = p.spec.offset,
                .retprobe = p.spec.kind == ProbeKind::Kretprobe);
    bpf_link* link = bpf_program__attach_kprobe_opts(prog, point.func.c_str(), &opts);
    return keep_link(link, links, err);
  }

  // bpftrace 0.17's warning at the probe when this kernel lists no such traceable function
  // (0.17 gives it when compiling on the traced host; a btc tool, compiled elsewhere, where
  // it runs). "" when the function is there. Example: "x.bt:3:1-21: WARNING: swap_readpage is
  // not traceable (either non-existing, inlined, or marked as "notrace"); attaching to it
  // will likely fail" + source + underline.
  std::string attach_failure_note(const abi::Manifest& m, const AttachPoint& point) const override {
    if (point.from_wildcard) return "";
    std::string why;
    std::string funcs = traceable_functions(ensure_tracefs(why));
    if (funcs.empty() || !match_kernel_functions(point.func, funcs).empty()) return "";
    const abi::ProbeDesc& p = *point.probe;
    return located_message(m, p.line, p.col_begin, p.col_end, "WARNING",
                           point.func + " is not traceable (either non-existing, inlined, or "
                                        "marked as \"notrace\"); attaching to it will likely fail");
  }

private:
  std::optional<bool> kprobes_; // asked once, on the first prepare()
  bool btf_tried_ = false;
  BtfPtr vmlinux_;
};

} // namespace

std::unique_ptr<ProbeProvider> make_kprobe_provider() {
  return std::make_unique<KprobeProvider>();
}

} // namespace btc::rt
