// skeleton/emit_object.cpp: builds the host object (x86-64 ELF .o) embedding the BPF object
// and the manifest.
//
// Input: two byte blobs. Output: object file bytes. The module is four constants, e.g. for a
// 5000-byte object:
//   @btc_bpf_object = constant [5000 x i8] c"\7FELF...", section ".rodata", align 8
//   @btc_bpf_object_size = constant i64 5000, section ".rodata", align 8
// compiled by the X86 backend straight into memory (no assembler, no temporary files).
#include "emit_object.h"

#include <mutex>

#include <llvm/ADT/SmallVector.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/GlobalVariable.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/CodeGen.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>
#include <llvm/TargetParser/Triple.h>

namespace btc::skel {
namespace {

// The generated tools are x86-64 Linux static executables (see compiler/driver/link.cpp).
constexpr const char* kHostTriple = "x86_64-unknown-linux-gnu";

void init_x86_target() {
  static std::once_flag once;
  std::call_once(once, [] {
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86Target();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86AsmPrinter();
  });
}

// Adds `name` (the bytes, 8-aligned in .rodata) and `size_name` (their count as a u64).
void add_blob(llvm::Module& mod, const char* name, const char* size_name,
              std::span<const uint8_t> bytes) {
  llvm::LLVMContext& ctx = mod.getContext();
  llvm::Constant* data =
      llvm::ConstantDataArray::get(ctx, llvm::ArrayRef<uint8_t>(bytes.data(), bytes.size()));
  auto* blob = new llvm::GlobalVariable(mod, data->getType(), /*isConstant=*/true,
                                        llvm::GlobalValue::ExternalLinkage, data, name);
  blob->setAlignment(llvm::Align(8));
  blob->setSection(".rodata");

  llvm::Constant* size = llvm::ConstantInt::get(llvm::Type::getInt64Ty(ctx), bytes.size());
  auto* size_var = new llvm::GlobalVariable(mod, size->getType(), /*isConstant=*/true,
                                            llvm::GlobalValue::ExternalLinkage, size, size_name);
  size_var->setAlignment(llvm::Align(8));
  size_var->setSection(".rodata");
}

} // namespace

llvm::Expected<std::vector<uint8_t>> emit_host_object(std::span<const uint8_t> bpf_obj,
                                                      std::span<const uint8_t> manifest) {
  init_x86_target();
  std::string err;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(kHostTriple, err);
  if (target == nullptr)
    return llvm::createStringError(std::errc::not_supported,
                                   "no x86-64 target in this LLVM: %s", err.c_str());
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      kHostTriple, "x86-64", "", llvm::TargetOptions(), llvm::Reloc::PIC_, std::nullopt,
      llvm::CodeGenOptLevel::None));
  if (!tm)
    return llvm::createStringError(std::errc::not_supported,
                                   "cannot create an x86-64 target machine");

  llvm::LLVMContext ctx;
  llvm::Module mod("btc_host_object", ctx);
  mod.setTargetTriple(kHostTriple);
  mod.setDataLayout(tm->createDataLayout());
  add_blob(mod, kBpfObjectSymbol, kBpfObjectSizeSymbol, bpf_obj);
  add_blob(mod, kManifestSymbol, kManifestSizeSymbol, manifest);

  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream os(buffer);
  llvm::legacy::PassManager pm;
  if (tm->addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::ObjectFile))
    return llvm::createStringError(std::errc::not_supported,
                                   "the x86-64 target cannot emit object files");
  pm.run(mod);
  return std::vector<uint8_t>(buffer.begin(), buffer.end());
}

} // namespace btc::skel
