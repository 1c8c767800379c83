// kernel_functions_test.cpp: kernel function wildcard matching over tracefs and kallsyms text.
#include "host/kernel_functions.h"

#include <gtest/gtest.h>

namespace btc::rt {
namespace {

TEST(KernelFunctions, WildcardMatchesUniqueSorted) {
  std::string text = "vfs_write\nvfs_read\nvfs_read\nksys_read\nxfs_read [xfs]\nvfs_readv\n";
  EXPECT_EQ(match_kernel_functions("vfs_read*", text),
            (std::vector<std::string>{"vfs_read", "vfs_readv"}));
  EXPECT_EQ(match_kernel_functions("*_read", text),
            (std::vector<std::string>{"ksys_read", "vfs_read", "xfs_read"}));
  EXPECT_TRUE(match_kernel_functions("nope*", text).empty());
}

TEST(KernelFunctions, FromKallsyms) {
  std::string text = "ffffffff81000100 T vfs_read\nffffffff81000200 D some_data\n"
                     "ffffffff81000300 t xfs_read\t[xfs]\n";
  EXPECT_EQ(match_kernel_functions("*_read", kallsyms_functions(text)),
            (std::vector<std::string>{"vfs_read", "xfs_read"}));
}

} // namespace
} // namespace btc::rt
