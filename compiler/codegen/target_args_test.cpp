// target_args_test.cpp: the registers a probe's program reads are the target's (btc
// --target). Lowers kprobe/uprobe scripts without kernel BTF (kprobe only, no fentry twin) and
// reads the struct pt_regs offsets of the ctx accesses in the IR: on aarch64 argN is regs[N]
// (8 * N), retval regs[0], reg("pc") 256, sargN sp (248) + 8 * N; on x86-64 arg1 is si (104).
#include "codegen/codegen.h"
#include "expand/expand.h"
#include "parse/parser.h"
#include "sema/sema.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace btc::codegen {
namespace {

// The offsets of every `getelementptr i8, ptr %ctx, i64 N` in the module.
std::set<uint64_t> ctx_offsets(const std::string& text, const char* target, std::string& errors) {
  source::SourceFile file("test.bt", text);
  diag::Diagnostics diags;
  ast::Program program = parse::parse(file, diags);
  std::set<uint64_t> out;
  if (!diags.has_errors()) expand::expand(program, diags);
  std::optional<sema::ProgramInfo> info;
  if (!diags.has_errors()) {
    sema::SemaOptions options;
    options.source = &file;
    options.target = targets::find_target(target);
    info = sema::analyse(program, options, diags);
  }
  for (const auto& d : diags.all()) errors += d.message + "\n";
  if (!info) return out;
  llvm::LLVMContext context;
  CodegenOptions copts;
  copts.source = &file;
  auto lowered = lower(program, *info, nullptr, copts, context);
  if (!lowered) {
    errors += llvm::toString(lowered.takeError());
    return out;
  }
  std::string ir = print_ir(*lowered->module);
  // arg0/retval on aarch64 are at offset 0: a load straight from %ctx.
  if (ir.find("load i64, ptr %ctx") != std::string::npos) out.insert(0);
  static const std::regex gep(R"(getelementptr i8, ptr %ctx, i64 (\d+))");
  for (std::sregex_iterator it(ir.begin(), ir.end(), gep), end; it != end; ++it)
    out.insert(std::stoull((*it)[1]));
  return out;
}

TEST(TargetArgsTest, Aarch64KprobeArgumentsAreX0ToX7) {
  std::string errors;
  auto offsets = ctx_offsets(
      "kprobe:vfs_read { printf(\"%d %d %d\\n\", arg1, arg7, reg(\"pc\")); }", "aarch64", errors);
  EXPECT_EQ(offsets, (std::set<uint64_t>{8, 56, 256})) << errors;
}

TEST(TargetArgsTest, Aarch64UprobeArgRetvalAndStackArgument) {
  std::string errors;
  EXPECT_EQ(ctx_offsets("uretprobe:/bin/sh:main { @r = retval; }", "aarch64", errors),
            (std::set<uint64_t>{0}))
      << errors;
  // sarg1: the stack pointer (sp, 248); the slot is read from memory at sp + 8.
  EXPECT_EQ(ctx_offsets("uprobe:/bin/sh:main { @s = sarg1; @a = arg2; }", "aarch64", errors),
            (std::set<uint64_t>{16, 248}))
      << errors;
}

TEST(TargetArgsTest, X86_64KprobeArgumentsAreDiSi) {
  std::string errors;
  EXPECT_EQ(
      ctx_offsets("kprobe:vfs_read { @a = arg0; @b = arg1; @r = reg(\"ip\"); }", "x86_64", errors),
      (std::set<uint64_t>{112, 104, 128}))
      << errors;
}

TEST(TargetArgsTest, RegistersOfTheOtherArchitectureAreErrors) {
  std::string errors;
  ctx_offsets("kprobe:vfs_read { @a = reg(\"di\"); }", "aarch64", errors);
  EXPECT_NE(errors.find("'di' is not a valid register on this architecture (aarch64)"),
            std::string::npos)
      << errors;
  errors.clear();
  ctx_offsets("kprobe:vfs_read { @a = arg6; }", "x86_64", errors);
  EXPECT_NE(errors.find("x86_64 doesn't support arg6"), std::string::npos) << errors;
  errors.clear();
  ctx_offsets("kprobe:vfs_read { @a = arg6; }", "aarch64", errors);
  EXPECT_EQ(errors, "");
}

} // namespace
} // namespace btc::codegen
