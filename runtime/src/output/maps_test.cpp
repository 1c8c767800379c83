// maps_test.cpp: reduction, ordering and text printing of whole maps against the verbatim
// exit-time dumps of spec 8.7 (bpftrace 0.17), using an in-memory MapStore.
#include "output/maps.h"
#include "output/output.h"
#include "output/test_support.h"

#include <gtest/gtest.h>

namespace btc::rt {
namespace {

using abi::MapKind;
using abi::ValueKind;
using test::Bytes;

class MapsTest : public ::testing::Test {
protected:
  MapsTest() : store_(2) {
    i64_ = test::add_type(m_, ValueKind::Int, 8);
    u64_ = test::add_type(m_, ValueKind::UInt, 8);
    str_ = test::add_type(m_, ValueKind::String, 64);
  }

  std::string dump() {
    RenderEnv env{m_, names_, resolver_};
    StringSink sink;
    auto out = make_output(OutputFormat::Text, sink, env);
    print_all_maps(*out, store_, m_);
    return sink.text();
  }

  // Per-CPU value with one 8-byte slot per CPU.
  static std::vector<uint8_t> percpu(std::vector<uint64_t> per_cpu_values) {
    Bytes b;
    for (size_t i = 0; i < per_cpu_values.size(); ++i) b.put(8 * i, per_cpu_values[i]);
    return b;
  }
  // {count, total} (avg/stats) or {value, set} (min/max) per CPU.
  static std::vector<uint8_t> pairs(std::vector<std::pair<int64_t, int64_t>> per_cpu) {
    Bytes b;
    for (size_t i = 0; i < per_cpu.size(); ++i) b.put(16 * i, per_cpu[i].first).put(16 * i + 8, per_cpu[i].second);
    return b;
  }
  std::vector<uint8_t> u64_key(uint64_t k) { return Bytes().put(0, k); }
  std::vector<uint8_t> str_key(std::string_view s) { return Bytes().str(0, s, 64); }
  abi::Field key(uint32_t type, uint32_t offset = 0) { return {"", offset, type}; }

  abi::Manifest m_;
  std::vector<std::string> names_;
  test::FakeResolver resolver_;
  test::MemoryMapStore store_;
  uint32_t i64_, u64_, str_;
};

TEST_F(MapsTest, KeyedMapsVerbatim) {
  // @c["b"] = count(); @c["a"] = count() x2; @x[3] = 30; @x[1] = -10; @x[2] = 20;
  // @s["zz"] = "hello"; @s["aa"] = "world"; @st[1] = stats(5); @st[2] = stats(1), stats(2);
  // @av[1] = avg(10); @av[2] = avg(3); @t = (1, "two", (3, 4)); @tk[1, "a"] = 1; @tk[0, "b"] = 2
  uint32_t str4 = test::add_type(m_, ValueKind::String, 4);
  uint32_t pair = test::add_type(m_, ValueKind::Tuple, 16, {{"", 0, i64_}, {"", 8, i64_}});
  uint32_t tuple = test::add_type(m_, ValueKind::Tuple, 32, {{"", 0, i64_}, {"", 8, str4}, {"", 16, pair}});
  auto av = test::make_map("@av", MapKind::Avg, {key(u64_)}, abi::kNoIndex, 16);
  auto c = test::make_map("@c", MapKind::Count, {key(str_)});
  c.key_size = 64;
  auto s = test::make_map("@s", MapKind::Plain, {key(str_)}, str_, 64);
  auto st = test::make_map("@st", MapKind::Stats, {key(u64_)}, abi::kNoIndex, 16);
  auto t = test::make_map("@t", MapKind::Plain, {}, tuple, 32);
  auto tk = test::make_map("@tk", MapKind::Plain, {key(u64_), key(str_, 8)}, i64_);
  auto x = test::make_map("@x", MapKind::Plain, {key(u64_)}, i64_);
  m_.maps = {av, c, s, st, t, tk, x};

  store_.entries("AT_av") = {{u64_key(1), pairs({{1, 10}, {0, 0}})},
                             {u64_key(2), pairs({{0, 0}, {1, 3}})}};
  store_.entries("AT_c") = {{str_key("a"), percpu({1, 1})}, {str_key("b"), percpu({0, 1})}};
  store_.entries("AT_s") = {{str_key("zz"), Bytes().str(0, "hello", 64)},
                            {str_key("aa"), Bytes().str(0, "world", 64)}};
  store_.entries("AT_st") = {{u64_key(1), pairs({{1, 5}, {0, 0}})},
                             {u64_key(2), pairs({{1, 1}, {1, 2}})}};
  store_.entries("AT_t") = {{u64_key(0), Bytes().put<int64_t>(0, 1).str(8, "two", 4)
                                             .put<int64_t>(16, 3).put<int64_t>(24, 4)}};
  store_.entries("AT_tk") = {{Bytes().put<uint64_t>(0, 0).str(8, "b", 64), Bytes().put<int64_t>(0, 2)},
                             {Bytes().put<uint64_t>(0, 1).str(8, "a", 64), Bytes().put<int64_t>(0, 1)}};
  store_.entries("AT_x") = {{u64_key(2), Bytes().put<int64_t>(0, 20)},
                            {u64_key(3), Bytes().put<int64_t>(0, 30)},
                            {u64_key(1), Bytes().put<int64_t>(0, -10)}};
  EXPECT_EQ(dump(), "@av[2]: 3\n"
                    "@av[1]: 10\n"
                    "\n"
                    "@c[b]: 1\n"
                    "@c[a]: 2\n"
                    "@s[aa]: world\n"
                    "@s[zz]: hello\n"
                    "@st[2]: count 2, average 1, total 3\n"
                    "@st[1]: count 1, average 5, total 5\n"
                    "\n"
                    "@t: (1, two, (3, 4))\n"
                    "@tk[1, a]: 1\n"
                    "@tk[0, b]: 2\n"
                    "@x[1]: -10\n"
                    "@x[2]: 20\n"
                    "@x[3]: 30\n");
}

TEST_F(MapsTest, ScalarsOfEveryAggregationVerbatim) {
  auto a = test::make_map("@a", MapKind::Plain, {}, i64_);
  auto av = test::make_map("@av", MapKind::Avg, {}, abi::kNoIndex, 16);
  auto b = test::make_map("@b", MapKind::Plain, {key(u64_), key(str_, 8)}, i64_);
  auto c = test::make_map("@c", MapKind::Count);
  c.is_array = true;
  c.value_signed = false;
  auto mn = test::make_map("@mn", MapKind::Min, {}, abi::kNoIndex, 16);
  auto mx = test::make_map("@mx", MapKind::Max, {}, abi::kNoIndex, 16);
  auto s = test::make_map("@s", MapKind::Sum);
  auto st = test::make_map("@st", MapKind::Stats, {}, abi::kNoIndex, 16);
  m_.maps = {a, av, b, c, mn, mx, s, st};
  auto zero_key = u64_key(0);
  store_.entries("AT_a") = {{zero_key, Bytes().put<int64_t>(0, 1)}};
  store_.entries("AT_av") = {{zero_key, pairs({{1, 10}, {1, 21}})}};
  store_.entries("AT_b") = {{Bytes().put<uint64_t>(0, 1).str(8, "x", 64), Bytes().put<int64_t>(0, 2)}};
  store_.entries("AT_c") = {{Bytes().put<uint32_t>(0, 0), percpu({0, 1})}};
  store_.entries("AT_mn") = {{zero_key, pairs({{3, 1}, {0, 0}})}};
  store_.entries("AT_mx") = {{zero_key, pairs({{4, 1}, {9, 1}})}};
  store_.entries("AT_s") = {{zero_key, percpu({5, 7})}};
  store_.entries("AT_st") = {{zero_key, pairs({{1, 10}, {1, 21}})}};
  EXPECT_EQ(dump(), "@a: 1\n"
                    "@av: 15\n"
                    "\n"
                    "@b[1, x]: 2\n"
                    "@c: 1\n"
                    "@mn: 3\n"
                    "@mx: 9\n"
                    "@s: 12\n"
                    "@st: count 2, average 15, total 31\n"
                    "\n");
}

TEST_F(MapsTest, LinearAndKeyedHistogramsVerbatim) {
  auto k = test::make_map("@k", MapKind::Lhist, {}, abi::kNoIndex, 6 * 8);
  k.lhist_min = 0, k.lhist_max = 4096, k.lhist_step = 1024;
  auto l = test::make_map("@l", MapKind::Lhist, {}, abi::kNoIndex, 12 * 8);
  l.lhist_min = 0, l.lhist_max = 100, l.lhist_step = 10;
  auto mm = test::make_map("@m", MapKind::Lhist, {key(u64_)}, abi::kNoIndex, 12 * 8);
  mm.lhist_min = 0, mm.lhist_max = 10, mm.lhist_step = 1;
  m_.maps = {k, l, mm};
  store_ = test::MemoryMapStore(1);
  auto buckets = [](size_t n, std::vector<std::pair<size_t, uint64_t>> set) {
    Bytes b(n * 8);
    for (auto [i, v] : set) b.put(8 * i, v);
    return std::vector<uint8_t>(b);
  };
  store_.entries("AT_k") = {{u64_key(0), buckets(6, {{3, 2}})}};
  store_.entries("AT_l") = {{u64_key(0), buckets(12, {{0, 1}, {1, 1}, {4, 1}, {11, 2}})}};
  store_.entries("AT_m") = {{u64_key(2), buckets(12, {{6, 1}, {8, 1}})},
                            {u64_key(1), buckets(12, {{6, 1}})}};
  const char* full = "|@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n";
  const char* half = "|@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n";
  const char* none = "|                                                    |\n";
  std::string expected = std::string("@k: \n") +
      "[2K, 3K)               2 " + full + "\n" +
      "@l: \n" +
      "(..., 0)               1 " + half +
      "[0, 10)                1 " + half +
      "[10, 20)               0 " + none +
      "[20, 30)               0 " + none +
      "[30, 40)               1 " + half +
      "[40, 50)               0 " + none +
      "[50, 60)               0 " + none +
      "[60, 70)               0 " + none +
      "[70, 80)               0 " + none +
      "[80, 90)               0 " + none +
      "[90, 100)              0 " + none +
      "[100, ...)             2 " + full + "\n" +
      "@m[1]: \n" +
      "[5, 6)                 1 " + full + "\n" +
      "@m[2]: \n" +
      "[5, 6)                 1 " + full +
      "[6, 7)                 0 " + none +
      "[7, 8)                 1 " + full + "\n";
  EXPECT_EQ(dump(), expected);
}

TEST_F(MapsTest, EmptyMapsPrintEmptyLinesAndScalarCountPrintsZero) {
  // Verbatim 8.7 "clear / zero / delete effects" (after clear(@c), clear(@d), zero(@z),
  // delete(@e[1])).
  auto c = test::make_map("@c", MapKind::Count);
  c.is_array = true;
  auto d = test::make_map("@d", MapKind::Plain, {key(u64_)}, i64_);
  auto e = test::make_map("@e", MapKind::Plain, {key(u64_)}, i64_);
  auto z = test::make_map("@z", MapKind::Plain, {key(u64_)}, i64_);
  m_.maps = {c, d, e, z};
  store_.entries("AT_c") = {{Bytes().put<uint32_t>(0, 0), percpu({0, 0})}};
  store_.entries("AT_z") = {{u64_key(2), Bytes().put<int64_t>(0, 0)},
                            {u64_key(1), Bytes().put<int64_t>(0, 0)}};
  EXPECT_EQ(dump(), "@c: 0\n\n\n@z[1]: 0\n@z[2]: 0\n");
}

TEST_F(MapsTest, MinMaxIgnoreCpusThatNeverSetAValue) {
  auto mn = test::make_map("@mn", MapKind::Min, {}, abi::kNoIndex, 16);
  auto mx = test::make_map("@mx", MapKind::Max, {}, abi::kNoIndex, 16);
  m_.maps = {mn, mx};
  store_.entries("AT_mn") = {{u64_key(0), pairs({{0, 0}, {7, 1}})}};
  store_.entries("AT_mx") = {{u64_key(0), pairs({{-4, 1}, {0, 0}})}};
  EXPECT_EQ(dump(), "@mn: 7\n@mx: -4\n");
}

TEST_F(MapsTest, TopAndDiv) {
  auto at = test::make_map("@", MapKind::Plain, {key(u64_)}, i64_);
  at.bpf_name = "AT_";
  m_.maps = {at};
  for (int64_t i = 4; i >= 1; --i)
    store_.entries("AT_").push_back({u64_key(static_cast<uint64_t>(i)), Bytes().put<int64_t>(0, 10 * i)});
  RenderEnv env{m_, names_, resolver_};
  StringSink sink;
  auto out = make_output(OutputFormat::Text, sink, env);
  print_map(*out, store_, m_, m_.maps[0], 2, 1);
  print_map(*out, store_, m_, m_.maps[0], 0, 10);
  EXPECT_EQ(sink.text(), "@[3]: 30\n@[4]: 40\n@[1]: 1\n@[2]: 2\n@[3]: 3\n@[4]: 4\n");
}

TEST_F(MapsTest, NonNumericValuesSortByKeyFirstComponentFirst) {
  auto m = test::make_map("@m", MapKind::Plain, {key(u64_), key(str_, 8)}, str_, 64);
  m_.maps = {m};
  auto k = [&](uint64_t n, std::string_view s) { return Bytes().put(0, n).str(8, s, 64); };
  store_.entries("AT_m") = {{k(2, "a"), Bytes().str(0, "v1", 64)},
                            {k(1, "b"), Bytes().str(0, "v2", 64)},
                            {k(1, "a"), Bytes().str(0, "v3", 64)},
                            {k(0xffffffffffffffff, "a"), Bytes().str(0, "v4", 64)}};
  // Integer keys compare as unsigned, so UINT64_MAX sorts last.
  EXPECT_EQ(dump(), "@m[1, a]: v3\n@m[1, b]: v2\n@m[2, a]: v1\n@m[18446744073709551615, a]: v4\n");
}

TEST_F(MapsTest, ValuesKindsOnePerLine) {
  // 0.17 runs ksym/inet valued entries together; btc prints one entry per line (compat.md).
  uint32_t inet = test::add_type(m_, ValueKind::Inet, 24);
  auto n = test::make_map("@n", MapKind::Plain, {key(u64_)}, inet, 24);
  m_.maps = {n};
  store_.entries("AT_n") = {{u64_key(2), Bytes().put<uint64_t>(0, 2).put<uint32_t>(8, 0x0200007f)},
                            {u64_key(1), Bytes().put<uint64_t>(0, 2).put<uint32_t>(8, 0x0100007f)}};
  EXPECT_EQ(dump(), "@n[1]: 127.0.0.1\n@n[2]: 127.0.0.2\n");
}

} // namespace
} // namespace btc::rt
