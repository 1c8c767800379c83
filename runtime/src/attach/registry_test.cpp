// registry_test.cpp: every probe kind has a provider, families share one, and the per-kind
// facts the session asks for.
#include "attach/registry.h"

#include <gtest/gtest.h>

namespace btc::rt {
namespace {

using abi::ProbeKind;

abi::ProbeDesc desc(ProbeKind kind, bool wildcard = false) {
  abi::ProbeDesc p;
  p.spec.kind = kind;
  p.spec.wildcard = wildcard;
  return p;
}

TEST(RegistryTest, OneProviderPerFamily) {
  ProbeProviders providers;
  for (ProbeKind k : abi::kProbeKinds) providers.of(k);
  EXPECT_EQ(providers.created().size(), 10u);
  EXPECT_EQ(&providers.of(ProbeKind::Kprobe), &providers.of(ProbeKind::Kretprobe));
  EXPECT_EQ(&providers.of(ProbeKind::Watchpoint), &providers.of(ProbeKind::AsyncWatchpoint));
  EXPECT_EQ(&providers.of(ProbeKind::Interval), &providers.of(ProbeKind::Hardware));
  EXPECT_NE(&providers.of(ProbeKind::Kprobe), &providers.of(ProbeKind::Kfunc));
}

TEST(RegistryTest, SessionFacts) {
  ProbeProviders providers;
  for (ProbeKind k : abi::kProbeKinds) {
    const ProbeProvider& p = providers.of(k);
    TestRun run = k == ProbeKind::Begin        ? TestRun::AtBegin
                  : k == ProbeKind::End        ? TestRun::AtEnd
                  : k == ProbeKind::SelfSignal ? TestRun::OnSignal
                  : k == ProbeKind::Test       ? TestRun::Test
                  : k == ProbeKind::Bench      ? TestRun::Bench
                                               : TestRun::No;
    EXPECT_EQ(p.test_run(desc(k)), run) << abi::probe_kind_name(k);
    EXPECT_EQ(p.link_group() == LinkGroup::AfterOutput, k == ProbeKind::Tracepoint)
        << abi::probe_kind_name(k);
    bool user = k == ProbeKind::Uprobe || k == ProbeKind::Uretprobe || k == ProbeKind::Usdt;
    EXPECT_EQ(p.traces_user_space(), user) << abi::probe_kind_name(k);
    EXPECT_EQ(p.is_iterator(), k == ProbeKind::Iter) << abi::probe_kind_name(k);
    EXPECT_FALSE(p.copies_programs(desc(k))) << abi::probe_kind_name(k);
    EXPECT_EQ(p.copies_programs(desc(k, true)), k == ProbeKind::RawTracepoint)
        << abi::probe_kind_name(k);
  }
}

TEST(RegistryTest, UnknownKindIsReportedWhenPlanned) {
  ProbeProviders providers;
  abi::ProbeDesc p = desc(static_cast<ProbeKind>(200));
  p.spec.text = "future:probe";
  std::vector<std::string> names = {p.spec.text};
  std::vector<AttachPoint> points;
  std::string err;
  EXPECT_FALSE(providers.of(p.spec.kind).plan({}, p, names, points, err));
  EXPECT_EQ(err, "ERROR: probe type ? is not supported by this runtime yet (future:probe)\n");
}

TEST(RegistryTest, IteratorProbeFoundInManifest) {
  ProbeProviders providers;
  abi::Manifest m;
  m.probes.push_back(desc(ProbeKind::Begin));
  EXPECT_EQ(find_iterator_probe(providers, m), nullptr);
  abi::ProbeDesc it = desc(ProbeKind::Iter);
  it.spec.target = "task";
  m.probes.push_back(it);
  ASSERT_NE(find_iterator_probe(providers, m), nullptr);
  EXPECT_EQ(find_iterator_probe(providers, m)->spec.target, "task");
}

} // namespace
} // namespace btc::rt
