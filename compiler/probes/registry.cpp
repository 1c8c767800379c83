// registry.cpp: every probe kind's provider, and attach-point parsing through them.
//
// The switch below is the one place that maps a ProbeKind to its provider; it has no
// `default:`, so a new kind does not build until it has a provider here.
#include "probes/provider.h"

#include "btc/check.h"
#include "probes/parse_util.h"
#include "probes/providers/providers.h"

#include <array>
#include <cctype>

namespace btc::probes {

// clang-format off
const Provider& provider(ProbeKind kind) {
  switch (kind) {
  case ProbeKind::Begin: return providers::begin();
  case ProbeKind::SelfSignal: return providers::self_signal();
  case ProbeKind::Test: return providers::test();
  case ProbeKind::Bench: return providers::bench();
  case ProbeKind::End: return providers::end();
  case ProbeKind::Tracepoint: return providers::tracepoint();
  case ProbeKind::Interval: return providers::interval();
  case ProbeKind::Profile: return providers::profile();
  case ProbeKind::Software: return providers::software();
  case ProbeKind::Hardware: return providers::hardware();
  case ProbeKind::Kprobe: return providers::kprobe();
  case ProbeKind::Kretprobe: return providers::kretprobe();
  case ProbeKind::Uprobe: return providers::uprobe();
  case ProbeKind::Uretprobe: return providers::uretprobe();
  case ProbeKind::Usdt: return providers::usdt();
  case ProbeKind::Kfunc: return providers::kfunc();
  case ProbeKind::Kretfunc: return providers::kretfunc();
  case ProbeKind::RawTracepoint: return providers::rawtracepoint();
  case ProbeKind::Watchpoint: return providers::watchpoint();
  case ProbeKind::AsyncWatchpoint: return providers::asyncwatchpoint();
  case ProbeKind::Iter: return providers::iter();
  }
  BTC_UNREACHABLE("probe kind without a provider");
}
// clang-format on

namespace {
// Probe type names match whatever their case (`begin`, `BEGIN`, `Kprobe`), as in bpftrace 0.2x.
bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}
} // namespace

const Provider* find_provider(std::string_view name) {
  for (auto kind : abi::kProbeKinds) {
    const Provider& p = provider(kind);
    if (same_name(p.desc().name(), name)) return &p;
  }
  for (auto kind : abi::kProbeKinds) { // short aliases are case sensitive (`h` vs `H`)
    const Provider& p = provider(kind);
    for (auto alias : p.desc().aliases)
      if (alias == name || (alias.size() > 2 && same_name(alias, name))) return &p;
  }
  return nullptr;
}

const ProbeKindDesc* find_kind(std::string_view name) {
  const Provider* p = find_provider(name);
  return p ? &p->desc() : nullptr;
}

const ProbeKindDesc& describe(ProbeKind kind) {
  return provider(kind).desc();
}

std::optional<AttachSpec> parse_attach_point(std::string_view text, std::string& error) {
  auto parts = split_colons(text);
  const Provider* p = find_provider(parts[0]);
  if (!p) {
    error = "Invalid probe type: " + std::string(parts[0]);
    return std::nullopt;
  }
  AttachSpec spec;
  spec.kind = p->kind();
  if (!p->parse(parts, spec, error)) return std::nullopt;
  // An attach point naming positional parameters is completed where the tool starts.
  if (abi::has_placeholder(text) && !p->accepts_positionals(spec, error)) return std::nullopt;
  return spec;
}

} // namespace btc::probes
