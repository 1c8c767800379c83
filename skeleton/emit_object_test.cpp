// skeleton/emit_object_test.cpp: the host object defines the four runtime symbols with the
// right sizes, alignment and contents.
#include "emit_object.h"

#include <map>

#include <gtest/gtest.h>
#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Object/ObjectFile.h>

namespace btc::skel {
namespace {

struct SymbolInfo {
  uint64_t size = 0;
  uint64_t value = 0;
  std::string section;
  uint64_t section_align = 0;
  std::vector<uint8_t> bytes;
  bool global = false;
};

std::map<std::string, SymbolInfo> read_symbols(const std::vector<uint8_t>& obj) {
  std::map<std::string, SymbolInfo> out;
  llvm::StringRef data(reinterpret_cast<const char*>(obj.data()), obj.size());
  auto file = llvm::object::ObjectFile::createObjectFile(llvm::MemoryBufferRef(data, "host.o"));
  if (!file) {
    ADD_FAILURE() << llvm::toString(file.takeError());
    return out;
  }
  auto* elf = llvm::dyn_cast<llvm::object::ELF64LEObjectFile>(file->get());
  if (elf == nullptr) {
    ADD_FAILURE() << "not an ELF64 little-endian object";
    return out;
  }
  EXPECT_EQ(elf->getArch(), llvm::Triple::x86_64);
  EXPECT_TRUE(elf->isRelocatableObject());
  for (const llvm::object::ELFSymbolRef& sym : elf->symbols()) {
    auto name = sym.getName();
    auto sec = sym.getSection();
    if (!name || !sec || *sec == elf->section_end()) {
      if (!name)
        llvm::consumeError(name.takeError());
      if (!sec)
        llvm::consumeError(sec.takeError());
      continue;
    }
    SymbolInfo info;
    info.size = sym.getSize();
    info.value = llvm::cantFail(sym.getValue());
    info.global = (llvm::cantFail(sym.getFlags()) & llvm::object::SymbolRef::SF_Global) != 0;
    info.section = llvm::cantFail((*sec)->getName()).str();
    info.section_align = (*sec)->getAlignment().value();
    llvm::StringRef contents = llvm::cantFail((*sec)->getContents());
    if (info.value + info.size <= contents.size())
      info.bytes.assign(contents.begin() + info.value, contents.begin() + info.value + info.size);
    out[name->str()] = std::move(info);
  }
  return out;
}

uint64_t as_u64(const std::vector<uint8_t>& b) {
  uint64_t v = 0;
  for (size_t i = 0; i < b.size() && i < 8; ++i)
    v |= static_cast<uint64_t>(b[i]) << (8 * i);
  return v;
}

void expect_blob(const std::map<std::string, SymbolInfo>& syms, const char* name,
                 const char* size_name, const std::vector<uint8_t>& want) {
  ASSERT_TRUE(syms.count(name)) << name;
  ASSERT_TRUE(syms.count(size_name)) << size_name;
  const SymbolInfo& blob = syms.at(name);
  const SymbolInfo& size = syms.at(size_name);
  EXPECT_TRUE(blob.global);
  EXPECT_TRUE(size.global);
  EXPECT_EQ(blob.section, ".rodata");
  EXPECT_EQ(size.section, ".rodata");
  EXPECT_GE(blob.section_align, 8u);
  EXPECT_EQ(blob.value % 8, 0u);
  EXPECT_EQ(size.value % 8, 0u);
  EXPECT_EQ(blob.size, want.size());
  EXPECT_EQ(blob.bytes, want);
  EXPECT_EQ(size.size, 8u);
  EXPECT_EQ(as_u64(size.bytes), want.size());
}

TEST(EmitObject, DefinesBlobsAndSizes) {
  std::vector<uint8_t> bpf(1001);
  for (size_t i = 0; i < bpf.size(); ++i)
    bpf[i] = static_cast<uint8_t>(i * 7);
  std::vector<uint8_t> manifest = {1, 0, 0, 0, 'h', 'i', 0};
  auto obj = emit_host_object(bpf, manifest);
  ASSERT_TRUE(static_cast<bool>(obj)) << llvm::toString(obj.takeError());
  auto syms = read_symbols(*obj);
  expect_blob(syms, kBpfObjectSymbol, kBpfObjectSizeSymbol, bpf);
  expect_blob(syms, kManifestSymbol, kManifestSizeSymbol, manifest);
}

TEST(EmitObject, AcceptsAnEmptyManifest) {
  std::vector<uint8_t> bpf = {0x7f, 'E', 'L', 'F'};
  auto obj = emit_host_object(bpf, {});
  ASSERT_TRUE(static_cast<bool>(obj)) << llvm::toString(obj.takeError());
  auto syms = read_symbols(*obj);
  ASSERT_TRUE(syms.count(kManifestSizeSymbol));
  EXPECT_EQ(as_u64(syms.at(kManifestSizeSymbol).bytes), 0u);
  expect_blob(syms, kBpfObjectSymbol, kBpfObjectSizeSymbol, bpf);
}

} // namespace
} // namespace btc::skel
