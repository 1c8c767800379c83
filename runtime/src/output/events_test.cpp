// events_test.cpp: ring-buffer record dispatch, checked against the verbatim "print() with
// top/div, value printing, empty maps" and "clear / zero" outputs of spec 8.7.
#include "output/events.h"
#include "output/test_support.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

namespace btc::rt {
namespace {

using abi::EventKind;
using abi::MapKind;
using abi::ValueKind;
using test::Bytes;

class EventsTest : public ::testing::Test {
protected:
  EventsTest() {
    i64_ = test::add_type(m_, ValueKind::Int, 8);
    u64_ = test::add_type(m_, ValueKind::UInt, 8);
    str_ = test::add_type(m_, ValueKind::String, 64);
  }

  uint32_t event(EventKind kind, std::vector<abi::Field> args = {}, uint32_t map = abi::kNoIndex,
                 std::string format = "") {
    abi::EventDesc e;
    e.kind = kind;
    e.args = std::move(args);
    e.map = map;
    e.format = std::move(format);
    m_.events.push_back(std::move(e));
    return static_cast<uint32_t>(m_.events.size() - 1);
  }

  // The HelperError event and a record of it: {helper, return code, map, source location}.
  uint32_t helper_error_event() {
    return event(EventKind::HelperError,
                 {{"", 0, u64_}, {"", 8, i64_}, {"", 16, u64_}, {"", 24, u64_}});
  }
  static std::vector<uint8_t> helper_error(uint64_t helper, int64_t ret, uint64_t map,
                                           uint64_t line, uint64_t col_begin, uint64_t col_end) {
    return Bytes()
        .put<uint64_t>(0, helper)
        .put<int64_t>(8, ret)
        .put<uint64_t>(16, map)
        .put<uint64_t>(24, line << 32 | col_begin << 16 | col_end);
  }

  void send(uint32_t id, std::vector<uint8_t> payload = {}) {
    Bytes rec;
    rec.put<uint64_t>(0, id);
    for (size_t i = 0; i < payload.size(); ++i) rec.put<uint8_t>(8 + i, payload[i]);
    handler_->handle(rec.data());
  }

  void start() {
    env_ = std::make_unique<RenderEnv>(RenderEnv{m_, names_, resolver_});
    out_ = make_output(OutputFormat::Text, sink_, *env_);
    handler_ = std::make_unique<EventHandler>(m_, *out_, store_, *env_);
  }

  abi::Manifest m_;
  std::vector<std::string> names_;
  test::FakeResolver resolver_;
  test::MemoryMapStore store_{1};
  StringSink sink_;
  std::unique_ptr<RenderEnv> env_;
  std::unique_ptr<Output> out_;
  std::unique_ptr<EventHandler> handler_;
  uint32_t i64_, u64_, str_;
};

TEST_F(EventsTest, PrintTopDivValuesAndEmptyMapsVerbatim) {
  auto key = abi::Field{"", 0, u64_};
  auto at = test::make_map("@", MapKind::Plain, {key}, i64_);
  at.bpf_name = "AT_";
  auto e = test::make_map("@e", MapKind::Plain, {key}, i64_);
  auto h = test::make_map("@h", MapKind::Hist, {}, abi::kNoIndex, 65 * 8);
  m_.maps = {at, e, h};
  uint32_t tup = test::add_type(m_, ValueKind::Tuple, 16,
                                {{"", 0, i64_}, {"", 8, test::add_type(m_, ValueKind::String, 2)}});
  uint32_t comm = test::add_type(m_, ValueKind::String, 16);
  std::vector<abi::Field> top_div = {{"", 0, u64_}, {"", 8, u64_}};
  uint32_t print_at = event(EventKind::PrintMap, top_div, 0);
  uint32_t print_e = event(EventKind::PrintMap, top_div, 1);
  uint32_t print_h = event(EventKind::PrintMap, top_div, 2);
  uint32_t clear_e = event(EventKind::Clear, {}, 1);
  uint32_t print_int = event(EventKind::Print, {{"", 0, i64_}});
  uint32_t print_str = event(EventKind::Print, {{"", 0, str_}});
  uint32_t print_tup = event(EventKind::Print, {{"", 0, tup}});
  uint32_t print_comm = event(EventKind::Print, {{"", 0, comm}});
  uint32_t exit_ev = event(EventKind::Exit);
  for (uint64_t i = 1; i <= 4; ++i)
    store_.entries("AT_").push_back({Bytes().put(0, i), Bytes().put<int64_t>(0, 10 * i)});
  store_.entries("AT_e") = {{Bytes().put<uint64_t>(0, 1), Bytes().put<int64_t>(0, 1)}};
  Bytes hb(65 * 8);
  hb.put<uint64_t>(8 * 4, 1).put<uint64_t>(8 * 8, 1);
  store_.entries("AT_h") = {{Bytes().put<uint64_t>(0, 0), hb}};
  start();

  send(print_at, Bytes().put<uint64_t>(0, 2).put<uint64_t>(8, 0));
  send(print_at, Bytes().put<uint64_t>(0, 0).put<uint64_t>(8, 10));
  send(print_h, Bytes().put<uint64_t>(0, 0).put<uint64_t>(8, 0));
  send(clear_e);
  send(print_e, Bytes().put<uint64_t>(0, 0).put<uint64_t>(8, 0));
  send(print_int, Bytes().put<int64_t>(0, 123));
  send(print_int, Bytes().put<int64_t>(0, -5));
  send(print_str, Bytes().str(0, "abc", 64));
  send(print_tup, Bytes().put<int64_t>(0, 1).str(8, "x", 2).resize(16));
  send(print_comm, Bytes().str(0, "bpftrace", 16));
  EXPECT_FALSE(handler_->exit_requested());
  send(exit_ev);
  EXPECT_TRUE(handler_->exit_requested());
  EXPECT_EQ(sink_.text(),
            "@[3]: 30\n"
            "@[4]: 40\n"
            "@[1]: 1\n"
            "@[2]: 2\n"
            "@[3]: 3\n"
            "@[4]: 4\n"
            "@h: \n"
            "[4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
            "[8, 16)                0 |                                                    |\n"
            "[16, 32)               0 |                                                    |\n"
            "[32, 64)               0 |                                                    |\n"
            "[64, 128)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
            "\n"
            "\n"
            "123\n"
            "-5\n"
            "abc\n"
            "(1, x)\n"
            "bpftrace\n");
}

TEST_F(EventsTest, ClearAndZero) {
  auto key = abi::Field{"", 0, u64_};
  auto c = test::make_map("@c", MapKind::Count);
  c.is_array = true;
  auto z = test::make_map("@z", MapKind::Plain, {key}, i64_);
  m_.maps = {c, z};
  uint32_t clear_c = event(EventKind::Clear, {}, 0);
  uint32_t zero_z = event(EventKind::Zero, {}, 1);
  store_.entries("AT_c") = {{Bytes().put<uint32_t>(0, 0), Bytes().put<uint64_t>(0, 5)}};
  store_.entries("AT_z") = {{Bytes().put<uint64_t>(0, 1), Bytes().put<int64_t>(0, 7)}};
  start();
  send(clear_c);
  send(zero_z);
  print_all_maps(*out_, store_, m_);
  EXPECT_EQ(sink_.text(), "@c: 0\n@z[1]: 0\n");
}

TEST_F(EventsTest, PrintfCatJoin) {
  uint32_t pf = event(EventKind::Printf, {{"", 0, i64_}, {"", 8, str_}}, abi::kNoIndex, "%d %s\n");
  char path[] = "/tmp/btc_rt_cat_XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "Linux\n", 6), 6);
  close(fd);
  uint32_t cat = event(EventKind::Cat, {{"", 0, str_}}, abi::kNoIndex, "%s");
  uint32_t elem = test::add_type(m_, ValueKind::String, 16);
  uint32_t block = test::add_type(m_, ValueKind::Array, 16 * 16, {}, elem, 16);
  uint32_t join = event(EventKind::Join, {{"", 0, block}}, abi::kNoIndex, " ");
  start();
  send(pf, Bytes().put<int64_t>(0, 5).str(8, "bash", 64));
  send(cat, Bytes().str(0, path, 64));
  send(join, Bytes().str(0, "/bin/echo", 16).str(16, "a", 16).str(32, "b", 16).resize(256));
  unlink(path);
  EXPECT_EQ(sink_.text(), "5 bash\nLinux\n/bin/echo a b\n");
}

TEST_F(EventsTest, RecordsAfterExitAreDroppedUntilEndRuns) {
  uint32_t pf = event(EventKind::Printf, {{"", 0, i64_}}, abi::kNoIndex, "%d\n");
  uint32_t ex = event(EventKind::Exit);
  start();
  send(pf, Bytes().put<int64_t>(0, 1).resize(8));
  send(ex);
  send(pf, Bytes().put<int64_t>(0, 2).resize(8)); // queued by another probe after exit()
  handler_->accept_events_after_exit();             // END runs now
  send(pf, Bytes().put<int64_t>(0, 3).resize(8));
  EXPECT_TRUE(handler_->exit_requested());
  EXPECT_EQ(sink_.text(), "1\n3\n");
}

TEST_F(EventsTest, CatReadsAtMostTheLimit) {
  char path[] = "/tmp/btc_rt_cat_XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "0123456789", 10), 10);
  close(fd);
  uint32_t cat = event(EventKind::Cat, {{"", 0, str_}}, abi::kNoIndex, "%s");
  start();
  handler_->set_cat_limit(4);
  send(cat, Bytes().str(0, path, 64));
  unlink(path);
  EXPECT_EQ(sink_.text(), "0123");
}

TEST_F(EventsTest, HelperErrorIsALocatedWarningOnTheOutput) {
  m_.source_name = "stdin";
  m_.source_lines = {"BEGIN { @x = *(int8*)0; }"};
  uint32_t he = helper_error_event();
  start();
  send(he, helper_error(4, -14, abi::kNoIndex, 1, 14, 23));
  EXPECT_EQ(sink_.text(), "stdin:1:14-23: WARNING: Failed to probe_read: Bad address (-14)\n"
                          "BEGIN { @x = *(int8*)0; }\n"
                          "             ~~~~~~~~~\n");
}

TEST_F(EventsTest, FullMapWarnsOnStderrAndKAddsTheLocatedText) {
  m_.source_name = "stdin";
  m_.source_lines = {"interval:ms:10 { @x[nsecs] = 1; }"};
  auto key = abi::Field{"", 0, u64_};
  m_.maps = {test::make_map("@x", MapKind::Plain, {key}, i64_)};
  uint32_t he = helper_error_event();
  store_.set_max_entries(4);
  start();
  std::string warnings;
  handler_->set_warning_sink([&](std::string_view t) { warnings += t; });
  auto full = helper_error(2, -7, 0, 1, 28, 29);
  send(he, full);
  send(he, full);
  EXPECT_EQ(sink_.text(), ""); // without -k only the warning
  EXPECT_EQ(warnings, "WARNING: map @x is full (4 entries, BPFTRACE_MAP_KEYS_MAX): new keys are dropped\n");
  warnings.clear();
  handler_->finish();
  EXPECT_EQ(warnings, "WARNING: map @x is full (4 entries, BPFTRACE_MAP_KEYS_MAX): 1 more new key dropped\n");
  // Other map-update failures are never silent.
  send(he, helper_error(2, -12, 0, 1, 28, 29));
  EXPECT_EQ(sink_.text(), "stdin:1:28-29: WARNING: Failed to map_update_elem: Cannot allocate memory (-12)\n"
                          "interval:ms:10 { @x[nsecs] = 1; }\n"
                          "                           ~\n");
  handler_->set_helper_errors(1);
  warnings.clear();
  send(he, full);
  EXPECT_EQ(warnings, "");
  EXPECT_NE(sink_.text().find("WARNING: Failed to map_update_elem: Argument list too long (-7)"),
            std::string::npos);
}

TEST_F(EventsTest, DropsAndHelperFailuresAreCountedForMetrics) {
  m_.source_lines = {"interval:ms:10 { @x[nsecs] = 1; }"};
  auto key = abi::Field{"", 0, u64_};
  m_.maps = {test::make_map("@x", MapKind::Plain, {key}, i64_)};
  uint32_t he = helper_error_event();
  start();
  handler_->set_warning_sink([](std::string_view) {});
  SelfCounters counters(m_.maps.size());
  handler_->set_counters(&counters);
  send(he, helper_error(2, -7, 0, 1, 28, 29)); // a full map: a drop, not a helper error
  send(he, helper_error(2, -7, 0, 1, 28, 29));
  send(he, helper_error(113, -14, abi::kNoIndex, 1, 1, 2)); // probe_read_kernel (-kk)
  send(he, helper_error(999, -1, abi::kNoIndex, 1, 1, 2));  // past the table: last slot
  EXPECT_EQ(counters.map_full_drops[0].load(), 2u);
  EXPECT_EQ(counters.helper_errors[2].load(), 0u);
  EXPECT_EQ(counters.helper_errors[113].load(), 1u);
  EXPECT_EQ(counters.helper_errors[counters.helper_errors.size() - 1].load(), 1u);
}

TEST_F(EventsTest, HelperErrorJsonAndNames) {
  uint32_t he = helper_error_event();
  env_ = std::make_unique<RenderEnv>(RenderEnv{m_, names_, resolver_});
  out_ = make_output(OutputFormat::Json, sink_, *env_);
  handler_ = std::make_unique<EventHandler>(m_, *out_, store_, *env_);
  send(he, helper_error(2, -7, abi::kNoIndex, 1, 25, 26));
  EXPECT_EQ(sink_.text(), "{\"type\": \"helper_error\", \"helper\": \"map_update_elem\", "
                          "\"retcode\": -7, \"line\": 1, \"col\": 25}\n");
  EXPECT_EQ(helper_name(113), "probe_read_kernel");
  EXPECT_EQ(helper_name(131), "ringbuf_reserve");
  EXPECT_EQ(helper_name(9999), "helper_9999");
}

TEST_F(EventsTest, JoinOverAStringBlockOfStrlenSlots) {
  m_.strlen = 8;
  uint32_t block = test::add_type(m_, ValueKind::String, 16 * 8);
  uint32_t join = event(EventKind::Join, {{"", 0, block}}, abi::kNoIndex, ",");
  start();
  send(join, Bytes().str(0, "ls", 8).str(8, "-l", 8).str(16, "12345678", 8).resize(128));
  send(join, Bytes().resize(128));
  EXPECT_EQ(sink_.text(), "ls,-l,12345678\n\n");
}

TEST_F(EventsTest, CatErrorGoesToTheWarningSink) {
  uint32_t cat = event(EventKind::Cat, {{"", 0, str_}}, abi::kNoIndex, "%s");
  start();
  std::string warnings;
  handler_->set_warning_sink([&](std::string_view t) { warnings += t; });
  send(cat, Bytes().str(0, "/nonexistent_btc_file", 64));
  EXPECT_EQ(warnings, "ERROR: failed to open file '/nonexistent_btc_file': No such file or directory\n");
  EXPECT_EQ(sink_.text(), "");
}

TEST_F(EventsTest, UnknownEventIdsAreIgnored) {
  start();
  send(99);
  handler_->handle(std::vector<uint8_t>{1, 2});
  EXPECT_EQ(sink_.text(), "");
}

} // namespace
} // namespace btc::rt
