// rawtracepoint.cpp: the rawtracepoint provider: raw tracepoint links; wildcards expanded
// against the kernel BTF's `btf_trace_<event>` typedefs. Raw tracepoint links take no BPF
// cookie, so a wildcard's program is copied per attach point (program_copies.h).
//
// Example: rawtracepoint:sched_switch* -> "rawtracepoint:sched_switch" (one attach point per
// matching event, each with a new probe id).
#include "attach/program_copies.h"
#include "attach/provider.h"
#include "host/kernel_functions.h"

#include <bpf/libbpf.h>

#include <memory>

namespace btc::rt {
namespace {

class RawTracepointProvider final : public ProbeProvider {
public:
  bool runs_last_attached_first(const abi::ProbeDesc&) const override { return false; }
  bool copies_programs(const abi::ProbeDesc& p) const override { return p.spec.wildcard; }

  bool plan(const abi::Manifest&, const abi::ProbeDesc& p, std::vector<std::string>& probe_names,
            std::vector<AttachPoint>& out, std::string& err) override {
    if (!p.spec.wildcard) {
      out.push_back(single_point(p));
      return true;
    }
    // Raw tracepoints this kernel has: its BTF's `btf_trace_<event>` typedefs.
    auto names = match_raw_tracepoints(p.spec.func);
    if (names.empty()) {
      err = "ERROR: No matches for " + p.spec.text + "\n";
      return false;
    }
    std::string prefix = "rawtracepoint:" + (p.spec.target.empty() ? "" : p.spec.target + ":");
    for (auto& name : names) {
      auto id = static_cast<uint32_t>(probe_names.size());
      probe_names.push_back(prefix + name);
      out.push_back({&p, p.spec.target, name, probe_names.back(), id, true});
    }
    return true;
  }

  bool attach(const AttachInput& in, const AttachPoint& point, std::vector<LinkPtr>& links,
              std::string& err) override {
    bpf_program* prog = program_for(in, point, err);
    if (!prog) return false;
    const std::string& event = point.func.empty() ? point.target : point.func;
    bpf_link* link = bpf_program__attach_raw_tracepoint(prog, event.c_str());
    return keep_link(link, links, err);
  }
};

} // namespace

std::unique_ptr<ProbeProvider> make_rawtracepoint_provider() {
  return std::make_unique<RawTracepointProvider>();
}

} // namespace btc::rt
