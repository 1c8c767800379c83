// libbpf_log_test.cpp: picking the verifier's reason out of a captured libbpf log.
#include "host/libbpf_log.h"

#include <gtest/gtest.h>

namespace btc::rt {
namespace {

TEST(VerifierReason, LastNonInstructionLineOfTheLastLog) {
  const char* log = "libbpf: prog 'kprobe_0_0': BPF program load failed: Invalid argument\n"
                    "libbpf: prog 'kprobe_0_0': -- BEGIN PROG LOAD LOG --\n"
                    "0: R1=ctx() R10=fp0\n"
                    "; kprobe:vfs_read { override(1); } @ script.bt:1\n"
                    "49: (b7) r2 = 1                       ; R2=1\n"
                    "50: (85) call bpf_override_return#58\n"
                    "program of this type cannot use helper bpf_override_return#58\n"
                    "processed 47 insns (limit 1000000) max_states_per_insn 0 total_states 2\n"
                    "-- END PROG LOAD LOG --\n"
                    "libbpf: prog 'kprobe_0_0': failed to load: -22\n";
  EXPECT_EQ(verifier_reason(log), "program of this type cannot use helper bpf_override_return#58");
}

TEST(VerifierReason, InvalidMemoryAccess) {
  const char* log = "-- BEGIN PROG LOAD LOG --\n"
                    "0: (79) r1 = *(u64 *)(r1 +0)\n"
                    "R1 invalid mem access 'scalar'\n"
                    "verification time 12 usec\n"
                    "stack depth 8\n"
                    "-- END PROG LOAD LOG --\n";
  EXPECT_EQ(verifier_reason(log), "R1 invalid mem access 'scalar'");
}

TEST(VerifierReason, KsymWithoutKallsymsSaysWhy) {
  const char* log = "-- BEGIN PROG LOAD LOG --\n"
                    "ldimm64 failed to find the address for kernel symbol 'runqueues'.\n"
                    "verification time 5 usec\n"
                    "-- END PROG LOAD LOG --\n";
  EXPECT_EQ(verifier_reason(log),
            "ldimm64 failed to find the address for kernel symbol 'runqueues'. (percpu_kaddr() "
            "needs the variable in /proc/kallsyms: a kernel built with CONFIG_KALLSYMS_ALL)");
}

TEST(VerifierReason, WriteUserUnderLockdownSaysWhy) {
  const char* log = "-- BEGIN PROG LOAD LOG --\n"
                    "program of this type cannot use helper bpf_probe_write_user#36\n"
                    "-- END PROG LOAD LOG --\n";
  EXPECT_NE(verifier_reason(log).find("a kernel in lockdown mode refuses bpf_probe_write_user"),
            std::string::npos);
}

TEST(VerifierReason, NoLogNoReason) {
  EXPECT_EQ(verifier_reason("libbpf: failed to open object\n"), "");
  EXPECT_EQ(verifier_reason("-- BEGIN PROG LOAD LOG --\n0: (95) exit\n-- END PROG LOAD LOG --\n"),
            "");
}

} // namespace
} // namespace btc::rt
