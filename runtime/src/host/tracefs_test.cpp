// tracefs_test.cpp: wildcard matching and tracepoint expansion over a fake events directory.
#include "host/tracefs.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace btc::rt {
namespace {

TEST(TracefsTest, GlobMatch) {
  EXPECT_TRUE(glob_match("sys_enter_*", "sys_enter_openat"));
  EXPECT_TRUE(glob_match("*open*", "sys_enter_openat"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("a*b*c", "aXbYbZc"));
  EXPECT_TRUE(glob_match("exact", "exact"));
  EXPECT_FALSE(glob_match("exact", "exactly"));
  EXPECT_FALSE(glob_match("sys_enter_*", "sys_exit_read"));
  EXPECT_FALSE(glob_match("*at", "openat2"));
  EXPECT_FALSE(glob_match("a*b*c", "aXbYc_"));
}

TEST(TracefsTest, ExpandTracepoints) {
  namespace fs = std::filesystem;
  char tmpl[] = "/tmp/btc_tracefs_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  fs::path root = tmpl;
  for (auto p : {"syscalls/sys_enter_openat", "syscalls/sys_enter_open", "syscalls/sys_exit_open",
                 "sched/sched_switch", "sched/sched_wakeup"})
    fs::create_directories(root / p);
  std::ofstream(root / "syscalls" / "enable") << "0";
  EXPECT_EQ(expand_tracepoints("syscalls:sys_enter_open*", root),
            (std::vector<std::string>{"syscalls:sys_enter_open", "syscalls:sys_enter_openat"}));
  EXPECT_EQ(expand_tracepoints("*:*open", root),
            (std::vector<std::string>{"syscalls:sys_enter_open", "syscalls:sys_exit_open"}));
  EXPECT_EQ(expand_tracepoints("sched:*", root),
            (std::vector<std::string>{"sched:sched_switch", "sched:sched_wakeup"}));
  EXPECT_TRUE(expand_tracepoints("nope:*", root).empty());
  EXPECT_TRUE(tracepoint_exists("sched:sched_switch", root));
  EXPECT_FALSE(tracepoint_exists("sched:nope", root));
  EXPECT_FALSE(tracepoint_exists("syscalls:enable", root));
  fs::remove_all(root);
}

} // namespace
} // namespace btc::rt
