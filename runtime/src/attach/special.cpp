// special.cpp: the BEGIN and END provider. They are not attached: the session runs each once
// with BPF_PROG_TEST_RUN, BEGIN before any other probe is attached and END after the others
// are switched off. Each is one attach point ("Attaching N probes..." counts it).
#include "attach/provider.h"

#include <memory>

namespace btc::rt {
namespace {

class SpecialProvider final : public ProbeProvider {
public:
  TestRun test_run(const abi::ProbeDesc& p) const override {
    return p.spec.kind == abi::ProbeKind::Begin ? TestRun::AtBegin : TestRun::AtEnd;
  }
  bool runs_last_attached_first(const abi::ProbeDesc&) const override { return true; }

  bool attach(const AttachInput&, const AttachPoint&, std::vector<LinkPtr>&,
              std::string& err) override {
    err = "BEGIN/END probes are run, not attached";
    return false;
  }
};

} // namespace

std::unique_ptr<ProbeProvider> make_special_provider() {
  return std::make_unique<SpecialProvider>();
}

} // namespace btc::rt
