// tracepoint_test.cpp: format-file parsing and the CO-RE anchor struct of tracepoints.
#include "btf/tracepoint.h"

#include <gtest/gtest.h>

#include <unistd.h>

namespace btc::btf {
namespace {

constexpr const char* kOpenat = R"(name: sys_enter_openat
ID: 782
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:int __syscall_nr;	offset:8;	size:4;	signed:1;
	field:int dfd;	offset:16;	size:8;	signed:0;
	field:const char * filename;	offset:24;	size:8;	signed:0;
	field:int flags;	offset:32;	size:8;	signed:0;
	field:umode_t mode;	offset:40;	size:8;	signed:0;

print fmt: "dfd: 0x%08lx", ((unsigned long)(REC->dfd))
)";

constexpr const char* kExec = R"(name: sched_process_exec
ID: 365
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:__data_loc char[] filename;	offset:8;	size:4;	signed:0;
	field:pid_t pid;	offset:12;	size:4;	signed:1;
	field:pid_t old_pid;	offset:16;	size:4;	signed:1;

print fmt: "filename=%s", __get_str(filename)
)";

constexpr const char* kWakeup = R"(name: sched_wakeup
format:
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:char comm[16];	offset:8;	size:16;	signed:0;
	field:pid_t pid;	offset:24;	size:4;	signed:1;
	field:int prio;	offset:28;	size:4;	signed:1;
	field:int target_cpu;	offset:32;	size:4;	signed:1;

print fmt: "comm=%s"
)";

TEST(TracepointFormat, ParsesFieldsAndSkipsCommon) {
  auto f = parse_tracepoint_format("syscalls", "sys_enter_openat", kOpenat);
  ASSERT_TRUE(static_cast<bool>(f)) << llvm::toString(f.takeError());
  ASSERT_EQ(f->fields.size(), 5u);
  EXPECT_EQ(f->fields[0].name, "__syscall_nr");
  EXPECT_TRUE(f->fields[0].is_signed);
  EXPECT_EQ(f->fields[2].name, "filename");
  EXPECT_EQ(f->fields[2].c_type, "const char *");
  EXPECT_EQ(f->fields[2].offset, 24u);
  EXPECT_EQ(f->fields[2].size, 8u);
}

TEST(TracepointFormat, DataLocAndArrays) {
  auto exec = parse_tracepoint_format("sched", "sched_process_exec", kExec);
  ASSERT_TRUE(static_cast<bool>(exec));
  ASSERT_EQ(exec->fields.size(), 3u);
  EXPECT_TRUE(exec->fields[0].data_loc);
  EXPECT_EQ(exec->fields[0].c_type, "char[]");
  EXPECT_EQ(exec->fields[0].name, "filename");
  auto wake = parse_tracepoint_format("sched", "sched_wakeup", kWakeup);
  ASSERT_TRUE(static_cast<bool>(wake));
  EXPECT_TRUE(wake->fields[0].is_array);
  EXPECT_EQ(wake->fields[0].array_len, 16u);
  EXPECT_EQ(wake->fields[0].c_type, "char");
  EXPECT_EQ(wake->fields[0].name, "comm");
}

TEST(TracepointFormat, MalformedFieldIsAnError) {
  auto f = parse_tracepoint_format("a", "b", "format:\n\tfield:;\toffset:x;\n");
  EXPECT_FALSE(static_cast<bool>(f));
  llvm::consumeError(f.takeError());
}

class TracepointCore : public ::testing::Test {
protected:
  void SetUp() override {
    auto k = KernelBtf::load();
    if (!k)
      GTEST_SKIP() << llvm::toString(k.takeError());
    btf_.emplace(std::move(*k));
  }
  std::optional<KernelBtf> btf_;
};

TEST_F(TracepointCore, SyscallEnterArgsAreArrayElements) {
  auto f = parse_tracepoint_format("syscalls", "sys_enter_openat", kOpenat);
  ASSERT_TRUE(static_cast<bool>(f));
  auto info = tracepoint_core_struct(*btf_, *f);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->struct_name, "syscall_trace_enter");
  ASSERT_EQ(info->fields.size(), 5u);
  EXPECT_FALSE(info->fields[0].array_element); // __syscall_nr -> nr
  EXPECT_EQ(info->fields[0].path.offset, 8u);
  EXPECT_TRUE(info->fields[2].array_element);  // filename = args[1]
  EXPECT_EQ(info->fields[2].index, 1u);
  EXPECT_EQ(info->fields[4].index, 3u);
}

TEST_F(TracepointCore, EventClassStructIsFound) {
  auto f = parse_tracepoint_format("sched", "sched_wakeup", kWakeup);
  ASSERT_TRUE(static_cast<bool>(f));
  auto info = tracepoint_core_struct(*btf_, *f);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->struct_name, "trace_event_raw_sched_wakeup_template");
  EXPECT_EQ(info->fields[1].name, "pid");
  EXPECT_EQ(info->fields[1].path.offset, 24u);
}

TEST_F(TracepointCore, DataLocFieldIsMarked) {
  auto f = parse_tracepoint_format("sched", "sched_process_exec", kExec);
  ASSERT_TRUE(static_cast<bool>(f));
  auto info = tracepoint_core_struct(*btf_, *f);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->struct_name, "trace_event_raw_sched_process_exec");
  EXPECT_TRUE(info->fields[0].data_loc);
  EXPECT_FALSE(info->fields[1].data_loc);
}

// Needs tracefs (mounted here when running as root).
TEST_F(TracepointCore, LiveFormatsMatchBtf) {
  std::string root;
  if (auto err = ensure_tracefs(root))
    GTEST_SKIP() << llvm::toString(std::move(err));
  for (auto [cat, ev] : {std::pair{"sched", "sched_switch"}, std::pair{"sched", "sched_wakeup"},
                         std::pair{"syscalls", "sys_exit_read"},
                         std::pair{"signal", "signal_generate"}}) {
    auto f = read_tracepoint_format(cat, ev, root);
    ASSERT_TRUE(static_cast<bool>(f)) << llvm::toString(f.takeError());
    EXPECT_FALSE(f->fields.empty());
    EXPECT_TRUE(tracepoint_core_struct(*btf_, *f)) << cat << ":" << ev;
  }
}

} // namespace
} // namespace btc::btf
