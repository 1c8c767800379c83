// registry.h: the probe providers of one session, one per probe family, created on first use.
//
// Input: abi::ProbeKinds. Output: the ProbeProvider handling each (kinds of one family, e.g.
// kprobe and kretprobe, share one instance and its state). Adding a probe kind: a provider
// file and one line in registry.cpp's switch.
#pragma once

#include "attach/provider.h"
#include "btc/abi.h"

#include <memory>
#include <utility>
#include <vector>

namespace btc::rt {

class ProbeProviders {
public:
  ProbeProviders() = default;
  ProbeProviders(const ProbeProviders&) = delete;
  ProbeProviders& operator=(const ProbeProviders&) = delete;

  ProbeProvider& of(abi::ProbeKind kind);
  // Every provider created so far, in the order they were first asked for.
  std::vector<ProbeProvider*> created() const;

private:
  using Factory = std::unique_ptr<ProbeProvider> (*)();
  static Factory factory(abi::ProbeKind kind);

  std::vector<std::pair<Factory, std::unique_ptr<ProbeProvider>>> made_;
};

// The script's iterator probe, if any (sema allows one, with BEGIN/END only).
const abi::ProbeDesc* find_iterator_probe(ProbeProviders& providers, const abi::Manifest& m);

} // namespace btc::rt
