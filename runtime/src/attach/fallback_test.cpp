// fallback_test.cpp: the kprobe <-> fentry mechanism choices.
#include "attach/fallback.h"

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

} // namespace
} // namespace btc::rt
