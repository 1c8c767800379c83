// output_json_test.cpp: JSON records against the verbatim `-f json` example of spec 8.7.
#include "output/maps.h"
#include "output/output.h"
#include "output/test_support.h"

#include <gtest/gtest.h>

namespace btc::rt {
namespace {

using abi::MapKind;
using abi::ValueKind;
using test::Bytes;

TEST(OutputJsonTest, VerbatimExample) {
  abi::Manifest m;
  uint32_t i64 = test::add_type(m, ValueKind::Int, 8);
  uint32_t u64 = test::add_type(m, ValueKind::UInt, 8);
  uint32_t str = test::add_type(m, ValueKind::String, 64);
  uint32_t tup = test::add_type(m, ValueKind::Tuple, 16, {{"", 0, i64}, {"", 8, test::add_type(m, ValueKind::String, 2)}});
  uint32_t tup2 = test::add_type(m, ValueKind::Tuple, 16, {{"", 0, i64}, {"", 8, i64}});
  auto key = [](uint32_t t, uint32_t off = 0) { return abi::Field{"", off, t}; };

  auto a = test::make_map("@a", MapKind::Plain, {}, i64);
  auto av = test::make_map("@av", MapKind::Avg, {}, abi::kNoIndex, 16);
  auto b = test::make_map("@b", MapKind::Plain, {key(u64), key(str, 8)}, i64);
  auto c = test::make_map("@c", MapKind::Count);
  c.is_array = true;
  auto h = test::make_map("@h", MapKind::Hist, {}, abi::kNoIndex, 65 * 8);
  auto hk = test::make_map("@hk", MapKind::Hist, {key(str)}, abi::kNoIndex, 65 * 8);
  auto l = test::make_map("@l", MapKind::Lhist, {}, abi::kNoIndex, 4 * 8);
  l.lhist_min = 0, l.lhist_max = 10, l.lhist_step = 5;
  auto s = test::make_map("@s", MapKind::Sum, {key(str)});
  auto st = test::make_map("@st", MapKind::Stats, {}, abi::kNoIndex, 16);
  auto strm = test::make_map("@str", MapKind::Plain, {}, str, 64);
  auto tupm = test::make_map("@tup", MapKind::Plain, {}, tup, 16);
  m.maps = {a, av, b, c, h, hk, l, s, st, strm, tupm};

  test::MemoryMapStore store(1);
  auto zero = Bytes().put<uint64_t>(0, 0);
  auto buckets = [](size_t n, std::vector<std::pair<size_t, uint64_t>> set) {
    Bytes bb(n * 8);
    for (auto [i, v] : set) bb.put(8 * i, v);
    return std::vector<uint8_t>(bb);
  };
  store.entries("AT_a") = {{zero, Bytes().put<int64_t>(0, 1)}};
  store.entries("AT_av") = {{zero, Bytes().put<int64_t>(0, 1).put<int64_t>(8, 10)}};
  store.entries("AT_b") = {{Bytes().put<uint64_t>(0, 1).str(8, "x", 64), Bytes().put<int64_t>(0, 2)}};
  store.entries("AT_c") = {{Bytes().put<uint32_t>(0, 0), Bytes().put<uint64_t>(0, 1)}};
  store.entries("AT_h") = {{zero, buckets(65, {{0, 1}, {1, 1}, {4, 1}})}};
  store.entries("AT_hk") = {{Bytes().str(0, "a", 64), buckets(65, {{3, 1}})}};
  store.entries("AT_l") = {{zero, buckets(4, {{2, 1}, {3, 1}})}};
  store.entries("AT_s") = {{Bytes().str(0, "k", 64), Bytes().put<int64_t>(0, 5)}};
  store.entries("AT_st") = {{zero, Bytes().put<int64_t>(0, 1).put<int64_t>(8, 10)}};
  store.entries("AT_str") = {{zero, Bytes().str(0, "hello\"q", 64)}};
  store.entries("AT_tup") = {{zero, Bytes().put<int64_t>(0, 1).str(8, "a", 2).resize(16)}};

  std::vector<std::string> names;
  test::FakeResolver resolver;
  RenderEnv env{m, names, resolver};
  StringSink sink;
  auto out = make_output(OutputFormat::Json, sink, env);
  out->attached_probes(1);
  out->message(MessageKind::Printf, "hi 5\n");
  out->value(i64, Bytes().put<int64_t>(0, 7).data());
  out->value(str, Bytes().str(0, "s", 64).data());
  out->value(tup2, Bytes().put<int64_t>(0, 1).put<int64_t>(8, 2).data());
  out->message(MessageKind::Time, "00\n");
  print_all_maps(*out, store, m);
  EXPECT_EQ(sink.text(),
            "{\"type\": \"attached_probes\", \"data\": {\"probes\": 1}}\n"
            "{\"type\": \"printf\", \"data\": \"hi 5\\n\"}\n"
            "{\"type\": \"value\", \"data\": 7}\n"
            "{\"type\": \"value\", \"data\": \"s\"}\n"
            "{\"type\": \"value\", \"data\": [1,2]}\n"
            "{\"type\": \"time\", \"data\": \"00\\n\"}\n"
            "{\"type\": \"map\", \"data\": {\"@a\": 1}}\n"
            "{\"type\": \"stats\", \"data\": {\"@av\": 10}}\n"
            "{\"type\": \"map\", \"data\": {\"@b\": {\"1,x\": 2}}}\n"
            "{\"type\": \"map\", \"data\": {\"@c\": 1}}\n"
            "{\"type\": \"hist\", \"data\": {\"@h\": [{\"max\": -1, \"count\": 1}, {\"min\": 0, \"max\": 0, \"count\": 1}, {\"min\": 1, \"max\": 1, \"count\": 0}, {\"min\": 2, \"max\": 3, \"count\": 0}, {\"min\": 4, \"max\": 7, \"count\": 1}]}}\n"
            "{\"type\": \"hist\", \"data\": {\"@hk\": {\"a\": [{\"min\": 2, \"max\": 3, \"count\": 1}]}}}\n"
            "{\"type\": \"hist\", \"data\": {\"@l\": [{\"min\": 5, \"max\": 9, \"count\": 1}, {\"min\": 10, \"count\": 1}]}}\n"
            "{\"type\": \"map\", \"data\": {\"@s\": {\"k\": 5}}}\n"
            "{\"type\": \"stats\", \"data\": {\"@st\": {\"count\": 1, \"average\": 10, \"total\": 10}}}\n"
            "{\"type\": \"map\", \"data\": {\"@str\": \"hello\\\"q\"}}\n"
            "{\"type\": \"map\", \"data\": {\"@tup\": [1,\"a\"]}}\n");
}

TEST(OutputJsonTest, EmptyMapsAreSkippedAndOtherRecords) {
  abi::Manifest m;
  uint32_t i64 = test::add_type(m, ValueKind::Int, 8);
  m.maps = {test::make_map("@e", MapKind::Plain, {{"", 0, i64}}, i64)};
  m.source_name = "stdin";
  m.source_lines = {"BEGIN { @x = *(int8*)0; }"};
  test::MemoryMapStore store;
  std::vector<std::string> names;
  test::FakeResolver resolver;
  RenderEnv env{m, names, resolver};
  StringSink sink;
  auto out = make_output(OutputFormat::Json, sink, env);
  print_all_maps(*out, store, m);
  out->message(MessageKind::Cat, "Linux\n");
  out->message(MessageKind::Syscall, "sys\n");
  out->message(MessageKind::Join, "/bin/echo a b");
  out->helper_error("probe_read", -14, 1, 42, 43);
  out->lost_events(3);
  EXPECT_EQ(sink.text(),
            "{\"type\": \"cat\", \"data\": \"Linux\\n\"}\n"
            "{\"type\": \"syscall\", \"data\": \"sys\\n\"}\n"
            "{\"type\": \"join\", \"data\": \"/bin/echo a b\"}\n"
            "{\"type\": \"helper_error\", \"helper\": \"probe_read\", \"retcode\": -14, \"line\": 1, \"col\": 42}\n"
            "{\"type\": \"lost_events\", \"data\": {\"events\": 3}}\n");
}

} // namespace
} // namespace btc::rt
