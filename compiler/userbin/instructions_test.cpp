// instructions_test.cpp: function symbols and instruction boundaries of this test program,
// whose ub_known_code has a fixed encoding: mov $0x12345678,%eax (5 bytes); nop; ret.
#include "userbin/instructions.h"

#include <gtest/gtest.h>

extern "C" __attribute__((naked, used, noinline)) void ub_known_code() {
  __asm__ volatile("mov $0x12345678, %eax\n\tnop\n\tret\n");
}

namespace btc::userbin {
namespace {

std::unique_ptr<BinaryCode> self() {
  auto c = BinaryCode::open("/proc/self/exe");
  EXPECT_TRUE(static_cast<bool>(c)) << (c ? "" : llvm::toString(c.takeError()));
  return c ? std::move(*c) : nullptr;
}

TEST(Instructions, BoundariesFollowTheEncoding) {
  auto code = self();
  ASSERT_TRUE(code);
  auto f = code->function("ub_known_code");
  ASSERT_TRUE(f);
  EXPECT_GE(f->size, 7u); // (the compiler may add a trap after the body)
  EXPECT_TRUE(code->starts_instruction(*f, 0));
  for (uint64_t inside = 1; inside < 5; ++inside)
    EXPECT_FALSE(code->starts_instruction(*f, inside)) << inside;
  EXPECT_TRUE(code->starts_instruction(*f, 5)); // nop
  EXPECT_TRUE(code->starts_instruction(*f, 6)); // ret
}

TEST(Instructions, FunctionAtAnAddress) {
  auto code = self();
  ASSERT_TRUE(code);
  auto f = code->function("ub_known_code");
  ASSERT_TRUE(f);
  auto at = code->function_at(f->addr + 5);
  ASSERT_TRUE(at);
  EXPECT_EQ(at->name, "ub_known_code");
  EXPECT_FALSE(code->function_at(5));
  EXPECT_FALSE(code->function("no_such_function_here"));
  EXPECT_EQ(code->build_id().size(), 40u);
}

TEST(Instructions, NotAnElfFile) {
  auto c = BinaryCode::open("/proc/self/status");
  EXPECT_FALSE(static_cast<bool>(c));
  if (!c) llvm::consumeError(c.takeError());
}

} // namespace
} // namespace btc::userbin
