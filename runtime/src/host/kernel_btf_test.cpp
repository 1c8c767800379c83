// kernel_btf_test.cpp: where a tool takes its kernel BTF from (BPFTRACE_BTF or sysfs) and the
// errors for a missing or unreadable one.
#include "host/kernel_btf.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace btc::rt {
namespace {

// Sets BPFTRACE_BTF for one test, restoring the previous value.
class BtfEnv {
public:
  explicit BtfEnv(const char* value) {
    if (const char* old = std::getenv("BPFTRACE_BTF")) old_ = old, had_ = true;
    if (value)
      setenv("BPFTRACE_BTF", value, 1);
    else
      unsetenv("BPFTRACE_BTF");
  }
  ~BtfEnv() {
    if (had_)
      setenv("BPFTRACE_BTF", old_.c_str(), 1);
    else
      unsetenv("BPFTRACE_BTF");
  }

private:
  std::string old_;
  bool had_ = false;
};

std::string temp_file(const void* data, size_t size) {
  char name[] = "/tmp/btc_kernel_btf_XXXXXX";
  int fd = mkstemp(name);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(write(fd, data, size), static_cast<ssize_t>(size));
  close(fd);
  return name;
}

TEST(KernelBtfTest, SysfsUnlessTheEnvironmentNamesAFile) {
  {
    BtfEnv env(nullptr);
    KernelBtf src = kernel_btf();
    EXPECT_EQ(src.path, "/sys/kernel/btf/vmlinux");
    EXPECT_FALSE(src.custom);
    EXPECT_EQ(src.custom_path(), nullptr);
  }
  {
    BtfEnv env("");
    EXPECT_FALSE(kernel_btf().custom);
  }
  BtfEnv env("/boot/vmlinux.btf");
  KernelBtf src = kernel_btf();
  EXPECT_TRUE(src.custom);
  EXPECT_STREQ(src.custom_path(), "/boot/vmlinux.btf");
}

TEST(KernelBtfTest, MissingSysfsBtfIsExplained) {
  EXPECT_EQ(check_kernel_btf({"/nonexistent/vmlinux", false}),
            "ERROR: the running kernel has no BTF (/nonexistent/vmlinux is missing); btc tools "
            "need a kernel built with CONFIG_DEBUG_INFO_BTF, or BPFTRACE_BTF naming a BTF file "
            "for this kernel\n");
}

TEST(KernelBtfTest, UnreadableFileIsAnError) {
  EXPECT_EQ(check_kernel_btf({"/nonexistent/x.btf", true}),
            "ERROR: BPFTRACE_BTF: cannot read BTF from '/nonexistent/x.btf': No such file or "
            "directory\n");
  std::string junk = temp_file("not btf at all", 14);
  std::string msg = check_kernel_btf({junk, true});
  EXPECT_EQ(msg.rfind("ERROR: BPFTRACE_BTF: cannot read BTF from '" + junk + "': ", 0), 0u) << msg;
  unlink(junk.c_str());
}

TEST(KernelBtfTest, RawBtfFileIsLoaded) {
  btf* b = btf__new_empty();
  ASSERT_NE(b, nullptr);
  ASSERT_GT(btf__add_int(b, "int", 4, BTF_INT_SIGNED), 0);
  uint32_t size = 0;
  const void* raw = btf__raw_data(b, &size);
  std::string path = temp_file(raw, size);
  btf__free(b);
  KernelBtf src{path, true};
  EXPECT_EQ(check_kernel_btf(src), "");
  btf* loaded = load_kernel_btf(src);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(btf__type_cnt(loaded), 2u); // void + int
  EXPECT_GT(btf__find_by_name(loaded, "int"), 0);
  btf__free(loaded);
  unlink(path.c_str());
}

} // namespace
} // namespace btc::rt
