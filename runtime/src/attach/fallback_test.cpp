// attach_probes_test.cpp: kprobe mechanism choice and kernel function wildcard matching.
#include "attach/kprobe.h"

#include <gtest/gtest.h>

namespace btc::rt {
namespace {

TEST(KprobeMechanism, KprobesWin) {
  EXPECT_EQ(choose_kprobe_mechanism(true, true), KprobeMechanism::Kprobe);
  EXPECT_EQ(choose_kprobe_mechanism(true, false), KprobeMechanism::Kprobe);
}

TEST(KprobeMechanism, FentryWhenNoKprobes) {
  EXPECT_EQ(choose_kprobe_mechanism(false, true), KprobeMechanism::Fentry);
}

TEST(KprobeMechanism, NeitherIsUnavailable) {
  EXPECT_EQ(choose_kprobe_mechanism(false, false), KprobeMechanism::Unavailable);
}

TEST(KfuncMechanism, FentryWins) {
  EXPECT_EQ(choose_kfunc_mechanism(true, true, true), KprobeMechanism::Fentry);
  EXPECT_EQ(choose_kfunc_mechanism(true, false, false), KprobeMechanism::Fentry);
}

TEST(KfuncMechanism, KprobeTwinWhenFentryRefused) {
  EXPECT_EQ(choose_kfunc_mechanism(false, true, true), KprobeMechanism::Kprobe);
}

TEST(KfuncMechanism, NoTwinOrNoKprobesIsUnavailable) {
  EXPECT_EQ(choose_kfunc_mechanism(false, true, false), KprobeMechanism::Unavailable);
  EXPECT_EQ(choose_kfunc_mechanism(false, false, true), KprobeMechanism::Unavailable);
}

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

TEST(DynamicProbes, Kinds) {
  EXPECT_TRUE(is_dynamic_probe(abi::ProbeKind::Kprobe));
  EXPECT_TRUE(is_dynamic_probe(abi::ProbeKind::Uretprobe));
  EXPECT_TRUE(is_dynamic_probe(abi::ProbeKind::RawTracepoint));
  EXPECT_TRUE(is_dynamic_probe(abi::ProbeKind::Kfunc));
  EXPECT_TRUE(is_dynamic_probe(abi::ProbeKind::Kretfunc));
  EXPECT_FALSE(is_dynamic_probe(abi::ProbeKind::Tracepoint));
}

} // namespace
} // namespace btc::rt
