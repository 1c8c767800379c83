// unwind_tables_test.cpp: unit tests of the file discovery behind dw_ustack's unwind tables
// (unwind_tables.h): /proc/PID/maps parsing, a program's libraries, device numbers.
#include "session/unwind_tables.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

namespace btc::rt {
namespace {

TEST(UnwindTables, ExecutableMappingsAreTheDistinctFileBackedCodeMappings) {
  const char* maps =
      "55d0c0a00000-55d0c0a02000 r--p 00000000 fe:01 1311 /usr/bin/cat\n"
      "55d0c0a02000-55d0c0a07000 r-xp 00002000 fe:01 1311 /usr/bin/cat\n"
      "7f5a1c200000-7f5a1c228000 r--p 00000000 fe:01 2034 /usr/lib/x86_64-linux-gnu/libc.so.6\n"
      "7f5a1c228000-7f5a1c3bd000 r-xp 00028000 fe:01 2034 /usr/lib/x86_64-linux-gnu/libc.so.6\n"
      "7f5a1c500000-7f5a1c501000 r-xp 00000000 00:00 0 \n"
      "7f5a1c600000-7f5a1c601000 r-xp 00000000 103:0a 77 /tmp/with space\n"
      "7ffd4d3f2000-7ffd4d3f4000 r-xp 00000000 00:00 0                          [vdso]\n"
      "55d0c0b07000-55d0c0b08000 r-xp 00005000 fe:01 1311 /usr/bin/cat\n";
  auto files = executable_mappings(maps);
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].path, "/usr/bin/cat");
  EXPECT_EQ(files[0].key.inode, 1311u);
  EXPECT_EQ(files[0].key.dev, (0xfeull << 20) | 1);
  EXPECT_EQ(files[1].path, "/usr/lib/x86_64-linux-gnu/libc.so.6");
  EXPECT_EQ(files[2].path, "/tmp/with space");
  EXPECT_EQ(files[2].key.dev, (0x103ull << 20) | 0x0a);
  EXPECT_TRUE(executable_mappings("").empty());
  EXPECT_TRUE(executable_mappings("garbage\n\n").empty());
}

TEST(UnwindTables, KernelDeviceEncoding) {
  EXPECT_EQ(kernel_dev(makedev(8, 1)), (8ull << 20) | 1);
  EXPECT_EQ(kernel_dev(makedev(259, 300)), (259ull << 20) | 300);
}

TEST(UnwindTables, ThisProcessMapsMatchStat) {
  std::ifstream in("/proc/self/maps");
  std::stringstream ss;
  ss << in.rdbuf();
  auto files = executable_mappings(ss.str());
  ASSERT_FALSE(files.empty());
  for (const auto& f : files) {
    struct stat st {};
    if (stat(f.path.c_str(), &st) != 0) continue; // e.g. a file replaced since
    EXPECT_EQ(f.key.inode, static_cast<uint64_t>(st.st_ino)) << f.path;
    EXPECT_EQ(f.key.dev, kernel_dev(st.st_dev)) << f.path;
  }
}

TEST(UnwindTables, ACommandNeedsItsInterpreterAndLibraries) {
  std::ifstream in("/etc/ld.so.cache", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  auto files = executable_and_libraries("/bin/ls", ss.str());
  ASSERT_GE(files.size(), 3u);
  EXPECT_EQ(files[0], "/bin/ls");
  auto has = [&](const char* suffix) {
    return std::any_of(files.begin(), files.end(), [&](const std::string& f) {
      return f.size() >= std::strlen(suffix) && f.ends_with(suffix);
    });
  };
  EXPECT_TRUE(has("/ld-linux-x86-64.so.2"));
  EXPECT_TRUE(has("/libc.so.6"));
  EXPECT_TRUE(has("/libselinux.so.1")); // ls's own DT_NEEDED
  EXPECT_TRUE(has("/libpcre2-8.so.0")); // libselinux's: found recursively
  std::sort(files.begin(), files.end());
  EXPECT_EQ(std::adjacent_find(files.begin(), files.end()), files.end()); // each once
}

TEST(UnwindTables, TablesOfAProcessCoverItsFiles) {
  UnwindTables t;
  std::string err;
  ASSERT_TRUE(t.add_process(getpid(), err)) << err;
  t.build(false);
  EXPECT_GE(t.files(), 2u); // this test binary and libc at least
  EXPECT_GT(t.rows(), 1000u);
  EXPECT_FALSE(t.add_process(999999999, err));
  EXPECT_FALSE(err.empty());
}

} // namespace
} // namespace btc::rt
