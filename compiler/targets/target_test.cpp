// target_test.cpp: the register tables of the targets (struct pt_regs offsets).
#include "targets/target.h"

#include <gtest/gtest.h>

namespace btc::targets {
namespace {

TEST(TargetTest, NamesAndAliases) {
  ASSERT_NE(find_target("x86_64"), nullptr);
  ASSERT_NE(find_target("aarch64"), nullptr);
  EXPECT_EQ(find_target("riscv64"), nullptr);
  EXPECT_EQ(target_names(), "x86_64, aarch64");
  EXPECT_EQ(host_target().runtime_suffix, "");
}

TEST(TargetTest, X86_64ArgumentsAreDiSiDxCxR8R9) {
  const Target& t = *find_target("x86_64");
  ASSERT_EQ(t.arg_offsets.size(), 6u);
  const char* names[] = {"di", "si", "dx", "cx", "r8", "r9"};
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(register_offset(t, names[i]), t.arg_offsets[i]);
  EXPECT_EQ(register_offset(t, "ax"), t.retval_offset);
  EXPECT_EQ(register_offset(t, "ip"), t.ip_offset);
  EXPECT_EQ(register_offset(t, "sp"), t.sp_offset);
  EXPECT_EQ(register_offset(t, "ss"), 160u);
  EXPECT_EQ(t.syscall_prefix, "__x64_sys_");
  EXPECT_FALSE(register_offset(t, "x0"));
}

TEST(TargetTest, Aarch64ArgumentsAreX0ToX7) {
  const Target& t = *find_target("aarch64");
  ASSERT_EQ(t.arg_offsets.size(), 8u);
  for (uint32_t i = 0; i < 8; ++i) {
    EXPECT_EQ(t.arg_offsets[i], 8 * i);
    EXPECT_EQ(register_offset(t, "r" + std::to_string(i)), 8 * i);
    EXPECT_EQ(register_offset(t, "regs[" + std::to_string(i) + "]"), 8 * i);
  }
  EXPECT_EQ(t.retval_offset, 0u); // x0
  EXPECT_EQ(register_offset(t, "r30"), 240u);
  EXPECT_EQ(register_offset(t, "sp"), 248u);
  EXPECT_EQ(register_offset(t, "pc"), 256u);
  EXPECT_EQ(register_offset(t, "pstate"), 264u);
  EXPECT_EQ(t.sp_offset, 248u);
  EXPECT_EQ(t.ip_offset, 256u);
  EXPECT_EQ(register_offset(t, "compat_lr"), 112u);
  EXPECT_EQ(t.stack_arg_offset, 0u);
  EXPECT_EQ(t.syscall_prefix, "__arm64_sys_");
  EXPECT_FALSE(register_offset(t, "r31"));
  EXPECT_FALSE(register_offset(t, "di"));
}

TEST(TargetTest, SyscallFunctionsUnderTheOtherPrefix) {
  EXPECT_EQ(function_spellings(*find_target("aarch64"), "__arm64_sys_openat"),
            (std::vector<std::string>{"__arm64_sys_openat", "__x64_sys_openat"}));
  EXPECT_EQ(function_spellings(*find_target("x86_64"), "__x64_sys_read"),
            (std::vector<std::string>{"__x64_sys_read", "__arm64_sys_read"}));
  EXPECT_EQ(function_spellings(*find_target("aarch64"), "vfs_read"),
            (std::vector<std::string>{"vfs_read"}));
}

} // namespace
} // namespace btc::targets
