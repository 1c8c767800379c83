// eh_frame_test.cpp: unit tests of the .eh_frame -> unwind rows reader (eh_frame.h), on
// hand-assembled sections and on this test executable's own .eh_frame.
#include "host/eh_frame.h"

#include <gtest/gtest.h>

#include <link.h>

#include <cstring>

namespace btc::rt {
namespace {

using abi::CfaRule;
using abi::RbpRule;
using abi::UnwindRow;

constexpr uint64_t kSectionAddr = 0x2000;

// Builds an .eh_frame image: one CIE ("zR", code align 1, data align -8, ra r16, pc-relative
// sdata4 FDE pointers; cfa = rsp+8, ra at cfa-8) and FDEs appended with fde().
class EhFrame {
public:
  EhFrame() {
    std::vector<uint8_t> body = {0,    0,    0, 0,    1,    'z',  'R',  0,    1,
                                 0x78, 0x10, 1, 0x1b, 0x0c, 0x07, 0x08, 0x90, 0x01};
    while ((body.size() + 4) % 8) body.push_back(0); // DW_CFA_nop padding
    put32(static_cast<uint32_t>(body.size()));
    bytes_.insert(bytes_.end(), body.begin(), body.end());
  }
  void fde(uint64_t pc, uint32_t range, std::vector<uint8_t> insns) {
    size_t start = bytes_.size();
    uint32_t length = static_cast<uint32_t>(4 + 4 + 4 + 1 + insns.size());
    put32(length);
    put32(static_cast<uint32_t>(start + 4)); // back to the CIE at offset 0
    uint64_t field = kSectionAddr + bytes_.size();
    put32(static_cast<uint32_t>(pc - field)); // pcrel sdata4
    put32(range);
    bytes_.push_back(0); // augmentation data length
    bytes_.insert(bytes_.end(), insns.begin(), insns.end());
  }
  std::vector<UnwindRow> rows() {
    std::vector<UnwindRow> out;
    std::string err;
    auto image = bytes_;
    image.insert(image.end(), {0, 0, 0, 0}); // terminator
    EXPECT_TRUE(parse_eh_frame(image, kSectionAddr, out, err)) << err;
    return out;
  }
  std::vector<uint8_t>& bytes() { return bytes_; }

private:
  void put32(uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  std::vector<uint8_t> bytes_;
};

UnwindRow row(uint64_t pc, CfaRule cfa, int32_t off, RbpRule rbp = RbpRule::Same,
              int16_t rbp_off = 0) {
  return UnwindRow{pc, off, static_cast<uint8_t>(cfa), static_cast<uint8_t>(rbp), rbp_off};
}

void expect_rows(const std::vector<UnwindRow>& got, const std::vector<UnwindRow>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    SCOPED_TRACE("row " + std::to_string(i));
    EXPECT_EQ(got[i].pc, want[i].pc);
    EXPECT_EQ(got[i].cfa_rule, want[i].cfa_rule);
    EXPECT_EQ(got[i].cfa_offset, want[i].cfa_offset);
    EXPECT_EQ(got[i].rbp_rule, want[i].rbp_rule);
    EXPECT_EQ(got[i].rbp_offset, want[i].rbp_offset);
  }
}

TEST(EhFrame, FramePointerPrologueAndEpilogue) {
  EhFrame f;
  // push %rbp; mov %rsp,%rbp; ... leave; ret
  f.fde(0x1000, 0x20,
        {0x41, 0x0e, 0x10, 0x86, 0x02,   // advance 1; cfa offset 16; rbp at cfa-16
         0x43, 0x0d, 0x06,               // advance 3; cfa register rbp
         0x50, 0x0c, 0x07, 0x08, 0xc6}); // advance 16; cfa rsp+8; restore rbp
  expect_rows(f.rows(),
              {row(0x1000, CfaRule::Rsp, 8), row(0x1001, CfaRule::Rsp, 16, RbpRule::AtCfa, -16),
               row(0x1004, CfaRule::Rbp, 16, RbpRule::AtCfa, -16), row(0x1014, CfaRule::Rsp, 8),
               row(0x1020, CfaRule::None, 0)});
}

TEST(EhFrame, RestoreStateBringsBackTheCfa) {
  EhFrame f;
  // sub $24,%rsp; remember; add $24 (cfa 8); ret; restore_state brings back cfa rsp+32 for
  // the code after the early return (GCC's epilogue pattern).
  f.fde(0x3000, 0x10, {0x44, 0x0e, 0x20, 0x0a, 0x41, 0x0e, 0x08, 0x41, 0x0b});
  expect_rows(f.rows(), {row(0x3000, CfaRule::Rsp, 8), row(0x3004, CfaRule::Rsp, 32),
                         row(0x3005, CfaRule::Rsp, 8), row(0x3006, CfaRule::Rsp, 32),
                         row(0x3010, CfaRule::None, 0)});
}

TEST(EhFrame, PltExpressionUndefinedReturnAddressAndAdjacentFunctions) {
  EhFrame f;
  // .plt: cfa offset 16, advance 6, cfa offset 24, advance 10, the PLT expression (lit11).
  f.fde(0x4000, 0x30,
        {0x0e, 0x10, 0x46, 0x0e, 0x18, 0x4a, 0x0f, 0x0b, 0x77, 0x08, 0x80, 0x00, 0x3f, 0x1a, 0x3b,
         0x2a, 0x33, 0x24, 0x22});
  // _start: the return address is undefined (the outermost frame). Starts where .plt ends.
  f.fde(0x4030, 0x10, {0x07, 0x10});
  // A function right after _start: its first row replaces _start's end marker.
  f.fde(0x4040, 0x08, {});
  expect_rows(f.rows(),
              {row(0x4000, CfaRule::Rsp, 16), row(0x4006, CfaRule::Rsp, 24),
               row(0x4010, CfaRule::Plt, 8, RbpRule::Same, 11), row(0x4030, CfaRule::None, 0),
               row(0x4040, CfaRule::Rsp, 8), row(0x4048, CfaRule::None, 0)});
}

TEST(EhFrame, UnknownInstructionLeavesTheFunctionWithoutRows) {
  EhFrame f;
  f.fde(0x5000, 0x10, {0x41, 0x0e, 0x10, 0x2d});       // DW_CFA_GNU_window_save (SPARC)
  f.fde(0x5010, 0x10, {0x41, 0x0f, 0x02, 0x76, 0x00}); // CFA = DW_OP_breg6 0: not followed
  expect_rows(f.rows(), {row(0x5000, CfaRule::None, 0), row(0x5010, CfaRule::Rsp, 8),
                         row(0x5011, CfaRule::None, 0)});
}

TEST(EhFrame, MalformedSectionsAreRefused) {
  EhFrame f;
  f.fde(0x1000, 0x10, {0x41});
  auto image = f.bytes();
  image[image.size() - 14] = 0xff; // the FDE's length now runs past the end
  std::vector<UnwindRow> rows;
  std::string err;
  image.resize(image.size() - 3);
  EXPECT_FALSE(parse_eh_frame(image, kSectionAddr, rows, err));
  EXPECT_FALSE(err.empty());
  std::vector<uint8_t> bad_cie = {8, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 12, 0, 0, 0};
  EXPECT_FALSE(parse_eh_frame(bad_cie, 0, rows, err)); // FDE pointing at a version-9 CIE
}

__attribute__((noinline)) int leaf_function(int x) {
  asm volatile("" ::: "memory");
  return x * 3;
}

int find_bias(dl_phdr_info* info, size_t, void* out) {
  if (info->dlpi_name[0] == '\0') { // the main executable
    *static_cast<uint64_t*>(out) = info->dlpi_addr;
    return 1;
  }
  return 0;
}

TEST(EhFrame, ThisExecutableHasRowsForItsFunctions) {
  std::string err;
  auto table = read_unwind_table("/proc/self/exe", err);
  ASSERT_TRUE(table) << err;
  ASSERT_GT(table->rows.size(), 100u);
  for (size_t i = 1; i < table->rows.size(); ++i)
    ASSERT_LT(table->rows[i - 1].pc, table->rows[i].pc);
  uint64_t bias = 0;
  dl_iterate_phdr(find_bias, &bias);
  uint64_t vaddr = reinterpret_cast<uint64_t>(&leaf_function) - bias;
  auto it = std::upper_bound(table->rows.begin(), table->rows.end(), vaddr,
                             [](uint64_t v, const UnwindRow& r) { return v < r.pc; });
  ASSERT_NE(it, table->rows.begin());
  --it;
  // At a function's first instruction the return address is on top of the stack.
  EXPECT_EQ(it->cfa_rule, static_cast<uint8_t>(CfaRule::Rsp));
  EXPECT_EQ(it->cfa_offset, 8);
  EXPECT_EQ(leaf_function(2), 6);

  EXPECT_FALSE(read_unwind_table("/nonexistent/btc", err));
  EXPECT_FALSE(read_unwind_table("/proc/self/status", err));
}

} // namespace
} // namespace btc::rt
