// program_copies_test.cpp: rewriting the attach-id marker of a program copy.
#include "attach/program_copies.h"

#include "btc/abi.h"

#include <linux/bpf.h>

#include <gtest/gtest.h>

namespace btc::rt {
namespace {

constexpr uint8_t kLdImm64 = BPF_LD | BPF_DW | BPF_IMM;

std::vector<bpf_insn> ld_imm64(uint8_t reg, uint64_t value, uint8_t src = 0) {
  bpf_insn lo{};
  lo.code = kLdImm64;
  lo.dst_reg = reg;
  lo.src_reg = src;
  lo.imm = static_cast<int32_t>(static_cast<uint32_t>(value));
  bpf_insn hi{};
  hi.imm = static_cast<int32_t>(static_cast<uint32_t>(value >> 32));
  return {lo, hi};
}

uint64_t value_at(const std::vector<bpf_insn>& insns, size_t i) {
  return static_cast<uint32_t>(insns[i].imm) |
         static_cast<uint64_t>(static_cast<uint32_t>(insns[i + 1].imm)) << 32;
}

TEST(ProgramCopies, PatchesEveryMarkerAndNothingElse) {
  std::vector<bpf_insn> insns;
  auto add = [&](std::vector<bpf_insn> v) { insns.insert(insns.end(), v.begin(), v.end()); };
  add(ld_imm64(1, 0x1234));                  // a plain constant
  add(ld_imm64(2, abi::kAttachIdMarker));    // the marker
  add(ld_imm64(3, abi::kAttachIdMarker, 1)); // src_reg 1: a map fd reference, not ours
  add(ld_imm64(4, abi::kAttachIdMarker));
  EXPECT_EQ(patch_attach_id(insns, 0x500000007ull), 2u);
  EXPECT_EQ(value_at(insns, 0), 0x1234u);
  EXPECT_EQ(value_at(insns, 2), 0x500000007ull);
  EXPECT_EQ(insns[2].dst_reg, 2);
  EXPECT_EQ(value_at(insns, 4), abi::kAttachIdMarker);
  EXPECT_EQ(value_at(insns, 6), 0x500000007ull);
}

TEST(ProgramCopies, MarkerSplitAtTheEndIsIgnored) {
  auto insns = ld_imm64(0, abi::kAttachIdMarker);
  insns.pop_back(); // truncated: no second half
  EXPECT_EQ(patch_attach_id(insns, 9), 0u);
}

TEST(ProgramCopies, ForcedOffByEnvironment) {
  setenv("BTC_NO_BPF_COOKIES", "1", 1);
  EXPECT_FALSE(bpf_cookies_supported());
  unsetenv("BTC_NO_BPF_COOKIES");
}

} // namespace
} // namespace btc::rt
