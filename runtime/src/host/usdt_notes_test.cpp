// usdt_notes_test.cpp: SDT note descriptors, x86-64 argument specs, their BPF-side specs,
// the prelink rule and (when present) python3.11's real notes.
#include "host/usdt_notes.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>

namespace btc::rt {
namespace {

using abi::UsdtArgKind;

std::vector<uint8_t> desc64(uint64_t pc, uint64_t base, uint64_t sema, std::string_view strings) {
  // Sized once: GCC 12 warns (-Warray-bounds, wrongly) about a vector::insert here.
  std::vector<uint8_t> d(24 + strings.size());
  std::memcpy(d.data(), &pc, 8);
  std::memcpy(d.data() + 8, &base, 8);
  std::memcpy(d.data() + 16, &sema, 8);
  if (!strings.empty()) std::memcpy(d.data() + 24, strings.data(), strings.size());
  return d;
}

UsdtArg one(std::string_view spec) {
  std::string err;
  auto args = parse_usdt_args(spec, err);
  EXPECT_TRUE(args) << spec << ": " << err;
  if (!args || args->size() != 1) return {};
  return (*args)[0];
}

std::string failure(std::string_view spec) {
  std::string err;
  auto args = parse_usdt_args(spec, err);
  EXPECT_FALSE(args) << spec;
  return err;
}

TEST(UsdtNote, ParsesDescriptor64) {
  auto d = desc64(0x4f20a1, 0x8cc5a0, 0xa84260,
                  std::string_view("python\0function__entry\0" "8@%rbp 8@%r12 -4@%eax\0", 45));
  auto n = parse_stapsdt_desc(d, 8);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->pc, 0x4f20a1u);
  EXPECT_EQ(n->base, 0x8cc5a0u);
  EXPECT_EQ(n->semaphore, 0xa84260u);
  EXPECT_EQ(n->provider, "python");
  EXPECT_EQ(n->name, "function__entry");
  EXPECT_EQ(n->args, "8@%rbp 8@%r12 -4@%eax");
}

TEST(UsdtNote, ParsesDescriptor32AndEmptyArgs) {
  std::vector<uint8_t> d = {0x10, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0};
  std::string_view s("p\0n\0\0", 5);
  d.insert(d.end(), s.begin(), s.end());
  auto n = parse_stapsdt_desc(d, 4);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->pc, 0x10u);
  EXPECT_EQ(n->base, 0x20u);
  EXPECT_EQ(n->semaphore, 0u);
  EXPECT_EQ(n->args, "");
}

TEST(UsdtNote, RejectsTruncatedDescriptors) {
  EXPECT_FALSE(parse_stapsdt_desc(desc64(1, 2, 3, std::string_view("p\0n\0args", 8)), 8));
  EXPECT_FALSE(parse_stapsdt_desc(desc64(1, 2, 3, std::string_view("p\0", 2)), 8));
  EXPECT_FALSE(parse_stapsdt_desc(std::vector<uint8_t>(10), 8));
  EXPECT_FALSE(parse_stapsdt_desc(desc64(1, 2, 3, std::string_view("\0n\0\0", 4)), 8));
  EXPECT_FALSE(parse_stapsdt_desc(desc64(1, 2, 3, std::string_view("p\0n\0\0", 5)), 2));
}

TEST(UsdtNote, PrelinkAdjustment) {
  EXPECT_EQ(usdt_prelink_adjust(0x1000, 0x2000, 0x2000), 0x1000u);
  EXPECT_EQ(usdt_prelink_adjust(0x1000, 0x2000, 0x3000), 0x2000u); // moved by +0x1000
  EXPECT_EQ(usdt_prelink_adjust(0x1000, 0x2000, std::nullopt), 0x1000u);
  EXPECT_EQ(usdt_prelink_adjust(0x1000, 0, 0x3000), 0x1000u);
  EXPECT_EQ(usdt_prelink_adjust(0, 0x2000, 0x3000), 0u); // no semaphore stays none
}

TEST(UsdtRegister, NamesAndSubRegisters) {
  for (auto n : {"rdi", "edi", "di", "dil"}) EXPECT_EQ(usdt_register(n)->offset, 112) << n;
  for (auto n : {"r8", "r8d", "r8w", "r8b"}) EXPECT_EQ(usdt_register(n)->offset, 72) << n;
  EXPECT_EQ(usdt_register("rax")->offset, 80);
  EXPECT_EQ(usdt_register("al")->shift, 0);
  EXPECT_EQ(usdt_register("ah")->offset, 80);
  EXPECT_EQ(usdt_register("ah")->shift, 8);
  EXPECT_EQ(usdt_register("r15")->offset, 0);
  EXPECT_EQ(usdt_register("rsp")->offset, 152);
  EXPECT_EQ(usdt_register("rip")->offset, kPtRegsIp);
  EXPECT_FALSE(usdt_register("xmm0"));
  EXPECT_FALSE(usdt_register("r16"));
  EXPECT_FALSE(usdt_register(""));
}

TEST(UsdtArgs, Registers) {
  auto a = one("-4@%eax");
  EXPECT_EQ(a.kind, UsdtArgKind::Reg);
  EXPECT_EQ(a.size, 4);
  EXPECT_TRUE(a.is_signed);
  EXPECT_EQ(a.base.offset, 80);
  a = one("8@%rbx");
  EXPECT_EQ(a.base.offset, 40);
  EXPECT_FALSE(a.is_signed);
  a = one("2@%ax");
  EXPECT_EQ(a.size, 2);
  EXPECT_EQ(a.base.offset, 80);
  a = one("-1@%dil");
  EXPECT_EQ(a.size, 1);
  EXPECT_EQ(a.base.offset, 112);
  a = one("1@%ch");
  EXPECT_EQ(a.base.offset, 88);
  EXPECT_EQ(a.base.shift, 8);
  a = one("%r9d"); // no size: 8 bytes unsigned
  EXPECT_EQ(a.kind, UsdtArgKind::Reg);
  EXPECT_EQ(a.size, 8);
  EXPECT_EQ(a.base.offset, 64);
}

TEST(UsdtArgs, Constants) {
  auto a = one("8@$5");
  EXPECT_EQ(a.kind, UsdtArgKind::Const);
  EXPECT_EQ(a.value, 5);
  a = one("-8@$-7");
  EXPECT_EQ(a.value, -7);
  EXPECT_TRUE(a.is_signed);
  a = one("4@$0x10");
  EXPECT_EQ(a.value, 16);
}

TEST(UsdtArgs, MemoryOperands) {
  auto a = one("-4@-20(%rbp)");
  EXPECT_EQ(a.kind, UsdtArgKind::Deref);
  EXPECT_TRUE(a.has_base);
  EXPECT_EQ(a.base.offset, 32);
  EXPECT_EQ(a.value, -20);
  EXPECT_EQ(a.size, 4);
  a = one("-4@112(%rsp)");
  EXPECT_EQ(a.base.offset, 152);
  EXPECT_EQ(a.value, 112);
  a = one("8@(%rdi)");
  EXPECT_EQ(a.value, 0);
  EXPECT_EQ(a.base.offset, 112);
  a = one("4@16(%rsp,%rcx,4)");
  ASSERT_TRUE(a.index);
  EXPECT_EQ(a.index->offset, 88);
  EXPECT_EQ(a.scale, 4);
  a = one("8@(%rax,%rdx)");
  EXPECT_EQ(a.scale, 1);
  a = one("8@-0x10(%rbx)");
  EXPECT_EQ(a.value, -16);
  a = one("-4@counter(%rip)");
  EXPECT_TRUE(a.rip_relative);
  EXPECT_EQ(a.symbol, "counter");
  EXPECT_EQ(a.value, 0);
  a = one("4@table+8(%rip)");
  EXPECT_EQ(a.symbol, "table");
  EXPECT_EQ(a.value, 8);
  a = one("8@0x601040");
  EXPECT_FALSE(a.has_base);
  EXPECT_EQ(a.value, 0x601040);
}

TEST(UsdtArgs, Lists) {
  std::string err;
  auto args = parse_usdt_args("  8@%rbp   8@%r12 -4@%eax ", err);
  ASSERT_TRUE(args);
  ASSERT_EQ(args->size(), 3u);
  EXPECT_EQ((*args)[1].base.offset, 24);
  args = parse_usdt_args("", err);
  ASSERT_TRUE(args);
  EXPECT_TRUE(args->empty());
}

TEST(UsdtArgs, MalformedSpecsAreErrors) {
  EXPECT_NE(failure("3@%eax").find("size"), std::string::npos);
  EXPECT_NE(failure("-@%eax").find("size"), std::string::npos);
  EXPECT_NE(failure("4@%xyz").find("unknown register"), std::string::npos);
  EXPECT_NE(failure("4@").find("missing operand"), std::string::npos);
  EXPECT_NE(failure("4@$abc").find("constant"), std::string::npos);
  EXPECT_NE(failure("4@-20(%rbp").find("unterminated"), std::string::npos);
  EXPECT_NE(failure("4@(%rax,%rbx,3)").find("scale"), std::string::npos);
  EXPECT_NE(failure("4@12x(%rbp)").find("displacement"), std::string::npos);
  EXPECT_NE(failure("4@8(%rax,%rbx,2,1)").find("memory operand"), std::string::npos);
  EXPECT_NE(failure("4@8(rax)").find("register"), std::string::npos);
  EXPECT_NE(failure("4@8(%ah)").find("base register"), std::string::npos);
  EXPECT_NE(failure("8@%rax 4@%bogus").find("%bogus"), std::string::npos);
}

TEST(UsdtArgSpec, ToBpfSpec) {
  auto none = [](const std::string&) -> std::optional<uint64_t> { return std::nullopt; };
  auto syms = [](const std::string& s) -> std::optional<uint64_t> {
    if (s == "counter") return 0x4010;
    return std::nullopt;
  };
  std::string err;
  auto s = usdt_arg_spec(one("-2@%ax"), 0x1000, none, err);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->kind, static_cast<uint8_t>(UsdtArgKind::Reg));
  EXPECT_EQ(s->base_off, 80);
  EXPECT_EQ(s->size, 2);
  EXPECT_EQ(s->is_signed, 1);
  s = usdt_arg_spec(one("1@%bh"), 0x1000, none, err);
  EXPECT_EQ(s->shift, 8);
  s = usdt_arg_spec(one("8@$-3"), 0x1000, none, err);
  EXPECT_EQ(s->kind, static_cast<uint8_t>(UsdtArgKind::Const));
  EXPECT_EQ(s->value, -3);
  s = usdt_arg_spec(one("-4@-20(%rbp)"), 0x1000, none, err);
  EXPECT_EQ(s->kind, static_cast<uint8_t>(UsdtArgKind::Deref));
  EXPECT_EQ(s->base_off, 32);
  EXPECT_EQ(s->value, -20);
  EXPECT_EQ(s->scale, 0);
  s = usdt_arg_spec(one("8@8(%rax,%rcx,8)"), 0x1000, none, err);
  EXPECT_EQ(s->index_off, 88);
  EXPECT_EQ(s->scale, 8);
  // Global: relative to the probe's ip, so it holds wherever the file is mapped.
  s = usdt_arg_spec(one("-4@counter+4(%rip)"), 0x11e7, syms, err);
  ASSERT_TRUE(s) << err;
  EXPECT_EQ(s->base_off, kPtRegsIp);
  EXPECT_EQ(s->value, 0x4014 - 0x11e7);
  s = usdt_arg_spec(one("8@0x2000"), 0x1000, none, err);
  EXPECT_EQ(s->base_off, kPtRegsIp);
  EXPECT_EQ(s->value, 0x1000);
  EXPECT_FALSE(usdt_arg_spec(one("4@missing(%rip)"), 0x1000, syms, err));
  EXPECT_NE(err.find("missing"), std::string::npos);
  EXPECT_FALSE(usdt_arg_spec(one("4@16(%rip)"), 0x1000, syms, err));
  EXPECT_FALSE(usdt_arg_spec(one("4@counter(%rax)"), 0x1000, syms, err));
}

// The host's python3.11 carries stapsdt notes with semaphores (see FACTS.md).
TEST(UsdtFile, Python311Notes) {
  const char* path = "/usr/bin/python3.11";
  if (access(path, R_OK) != 0) GTEST_SKIP() << "no " << path;
  UsdtFile f;
  std::string err;
  ASSERT_TRUE(f.load(path, err)) << err;
  const UsdtSite* entry = nullptr;
  for (const auto& s : f.sites())
    if (s.provider == "python" && s.name == "function__entry") entry = &s;
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->args, "8@%rbp 8@%r12 -4@%eax");
  EXPECT_NE(entry->sema_offset, 0u);
  EXPECT_NE(entry->file_offset, 0u);
  size_t nargs = 0;
  auto spec = f.spec_of(*entry, 0x7, nargs, err);
  ASSERT_TRUE(spec) << err;
  EXPECT_EQ(nargs, 3u);
  EXPECT_EQ(spec->args[2].base_off, 80);
  EXPECT_EQ(spec->args[2].size, 4);
  EXPECT_EQ(spec->args[2].is_signed, 1);
  EXPECT_FALSE(f.load("/nonexistent/file", err));
}

} // namespace
} // namespace btc::rt

namespace btc::rt {
namespace {

// aarch64 specs as gcc writes them for arm64 binaries (the tool built for aarch64 parses these).
TEST(UsdtArm64Test, RegistersMemoryAndConstants) {
  std::string err;
  auto args =
      parse_usdt_args("8@x1 -4@[sp, 12] 4@[x2] -8@5 4@w7 8@[x29, -16]", err, UsdtSyntax::Aarch64);
  ASSERT_TRUE(args) << err;
  ASSERT_EQ(args->size(), 6u);
  EXPECT_EQ((*args)[0].kind, abi::UsdtArgKind::Reg);
  EXPECT_EQ((*args)[0].base.offset, 8);
  EXPECT_EQ((*args)[1].kind, abi::UsdtArgKind::Deref);
  EXPECT_EQ((*args)[1].base.offset, 248); // sp
  EXPECT_EQ((*args)[1].value, 12);
  EXPECT_TRUE((*args)[1].is_signed);
  EXPECT_EQ((*args)[1].size, 4);
  EXPECT_EQ((*args)[2].base.offset, 16);
  EXPECT_EQ((*args)[2].value, 0);
  EXPECT_EQ((*args)[3].kind, abi::UsdtArgKind::Const);
  EXPECT_EQ((*args)[3].value, 5);
  EXPECT_EQ((*args)[4].base.offset, 56); // w7 is x7's low half
  EXPECT_EQ((*args)[5].base.offset, 232);
  EXPECT_EQ((*args)[5].value, -16);
}

TEST(UsdtArm64Test, BadSpecsAreNamed) {
  std::string err;
  EXPECT_FALSE(parse_usdt_args("8@x31", err, UsdtSyntax::Aarch64));
  EXPECT_NE(err.find("unknown register 'x31'"), std::string::npos) << err;
  EXPECT_FALSE(parse_usdt_args("8@[x1, 4", err, UsdtSyntax::Aarch64));
  EXPECT_FALSE(parse_usdt_args("8@%rdi", err, UsdtSyntax::Aarch64));
}

} // namespace
} // namespace btc::rt
