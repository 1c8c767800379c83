// plan_test.cpp: attach-point planning that needs no kernel, and the attach order.
#include "attach/plan.h"

#include <gtest/gtest.h>

namespace btc::rt {
namespace {

using abi::ProbeKind;

abi::ProbeDesc probe(ProbeKind kind, std::string text, uint32_t id) {
  abi::ProbeDesc p;
  p.spec.kind = kind;
  p.spec.text = std::move(text);
  p.prog_name = "prog" + std::to_string(id);
  p.probe_id = id;
  return p;
}

TEST(AttachTest, PlanKeepsBeginEndAndPerfProbes) {
  abi::Manifest m;
  m.probes = {probe(ProbeKind::Begin, "BEGIN", 0), probe(ProbeKind::Interval, "interval:s:1", 1),
              probe(ProbeKind::Profile, "profile:hz:99", 2), probe(ProbeKind::End, "END", 3)};
  std::vector<std::string> names = {"BEGIN", "interval:s:1", "profile:hz:99", "END"};
  std::vector<AttachPoint> points;
  std::string err;
  ProbeProviders providers;
  ASSERT_TRUE(plan_attach_points(providers, m, names, points, err)) << err;
  ASSERT_EQ(points.size(), 4u);
  EXPECT_EQ(points[1].text, "interval:s:1");
  EXPECT_EQ(points[2].id, 2u);
  EXPECT_EQ(names.size(), 4u);
}

// A usdt probe matching no note of its binary is dropped (as 0.17); with nothing else left
// there is nothing to attach.
TEST(AttachTest, UsdtWithoutMatches) {
  abi::Manifest m;
  m.probes = {probe(ProbeKind::Usdt, "usdt:/bin/sh:p", 0)};
  m.probes[0].spec.target = "/bin/sh";
  m.probes[0].spec.func = "p";
  std::vector<std::string> names = {"usdt:/bin/sh:p"};
  std::vector<AttachPoint> points;
  std::string err;
  ProbeProviders providers;
  EXPECT_FALSE(plan_attach_points(providers, m, names, points, err));
  EXPECT_EQ(err, "No probes to attach\n");
}

// Kinds whose programs the kernel runs last-attached first are attached in reverse, after
// the others (bpftrace 0.17's order), so blocks on one event run in script order.
TEST(AttachTest, AttachOrder) {
  const ProbeKind kinds[] = {
      ProbeKind::Kprobe,       ProbeKind::Tracepoint, ProbeKind::Uprobe,
      ProbeKind::Kretprobe,    ProbeKind::Software,   ProbeKind::Hardware,
      ProbeKind::Usdt,         ProbeKind::Profile,    ProbeKind::Kfunc,
      ProbeKind::Kretfunc,     ProbeKind::Uretprobe,  ProbeKind::Interval,
      ProbeKind::Watchpoint,   ProbeKind::Iter,       ProbeKind::AsyncWatchpoint,
      ProbeKind::RawTracepoint};
  abi::Manifest m;
  for (ProbeKind k : kinds) m.probes.push_back(probe(k, abi::probe_kind_name(k), 0));
  std::vector<AttachPoint> points;
  for (const auto& p : m.probes) points.push_back({&p, "", "", p.spec.text, 0, false});
  ProbeProviders providers;
  std::vector<std::string> order;
  for (size_t i : attach_order(providers, points)) order.push_back(points[i].text);
  EXPECT_EQ(order, (std::vector<std::string>{
                       "tracepoint", "kretprobe", "hardware", "profile", "kretfunc", "interval",
                       "watchpoint", "asyncwatchpoint", "rawtracepoint", "iter", "uretprobe",
                       "kfunc", "usdt", "software", "uprobe", "kprobe"}));
}

} // namespace
} // namespace btc::rt
