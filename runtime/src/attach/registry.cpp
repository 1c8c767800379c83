// registry.cpp: abi::ProbeKind -> provider (see registry.h). The one switch on the probe kind
// outside the providers themselves.
#include "attach/registry.h"

namespace btc::rt {
namespace {

// A kind value this runtime does not know (a manifest from a newer btc): planning says so.
class UnsupportedProvider final : public ProbeProvider {
public:
  bool runs_last_attached_first(const abi::ProbeDesc&) const override { return false; }
  bool plan(const abi::Manifest&, const abi::ProbeDesc& p, std::vector<std::string>&,
            std::vector<AttachPoint>&, std::string& err) override {
    err = "ERROR: probe type " + std::string(abi::probe_kind_name(p.spec.kind)) +
          " is not supported by this runtime yet (" + p.spec.text + ")\n";
    return false;
  }
  bool attach(const AttachInput&, const AttachPoint&, std::vector<LinkPtr>&,
              std::string& err) override {
    err = "unsupported probe type";
    return false;
  }
};

std::unique_ptr<ProbeProvider> make_unsupported_provider() {
  return std::make_unique<UnsupportedProvider>();
}

} // namespace

// Each provider file defines its factory.
std::unique_ptr<ProbeProvider> make_special_provider();
std::unique_ptr<ProbeProvider> make_tracepoint_provider();
std::unique_ptr<ProbeProvider> make_perf_event_provider();
std::unique_ptr<ProbeProvider> make_kprobe_provider();
std::unique_ptr<ProbeProvider> make_kfunc_provider();
std::unique_ptr<ProbeProvider> make_uprobe_provider();
std::unique_ptr<ProbeProvider> make_usdt_provider();
std::unique_ptr<ProbeProvider> make_rawtracepoint_provider();
std::unique_ptr<ProbeProvider> make_watchpoint_provider();
std::unique_ptr<ProbeProvider> make_iter_provider();

ProbeProviders::Factory ProbeProviders::factory(abi::ProbeKind kind) {
  using K = abi::ProbeKind;
  // clang-format off
  switch (kind) {
  case K::Begin: case K::End: case K::SelfSignal:
  case K::Test: case K::Bench: return make_special_provider;
  case K::Tracepoint: return make_tracepoint_provider;
  case K::Interval: case K::Profile:
  case K::Software: case K::Hardware: return make_perf_event_provider;
  case K::Kprobe: case K::Kretprobe: return make_kprobe_provider;
  case K::Kfunc: case K::Kretfunc: return make_kfunc_provider;
  case K::Uprobe: case K::Uretprobe: return make_uprobe_provider;
  case K::Usdt: return make_usdt_provider;
  case K::RawTracepoint: return make_rawtracepoint_provider;
  case K::Watchpoint: case K::AsyncWatchpoint: return make_watchpoint_provider;
  case K::Iter: return make_iter_provider;
  }
  // clang-format on
  return make_unsupported_provider; // a value outside the enum
}

ProbeProvider& ProbeProviders::of(abi::ProbeKind kind) {
  Factory make = factory(kind);
  for (auto& [f, provider] : made_)
    if (f == make) return *provider;
  made_.emplace_back(make, make());
  return *made_.back().second;
}

std::vector<ProbeProvider*> ProbeProviders::created() const {
  std::vector<ProbeProvider*> out;
  for (const auto& [f, provider] : made_) out.push_back(provider.get());
  return out;
}

const abi::ProbeDesc* find_iterator_probe(ProbeProviders& providers, const abi::Manifest& m) {
  for (const auto& p : m.probes)
    if (providers.of(p.spec.kind).is_iterator()) return &p;
  return nullptr;
}

} // namespace btc::rt
