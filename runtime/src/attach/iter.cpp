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

  bool attach(const AttachInput& in, const AttachPoint& point, std::vector<LinkPtr>& links,
              std::string& err) override {
    bpf_program* prog = program_for(in, point, err);
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
