// name_tables_test.cpp: syscall_name()'s tables are the target architecture's numbering.
#include "builtins/name_tables.h"

#include <gtest/gtest.h>

namespace btc::builtins {
namespace {

TEST(NameTablesTest, X86_64Syscalls) {
  const NameTable* t = syscall_names(*targets::find_target("x86_64"));
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->names.at(0), "read");
  EXPECT_EQ(t->names.at(257), "openat");
  EXPECT_EQ(t->names.at(2), "open");
}

TEST(NameTablesTest, Aarch64SyscallsAreTheGenericTable) {
  const NameTable* t = syscall_names(*targets::find_target("aarch64"));
#if defined(BTC_HAVE_AARCH64_SYSCALLS)
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->names.at(63), "read");
  EXPECT_EQ(t->names.at(56), "openat");
  EXPECT_EQ(t->names.at(25), "fcntl");      // asm-generic: __NR_fcntl = __NR3264_fcntl
  EXPECT_EQ(t->names.at(79), "newfstatat"); // __NR3264_fstatat, 64-bit spelling
  EXPECT_EQ(t->names.at(84), "sync_file_range");
  EXPECT_EQ(t->names.at(2), "io_submit"); // no open() on arm64
#else
  EXPECT_EQ(t, nullptr);
#endif
}

} // namespace
} // namespace btc::builtins
