// watchpoint_test.cpp: watchpoint planning (names, the -p/-c requirement), breakpoint types,
// the dispatch of watchpoint events and the out-of-registers notice in text and JSON.
#include "attach/watchpoint.h"
#include "output/events.h"
#include "output/test_support.h"

#include <gtest/gtest.h>

#include <linux/hw_breakpoint.h>
#include <unistd.h>

namespace btc::rt {
namespace {

using abi::ProbeKind;

abi::ProbeDesc watch_desc(ProbeKind kind, int32_t arg, std::string func = "") {
  abi::ProbeDesc p;
  p.spec.kind = kind;
  p.prog_name = "watchpoint_0_0";
  p.spec.func = std::move(func);
  p.spec.offset = arg < 0 ? 0x10000000 : 0;
  p.spec.watch_len = 4;
  p.spec.watch_mode = "w";
  p.spec.watch_arg = arg;
  p.spec.text = arg < 0 ? "watchpoint:268435456:4:w" : "watchpoint:" + p.spec.func + "+arg0:4:w";
  p.line = 1;
  p.col_begin = 1;
  p.col_end = 29;
  return p;
}

TEST(Watch, BreakpointTypes) {
  EXPECT_EQ(breakpoint_type("w"), uint32_t{HW_BREAKPOINT_W});
  EXPECT_EQ(breakpoint_type("rw"), uint32_t{HW_BREAKPOINT_RW});
  EXPECT_EQ(breakpoint_type("x"), uint32_t{HW_BREAKPOINT_X});
  EXPECT_EQ(breakpoint_type("q"), 0u);
}

TEST(Watch, FuncFormNamesTheCommandAsWritten) {
  auto p = watch_desc(ProbeKind::AsyncWatchpoint, 0, "watch_me");
  p.spec.watch_mode = "rw";
  EXPECT_EQ(watch_probe_name(p, "./prog", "watch_me"), "asyncwatchpoint:./prog:watch_me:4:rw");

  abi::Manifest m;
  m.probes.push_back(watch_desc(ProbeKind::Watchpoint, 0, "watch_me"));
  std::vector<std::string> names = {m.probes[0].spec.text};
  std::vector<AttachPoint> points;
  std::string err;
  WatchpointProvider watch;
  PrepareInput in;
  in.child_pid = getpid();
  in.command = "./prog 1 2";
  ASSERT_TRUE(watch.resolve(in, m, m.probes[0], err)) << err;
  ASSERT_TRUE(watch.plan(m, m.probes[0], names, points, err)) << err;
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].text, "watchpoint:./prog:watch_me:4:w");
  EXPECT_EQ(names[0], "watchpoint:./prog:watch_me:4:w");
  EXPECT_EQ(points[0].func, "watch_me");
  EXPECT_EQ(points[0].id, 0u);
}

TEST(Watch, FuncFormNeedsAProcess) {
  abi::Manifest m;
  m.source_name = "stdin";
  m.source_lines = {"watchpoint:watch_me+arg0:4:w { @ = count(); }"};
  m.probes.push_back(watch_desc(ProbeKind::Watchpoint, 0, "watch_me"));
  std::vector<std::string> names = {m.probes[0].spec.text};
  std::vector<AttachPoint> points;
  std::string err;
  WatchpointProvider watch;
  ASSERT_TRUE(watch.resolve(PrepareInput{}, m, m.probes[0], err)) << err;
  EXPECT_FALSE(watch.plan(m, m.probes[0], names, points, err));
  EXPECT_EQ(err, "stdin:1:1-29: ERROR: -p PID or -c CMD required for watchpoint\n"
                 "watchpoint:watch_me+arg0:4:w { @ = count(); }\n"
                 "~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n");
}

TEST(Watch, AddressFormIsOneAttachPoint) {
  abi::Manifest m;
  m.probes.push_back(watch_desc(ProbeKind::Watchpoint, -1));
  std::vector<std::string> names = {m.probes[0].spec.text};
  std::vector<AttachPoint> points;
  std::string err;
  WatchpointProvider watch;
  ASSERT_TRUE(watch.resolve(PrepareInput{}, m, m.probes[0], err)) << err;
  ASSERT_TRUE(watch.plan(m, m.probes[0], names, points, err)) << err;
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].text, "watchpoint:268435456:4:w");
}

TEST(Watch, ArmingAnUnknownAttachPointFails) {
  WatchpointProvider watch;
  ArmOutcome out = watch.arm(12345, 0x1000);
  EXPECT_EQ(out.result, ArmResult::Failed);
  EXPECT_FALSE(out.resume_tracee);
}

class RecordingSink final : public WatchSink {
public:
  void attach(uint64_t addr, uint64_t id) override { log += "attach " + std::to_string(addr) + " " + std::to_string(id) + "\n"; }
  void detach(uint64_t addr) override { log += "detach " + std::to_string(addr) + "\n"; }
  std::string log;
};

TEST(Watch, EventsReachTheSink) {
  abi::Manifest m;
  uint32_t u64 = test::add_type(m, abi::ValueKind::UInt, 8);
  abi::EventDesc attach;
  attach.kind = abi::EventKind::WatchpointAttach;
  attach.args = {{"", 0, u64}, {"", 8, u64}};
  attach.payload_size = 16;
  abi::EventDesc detach;
  detach.kind = abi::EventKind::WatchpointDetach;
  detach.args = {{"", 0, u64}};
  detach.payload_size = 8;
  m.events = {attach, detach};
  std::vector<std::string> names;
  test::FakeResolver resolver;
  test::MemoryMapStore store{1};
  StringSink sink;
  RenderEnv env{m, names, resolver};
  auto out = make_output(OutputFormat::Text, sink, env);
  EventHandler handler(m, *out, store, env);
  test::Bytes a;
  a.put<uint64_t>(0, 0).put<uint64_t>(8, 0x404024).put<uint64_t>(16, 3);
  handler.handle(a.data()); // no sink yet: ignored
  RecordingSink rec;
  handler.set_watch_sink(&rec);
  handler.handle(a.data());
  test::Bytes d;
  d.put<uint64_t>(0, 1).put<uint64_t>(8, 0x404024);
  handler.handle(d.data());
  EXPECT_EQ(rec.log, "attach 4210724 3\ndetach 4210724\n");
  EXPECT_EQ(sink.text(), "");
}

TEST(Watch, OutOfRegistersNotice) {
  abi::Manifest m;
  std::vector<std::string> names;
  test::FakeResolver resolver;
  RenderEnv env{m, names, resolver};
  StringSink text, json;
  make_output(OutputFormat::Text, text, env)->message(MessageKind::LostEvents,
                                                      kOutOfWatchpointRegisters);
  make_output(OutputFormat::Json, json, env)->message(MessageKind::LostEvents,
                                                      kOutOfWatchpointRegisters);
  EXPECT_EQ(text.text(),
            "Failed to attach watchpoint probe. You are out of watchpoint registers.\n");
  EXPECT_EQ(json.text(), "{\"type\": \"lost_events\", \"data\": \"Failed to attach watchpoint "
                         "probe. You are out of watchpoint registers.\"}\n");
}

} // namespace
} // namespace btc::rt
