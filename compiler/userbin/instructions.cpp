// instructions.cpp: function symbols and instruction boundaries of an x86-64 ELF file (see
// instructions.h), with LLVM's object reader and MC disassembler.
#include "userbin/instructions.h"

#include <llvm/MC/MCAsmInfo.h>
#include <llvm/MC/MCContext.h>
#include <llvm/MC/MCDisassembler/MCDisassembler.h>
#include <llvm/MC/MCInst.h>
#include <llvm/MC/MCRegisterInfo.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/MCTargetOptions.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Object/BuildID.h>
#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/TargetParser/Triple.h>

#include <cstdio>
#include <mutex>
#include <vector>

namespace btc::userbin {

namespace {
constexpr const char* kTriple = "x86_64-unknown-linux-gnu";

void init_x86_disassembler() {
  static std::once_flag once;
  std::call_once(once, [] {
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86Disassembler();
  });
}
} // namespace

struct BinaryCode::Impl {
  llvm::object::OwningBinary<llvm::object::ObjectFile> binary;
  std::vector<FunctionSymbol> functions;
  std::string build_id;

  // The bytes at [vaddr, vaddr + size) of the section holding them (empty if none does).
  llvm::ArrayRef<uint8_t> bytes(uint64_t vaddr, uint64_t size) const {
    for (const auto& sec : binary.getBinary()->sections()) {
      uint64_t start = sec.getAddress();
      if (!sec.isText() || vaddr < start || vaddr >= start + sec.getSize()) continue;
      auto contents = sec.getContents();
      if (!contents) {
        llvm::consumeError(contents.takeError());
        return {};
      }
      uint64_t off = vaddr - start;
      uint64_t n = std::min<uint64_t>(size, contents->size() - off);
      return {reinterpret_cast<const uint8_t*>(contents->data()) + off, n};
    }
    return {};
  }
};

BinaryCode::BinaryCode() : impl_(std::make_unique<Impl>()) {}
BinaryCode::~BinaryCode() = default;

std::string build_id_hex(const llvm::object::ObjectFile& obj) {
  std::string out;
  for (uint8_t byte : llvm::object::getBuildID(&obj)) {
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02x", byte);
    out += hex;
  }
  return out;
}

llvm::Expected<std::unique_ptr<BinaryCode>> BinaryCode::open(const std::string& path) {
  auto bin = llvm::object::ObjectFile::createObjectFile(path);
  if (!bin) return bin.takeError();
  auto* elf = llvm::dyn_cast<llvm::object::ELFObjectFileBase>(bin->getBinary());
  if (!elf || elf->getArch() != llvm::Triple::x86_64)
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s is not an x86-64 ELF file",
                                   path.c_str());
  std::unique_ptr<BinaryCode> out(new BinaryCode());
  for (const llvm::object::ELFSymbolRef& sym : elf->symbols()) {
    if (sym.getELFType() != llvm::ELF::STT_FUNC) continue;
    auto name = sym.getName();
    auto addr = sym.getAddress();
    if (!name || !addr || *addr == 0) {
      if (!name) llvm::consumeError(name.takeError());
      if (!addr) llvm::consumeError(addr.takeError());
      continue;
    }
    out->impl_->functions.push_back({name->str(), *addr, sym.getSize()});
  }
  out->impl_->build_id = build_id_hex(*elf);
  out->impl_->binary = std::move(*bin);
  return out;
}

std::optional<FunctionSymbol> BinaryCode::function(std::string_view name) const {
  for (const auto& f : impl_->functions)
    if (f.name == name) return f;
  return std::nullopt;
}

std::optional<FunctionSymbol> BinaryCode::function_at(uint64_t vaddr) const {
  for (const auto& f : impl_->functions)
    if (vaddr >= f.addr && vaddr < f.addr + std::max<uint64_t>(f.size, 1)) return f;
  return std::nullopt;
}

bool BinaryCode::starts_instruction(const FunctionSymbol& f, uint64_t offset) const {
  if (offset == 0) return true;
  init_x86_disassembler();
  std::string err;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(kTriple, err);
  if (!target) return false;
  llvm::Triple triple(kTriple);
  std::unique_ptr<llvm::MCRegisterInfo> mri(target->createMCRegInfo(kTriple));
  llvm::MCTargetOptions options;
  std::unique_ptr<llvm::MCAsmInfo> mai(target->createMCAsmInfo(*mri, kTriple, options));
  std::unique_ptr<llvm::MCSubtargetInfo> sti(target->createMCSubtargetInfo(kTriple, "", ""));
  if (!mri || !mai || !sti) return false;
  llvm::MCContext ctx(triple, mai.get(), mri.get(), sti.get());
  std::unique_ptr<llvm::MCDisassembler> dis(target->createMCDisassembler(*sti, ctx));
  if (!dis) return false;
  llvm::ArrayRef<uint8_t> code = impl_->bytes(f.addr, offset + 16);
  uint64_t pos = 0;
  while (pos < offset && pos < code.size()) {
    llvm::MCInst inst;
    uint64_t size = 0;
    auto status = dis->getInstruction(inst, size, code.slice(pos), f.addr + pos, llvm::nulls());
    if (status != llvm::MCDisassembler::Success || size == 0) return false;
    pos += size;
  }
  return pos == offset;
}

const std::string& BinaryCode::build_id() const {
  return impl_->build_id;
}

} // namespace btc::userbin
