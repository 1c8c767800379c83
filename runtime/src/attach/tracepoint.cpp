// tracepoint.cpp: the tracepoint provider: perf tracepoint links, wildcards expanded against
// this host's <tracefs>/events/<category>/<event> directories (tracefs mounted if needed).
// Their links take ~80 ms each to close, so the session closes them after the output.
//
// Example: ProbeDesc{Tracepoint, target "syscalls:sys_enter_open*", wildcard} on a host with
// sys_enter_open and sys_enter_openat becomes two AttachPoints with ids N and N+1 (appended
// to the probe-name table as "tracepoint:syscalls:sys_enter_open", "...openat").
#include "attach/program_copies.h"
#include "attach/provider.h"
#include "host/tracefs.h"
#include "script/diag.h"

#include <bpf/libbpf.h>

#include <memory>

namespace btc::rt {
namespace {

class TracepointProvider final : public ProbeProvider {
public:
  LinkGroup link_group() const override { return LinkGroup::AfterOutput; }
  bool runs_last_attached_first(const abi::ProbeDesc&) const override { return false; }

  bool plan(const abi::Manifest& m, const abi::ProbeDesc& p, std::vector<std::string>& probe_names,
            std::vector<AttachPoint>& out, std::string& err) override {
    if (!tracefs_ready_) {
      std::string why;
      if (!ensure_tracefs(why)) {
        err = "ERROR: " + why + "\n";
        return false;
      }
      tracefs_ready_ = true;
    }
    if (!p.spec.wildcard) {
      if (p.spec.optional && !tracepoint_exists(p.spec.target, tracefs_events_dir())) {
        // Expanded by the compiler on its host; this host lacks it: attach_all() skips it.
        out.push_back({&p, p.spec.target, p.spec.func, p.spec.text, p.probe_id, true});
        return true;
      }
      if (!tracepoint_exists(p.spec.target, tracefs_events_dir())) {
        err = located_message(m, p.line, p.col_begin, p.col_end, "ERROR",
                              "tracepoint not found: " + p.spec.target);
        return false;
      }
      out.push_back(single_point(p));
      return true;
    }
    auto matches = expand_tracepoints(p.spec.target, tracefs_events_dir());
    if (matches.empty() && p.spec.optional) return true; // one of several attach points: dropped
    if (matches.empty()) {
      err = located_message(m, p.line, p.col_begin, p.col_end, "ERROR",
                            "tracepoint not found: " + p.spec.target);
      return false;
    }
    for (auto& target : matches) {
      auto id = static_cast<uint32_t>(probe_names.size());
      probe_names.push_back("tracepoint:" + target);
      out.push_back({&p, target, p.spec.func, probe_names.back(), id, true});
    }
    return true;
  }

  bool attach(const AttachInput& in, const AttachPoint& point, std::vector<LinkPtr>& links,
              std::string& err) override {
    bpf_program* prog =
        in.programs.program_for_attach(in.obj, point.probe->prog_name, point.id, err);
    if (!prog) return false;
    size_t colon = point.target.find(':');
    std::string category = point.target.substr(0, colon);
    std::string event = colon == std::string::npos ? "" : point.target.substr(colon + 1);
    LIBBPF_OPTS(bpf_tracepoint_opts, opts, .bpf_cookie = point.id);
    bpf_link* link =
        bpf_program__attach_tracepoint_opts(prog, category.c_str(), event.c_str(), &opts);
    return keep_link(link, links, err);
  }

private:
  bool tracefs_ready_ = false; // mounted (or found) once per plan
};

} // namespace

std::unique_ptr<ProbeProvider> make_tracepoint_provider() {
  return std::make_unique<TracepointProvider>();
}

} // namespace btc::rt
