// special.cpp: the BEGIN, END, self:signal:SIGUSR1, test:NAME and bench:NAME provider. They
// are not attached: the session runs each with BPF_PROG_TEST_RUN, BEGIN before any other probe
// is attached, END after the others are switched off, self:signal:SIGUSR1 each time the tool
// gets SIGUSR1, test and bench probes only in --test / --bench mode (session/test_mode.h).
// BEGIN, END and self:signal are one attach point each ("Attaching N probes..." counts them).
#include "attach/provider.h"

#include <memory>

namespace btc::rt {
namespace {

class SpecialProvider final : public ProbeProvider {
public:
  TestRun test_run(const abi::ProbeDesc& p) const override {
    if (p.spec.kind == abi::ProbeKind::Begin) return TestRun::AtBegin;
    if (p.spec.kind == abi::ProbeKind::SelfSignal) return TestRun::OnSignal;
    if (p.spec.kind == abi::ProbeKind::Test) return TestRun::Test;
    if (p.spec.kind == abi::ProbeKind::Bench) return TestRun::Bench;
    return TestRun::AtEnd;
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
