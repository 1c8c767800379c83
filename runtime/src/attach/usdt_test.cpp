// usdt_test.cpp: usdt probe names, the files a process maps, and whole probes resolved
// against python3.11's notes by the usdt provider.
#include "attach/registry.h"
#include "attach/usdt.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace btc::rt {
namespace {

// The session's two passes before load, over every probe of `m` (no object: no spec map).
bool prepare(ProbeProvider& usdt, const abi::Manifest& m, std::string& err) {
  PrepareInput in;
  for (const auto& p : m.probes)
    if (!usdt.resolve(in, m, p, err)) return false;
  for (const auto& p : m.probes)
    if (!usdt.prepare(in, m, p, err)) return false;
  return true;
}

TEST(UsdtNames, SplitNamespace) {
  auto n = split_usdt_name("python:function__entry");
  EXPECT_EQ(n.ns, "python");
  EXPECT_EQ(n.name, "function__entry");
  n = split_usdt_name("gc__start");
  EXPECT_EQ(n.ns, "");
  EXPECT_EQ(n.name, "gc__start");
}

TEST(UsdtNames, MappedFiles) {
  auto files = mapped_files(
      "00400000-00401000 r--p 00000000 08:01 123 /usr/bin/python3.11\n"
      "00401000-00402000 r-xp 00001000 08:01 123 /usr/bin/python3.11\n"
      "7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n"
      "7f0000001000-7f0000002000 r-xp 00000000 08:01 9 /lib/x86_64-linux-gnu/libc.so.6\n"
      "7ffd00000000-7ffd00001000 rw-p 00000000 00:00 0                          [stack]\n"
      "7f0000003000-7f0000004000 r-xp 00000000 08:01 7 /tmp/gone (deleted)\n");
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0], "/usr/bin/python3.11");
  EXPECT_EQ(files[1], "/lib/x86_64-linux-gnu/libc.so.6");
}

// Resolution of whole probes against python3.11: expanded names, wildcards, missing args.
TEST(UsdtPlan, Python311Probes) {
  const char* path = "/usr/bin/python3.11";
  if (access(path, R_OK) != 0) GTEST_SKIP() << "no " << path;
  auto desc = [](std::string target, std::string func, bool wildcard, uint32_t id) {
    abi::ProbeDesc p;
    p.spec.kind = abi::ProbeKind::Usdt;
    p.spec.target = std::move(target);
    p.spec.func = std::move(func);
    p.spec.wildcard = wildcard;
    p.probe_id = id;
    p.spec.text = "usdt:" + p.spec.target + ":" + p.spec.func;
    return p;
  };
  abi::Manifest m;
  m.probes = {desc(path, "gc__start", false, 0), desc(path, "python:func*", true, 1)};
  m.probes[0].arg_mask = 1;
  std::string err;
  ProbeProviders providers;
  ProbeProvider& usdt = providers.of(abi::ProbeKind::Usdt);
  ASSERT_TRUE(prepare(usdt, m, err)) << err;
  std::vector<std::string> names = {m.probes[0].spec.text, m.probes[1].spec.text};
  std::vector<AttachPoint> points;
  ASSERT_TRUE(usdt.plan(m, m.probes[0], names, points, err)) << err;
  ASSERT_TRUE(usdt.plan(m, m.probes[1], names, points, err)) << err;
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(names[0], "usdt:/usr/bin/python3.11:python:gc__start");
  EXPECT_EQ(points[0].id, 0u);
  EXPECT_FALSE(points[0].from_wildcard);
  EXPECT_EQ(points[1].text, "usdt:/usr/bin/python3.11:python:function__entry");
  EXPECT_EQ(points[2].text, "usdt:/usr/bin/python3.11:python:function__return");
  EXPECT_EQ(points[1].id, 2u);
  EXPECT_TRUE(points[2].from_wildcard);

  m.probes = {desc(path, "python:gc__done", false, 0)};
  m.probes[0].arg_mask = 1u << 1; // gc__done has one argument
  m.probes[0].spec.text = "usdt:/usr/bin/python3.11:python:gc__done";
  ProbeProviders fresh;
  EXPECT_FALSE(prepare(fresh.of(abi::ProbeKind::Usdt), m, err));
  EXPECT_EQ(err, "ERROR: couldn't get argument 1 for /usr/bin/python3.11:python:gc__done\n");
}

} // namespace
} // namespace btc::rt
