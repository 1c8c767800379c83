// iter.cpp: the iter provider (BPF iterators). Its link is not waited on: the session reads
// it as an iterator, or pins it (output/iter_output.h), and that is the tool's run.
//
// Example: iter:task:list -> one attach point, a bpf_iter link the session pins at
// /sys/fs/bpf/list ("Program pinned to /sys/fs/bpf/list").
#include "attach/program_copies.h"
#include "attach/provider.h"

#include <bpf/libbpf.h>

#include <memory>

namespace btc::rt {
namespace {

class IterProvider final : public ProbeProvider {
public:
  bool runs_last_attached_first(const abi::ProbeDesc&) const override { return true; }
  bool is_iterator() const override { return true; }

  bool plan(const abi::Manifest&, const abi::ProbeDesc& p, std::vector<std::string>&,
            std::vector<AttachPoint>& out, std::string&) override {
    out.push_back({&p, p.spec.target, p.spec.func, p.spec.text, p.probe_id, false});
    return true;
  }

  bool attach(const AttachInput& in, const AttachPoint& point, std::vector<LinkPtr>& links,
              std::string& err) override {
    const abi::ProbeDesc& p = *point.probe;
    bpf_program* prog = in.programs.program_for_attach(in.obj, p.prog_name, point.id, err);
    if (!prog) return false;
    bpf_link* link = bpf_program__attach_iter(prog, nullptr);
    return keep_link(link, links, err);
  }
};

} // namespace

std::unique_ptr<ProbeProvider> make_iter_provider() {
  return std::make_unique<IterProvider>();
}

} // namespace btc::rt
