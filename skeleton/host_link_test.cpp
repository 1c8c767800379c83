// skeleton/host_link_test.cpp: the back half of the pipeline end to end.
//
// A stub runtime -> static runtime executable (btc::driver::link_static_executable, lld
// in-process) -> tool = that executable + the .btc_payload of a BPF object and a manifest
// (write_tool); the tool's main() prints what it reads of its payload. Also: a failed link or
// write leaves nothing behind.
#include <cstdlib>

#include <gtest/gtest.h>
#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Support/FileSystem.h>

#include "btc/abi.h"
#include "btc/payload.h"
#include "link.h"
#include "test_support.h"

#ifndef BTC_STUB_RUNTIME_DIR
#error "BTC_STUB_RUNTIME_DIR must be defined by the build"
#endif

namespace btc::skel {
namespace {

uint64_t fnv1a(const std::vector<uint8_t>& bytes) {
  uint64_t h = 1469598103934665603ull;
  for (uint8_t b : bytes)
    h = (h ^ b) * 1099511628211ull;
  return h;
}

// Names in `dir` that look like link temporaries.
std::vector<std::string> leftovers(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec; it.increment(ec))
    if (it->path().find(".btc-link-") != std::string::npos)
      out.push_back(it->path());
  return out;
}

class HostLinkTest : public ::testing::Test {
protected:
  void SetUp() override { ::setenv("BTC_RUNTIME_DIR", BTC_STUB_RUNTIME_DIR, 1); }
  void TearDown() override { ::unsetenv("BTC_RUNTIME_DIR"); }
  test::TempDir dir_;
};

TEST_F(HostLinkTest, WritesAStaticToolThatReadsItsPayload) {
  auto bpf = test::sample_object();
  ASSERT_TRUE(static_cast<bool>(bpf)) << llvm::toString(bpf.takeError());
  abi::Manifest manifest;
  manifest.tool_name = "sample";
  manifest.source_lines = {"tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }"};
  std::vector<uint8_t> manifest_bytes = abi::encode(manifest);

  const std::string base = dir_.file("btc-runtime");
  llvm::Error linked =
      driver::link_static_executable({}, base, targets::host_target(), false, false);
  ASSERT_FALSE(static_cast<bool>(linked)) << llvm::toString(std::move(linked));
  const std::string tool = dir_.file("sample");
  llvm::Error err = driver::write_tool(base, abi::encode_payload(*bpf, manifest_bytes), tool);
  ASSERT_FALSE(static_cast<bool>(err)) << llvm::toString(std::move(err));

  llvm::sys::fs::file_status st;
  ASSERT_FALSE(llvm::sys::fs::status(tool, st));
  EXPECT_EQ(static_cast<unsigned>(st.permissions()), 0755u);
  EXPECT_TRUE(leftovers(dir_.path()).empty());

  // Static: no interpreter, no dynamic section.
  auto bin = llvm::object::ObjectFile::createObjectFile(tool);
  ASSERT_TRUE(static_cast<bool>(bin)) << llvm::toString(bin.takeError());
  auto* elf = llvm::dyn_cast<llvm::object::ELF64LEObjectFile>(bin->getBinary());
  ASSERT_NE(elf, nullptr);
  auto phdrs = elf->getELFFile().program_headers();
  ASSERT_TRUE(static_cast<bool>(phdrs)) << llvm::toString(phdrs.takeError());
  for (const auto& ph : *phdrs) {
    EXPECT_NE(ph.p_type, llvm::ELF::PT_INTERP);
    EXPECT_NE(ph.p_type, llvm::ELF::PT_DYNAMIC);
  }
  // Stripped: no symbol table (btc --debug keeps it; see SymbolsOnlyWhenAskedFor).
  for (const auto& sec : elf->sections()) {
    auto name = sec.getName();
    ASSERT_TRUE(static_cast<bool>(name));
    EXPECT_NE(*name, ".symtab");
  }

  std::string out;
  ASSERT_EQ(test::run_command("env -i PATH= " + tool, out), 0) << out;
  const std::string want = "bpf_object " + std::to_string(bpf->size()) + " " +
                           std::to_string(fnv1a(*bpf)) + " manifest " +
                           std::to_string(manifest_bytes.size()) + " " +
                           std::to_string(fnv1a(manifest_bytes)) + "\n";
  EXPECT_EQ(out, want);
}

TEST_F(HostLinkTest, FailedLinkLeavesNoOutput) {
  const std::string tool = dir_.file("broken");
  const std::string missing = dir_.file("does-not-exist.o");
  llvm::Error err =
      driver::link_static_executable({missing}, tool, targets::host_target(), false, false);
  ASSERT_TRUE(static_cast<bool>(err));
  std::string msg = llvm::toString(std::move(err));
  EXPECT_NE(msg.find("linking " + tool + " failed"), std::string::npos) << msg;
  EXPECT_NE(msg.find("does-not-exist.o"), std::string::npos) << msg;
  EXPECT_FALSE(llvm::sys::fs::exists(tool));
  EXPECT_TRUE(leftovers(dir_.path()).empty());
}

TEST_F(HostLinkTest, RuntimeWithoutASectionTableWritesNoTool) {
  const std::string tool = dir_.file("tool");
  llvm::Error missing = driver::write_tool(dir_.file("no-runtime"), {}, tool);
  ASSERT_TRUE(static_cast<bool>(missing));
  EXPECT_NE(llvm::toString(std::move(missing)).find("cannot read the btc runtime"),
            std::string::npos);

  ASSERT_TRUE(test::write_file(dir_.file("script.sh"), std::vector<uint8_t>{'#', '!', '/', 'b'}));
  llvm::Error not_elf = driver::write_tool(dir_.file("script.sh"), {}, tool);
  ASSERT_TRUE(static_cast<bool>(not_elf));
  std::string msg = llvm::toString(std::move(not_elf));
  EXPECT_NE(msg.find("not an ELF file"), std::string::npos) << msg;
  EXPECT_FALSE(llvm::sys::fs::exists(tool));
  EXPECT_TRUE(leftovers(dir_.path()).empty());
}

TEST_F(HostLinkTest, RuntimeDirOverrideMustContainTheRuntime) {
  ::setenv("BTC_RUNTIME_DIR", dir_.path().c_str(), 1);
  auto expect_refused = [](llvm::Expected<std::string> found) {
    ASSERT_FALSE(static_cast<bool>(found));
    std::string msg = llvm::toString(found.takeError());
    EXPECT_NE(msg.find("BTC_RUNTIME_DIR"), std::string::npos) << msg;
  };
  expect_refused(driver::find_runtime_library(targets::host_target()));
  expect_refused(driver::find_runtime_base(targets::host_target(), false));
  expect_refused(driver::find_runtime_base(targets::host_target(), true));
}

TEST_F(HostLinkTest, LinkLineHasStartFilesInputsAndOneArchiveGroup) {
  auto args = driver::static_link_args(targets::host_target(), {"a.o"}, "/x/libbtc_runtime.a",
                                       "out", false);
  ASSERT_GE(args.size(), 10u);
  EXPECT_EQ(args[0], "ld.lld");
  auto at = [&](const std::string& s) {
    return std::find(args.begin(), args.end(), s) - args.begin();
  };
  EXPECT_LT(at("-static"), at("a.o"));
  EXPECT_LT(at("a.o"), at("--start-group"));
  EXPECT_LT(at("--start-group"), at("/x/libbtc_runtime.a"));
  EXPECT_LT(at("/x/libbtc_runtime.a"), at("--end-group"));
  EXPECT_LT(static_cast<size_t>(at("--end-group")), args.size());
  EXPECT_NE(args.back().find("crtn.o"), std::string::npos);
}

TEST_F(HostLinkTest, SymbolsOnlyWhenAskedFor) {
  auto has = [](const std::vector<std::string>& args, const char* flag) {
    return std::find(args.begin(), args.end(), flag) != args.end();
  };
  auto plain =
      driver::static_link_args(targets::host_target(), {}, "/x/libbtc_runtime.a", "out", false);
  auto debug =
      driver::static_link_args(targets::host_target(), {}, "/x/libbtc_runtime.a", "out", true);
  EXPECT_TRUE(has(plain, "--strip-all"));
  EXPECT_FALSE(has(plain, "--strip-debug"));
  EXPECT_TRUE(has(debug, "--strip-debug"));
  EXPECT_FALSE(has(debug, "--strip-all"));
}

} // namespace
} // namespace btc::skel
