// runtime_values_test.cpp: kallsyms lookup, cgroup ids (against a cgroup2 mount created
// here when running as root), writing resolved values into .rodata, located errors.
#include "session/runtime_values.h"

#include <gtest/gtest.h>

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

namespace btc::rt {
namespace {

constexpr const char* kKallsyms =
    "0000000000000000 A fixed_percpu_data\n"
    "ffffffff81000000 T _stext\n"
    "ffffffff81200000 T vfs_read\n"
    "ffffffff81300000 t dup_name\n"
    "ffffffff81400000 t dup_name\n"
    "ffffffffc0001000 t mod_func\t[some_mod]\n"
    "ffffffff81500000 D jiffies";

abi::RuntimeValue value(abi::ResolveKind kind, std::string arg, uint32_t offset, uint32_t line,
                        uint32_t b, uint32_t e) {
  abi::RuntimeValue v;
  v.kind = kind;
  v.arg = std::move(arg);
  v.offset = offset;
  v.line = line;
  v.col_begin = b;
  v.col_end = e;
  return v;
}

uint64_t u64_at(const std::vector<uint8_t>& data, size_t off) {
  uint64_t v = 0;
  std::memcpy(&v, data.data() + off, 8);
  return v;
}

TEST(RuntimeValuesTest, FindKernelSymbols) {
  auto found = find_kernel_symbols(
      kKallsyms, {"vfs_read", "dup_name", "mod_func", "jiffies", "fixed_percpu_data", "nope"});
  EXPECT_EQ(found.at("vfs_read"), 0xffffffff81200000u);
  EXPECT_EQ(found.at("dup_name"), 0xffffffff81300000u); // the first line wins
  EXPECT_EQ(found.at("mod_func"), 0xffffffffc0001000u);
  EXPECT_EQ(found.at("jiffies"), 0xffffffff81500000u); // last line without newline
  EXPECT_FALSE(found.count("fixed_percpu_data"));      // address 0: hidden or absolute
  EXPECT_FALSE(found.count("nope"));
}

TEST(RuntimeValuesTest, KaddrWrittenAtOffset) {
  abi::Manifest m;
  m.runtime_values.push_back(value(abi::ResolveKind::Kaddr, "vfs_read", 8, 1, 1, 2));
  m.runtime_values.push_back(value(abi::ResolveKind::Kaddr, "jiffies", 16, 1, 1, 2));
  std::vector<uint8_t> rodata(24, 0xaa);
  EXPECT_EQ(resolve_runtime_values(m, kKallsyms, rodata), "");
  EXPECT_EQ(u64_at(rodata, 8), 0xffffffff81200000u);
  EXPECT_EQ(u64_at(rodata, 16), 0xffffffff81500000u);
  EXPECT_EQ(rodata[0], 0xaa);
  EXPECT_TRUE(needs_kallsyms(m));
}

TEST(RuntimeValuesTest, UnresolvedSymbolIsLocated) {
  abi::Manifest m;
  m.source_name = "stdin";
  m.source_lines = {"BEGIN { print(kaddr(\"no_such_sym\")); }"};
  m.runtime_values.push_back(value(abi::ResolveKind::Kaddr, "no_such_sym", 0, 1, 15, 34));
  std::vector<uint8_t> rodata(8, 0);
  EXPECT_EQ(resolve_runtime_values(m, kKallsyms, rodata),
            "stdin:1:15-34: ERROR: Failed to resolve kernel symbol: no_such_sym\n"
            "BEGIN { print(kaddr(\"no_such_sym\")); }\n"
            "              ~~~~~~~~~~~~~~~~~~~\n");
}

TEST(RuntimeValuesTest, MissingCgroupPathIsAnError) {
  abi::Manifest m;
  m.runtime_values.push_back(
      value(abi::ResolveKind::Cgroupid, "/sys/fs/cgroup/btc_no_such_group", 0, 0, 0, 0));
  std::vector<uint8_t> rodata(8, 0);
  EXPECT_FALSE(needs_kallsyms(m));
  EXPECT_EQ(resolve_runtime_values(m, "", rodata),
            "ERROR: Failed to get `cgroupid` for path: \"/sys/fs/cgroup/btc_no_such_group\": "
            "No such file or directory\n");
}

TEST(RuntimeValuesTest, OffsetOutsideRodataIsAnError) {
  abi::Manifest m;
  m.runtime_values.push_back(value(abi::ResolveKind::Kaddr, "vfs_read", 4, 0, 0, 0));
  std::vector<uint8_t> rodata(8, 0);
  EXPECT_NE(resolve_runtime_values(m, kKallsyms, rodata).find("does not fit .rodata"),
            std::string::npos);
}

// cgroup2 ids are the inode numbers of the cgroup directories.
TEST(RuntimeValuesTest, CgroupIdMatchesCgroup2Inode) {
  if (geteuid() != 0) GTEST_SKIP() << "mounting cgroup2 needs root";
  char tmpl[] = "/tmp/btc_cgroup2_XXXXXX";
  const char* dir = mkdtemp(tmpl);
  ASSERT_NE(dir, nullptr);
  if (mount("none", dir, "cgroup2", 0, nullptr) != 0) {
    rmdir(dir);
    GTEST_SKIP() << "cannot mount cgroup2: " << std::strerror(errno);
  }
  std::string sub = std::string(dir) + "/btc_rt_test";
  bool made = mkdir(sub.c_str(), 0755) == 0;
  for (const std::string& path : {std::string(dir), sub}) {
    if (path == sub && !made) continue;
    struct stat st {};
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    std::string err;
    auto id = cgroup_id(path, err);
    ASSERT_TRUE(id.has_value()) << path << ": " << err;
    EXPECT_EQ(*id, st.st_ino) << path;
  }
  if (made) {
    abi::Manifest m;
    m.runtime_values.push_back(value(abi::ResolveKind::Cgroupid, sub, 0, 0, 0, 0));
    std::vector<uint8_t> rodata(8, 0);
    EXPECT_EQ(resolve_runtime_values(m, "", rodata), "");
    struct stat st {};
    ASSERT_EQ(stat(sub.c_str(), &st), 0);
    EXPECT_EQ(u64_at(rodata, 0), st.st_ino);
    rmdir(sub.c_str());
  }
  umount(dir);
  rmdir(dir);
}

} // namespace
} // namespace btc::rt
