// codegen.h: lowering of a checked program to LLVM IR for the BPF target, and BPF object
// emission.
//
// lower() turns (Program, ProgramInfo) into an llvm::Module with one BPF program per attach
// point, BTF-defined maps in ".maps", a ring buffer for events, the .rodata config struct the
// runtime fills before load (laid out by sema: ProgramInfo::config) and debug info so LLVM emits
// .BTF/.BTF.ext (kernel type accesses become CO-RE relocations). emit_bpf() optimises and compiles
// the module in-process to BPF ELF bytes.
#pragma once

#include "ast/ast.h"
#include "btc/abi.h"
#include "sema/program_info.h"

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/Error.h>

#include <memory>
#include <vector>

namespace btc::codegen {

struct CodegenOptions {
  std::string module_name = "btc";
  std::string source_file = "script.bt";
  const source::SourceFile* source = nullptr; // for line numbers in debug info
  // Appended to kernel type names in the program's BTF ("___x": libbpf ignores it). Only for a
  // process that compiles more than one module (the fuzz targets): LLVM 19's BPF CO-RE pass
  // keeps each relocation's global in a process-wide map keyed by type name and access, and
  // hands a later module the global of an earlier, freed one.
  std::string core_name_suffix;
};

struct LoweredModule {
  std::unique_ptr<llvm::Module> module;
};

llvm::Expected<LoweredModule> lower(const ast::Program& program, const sema::ProgramInfo& info,
                                    const btf::KernelBtf* btf, const CodegenOptions& options,
                                    llvm::LLVMContext& context);

// Optimises (O2 with the BPF target's CO-RE passes) and emits a BPF ELF object.
llvm::Expected<std::vector<uint8_t>> emit_bpf(llvm::Module& module);

// Textual IR of the module (btc --emit=ir).
std::string print_ir(const llvm::Module& module);

} // namespace btc::codegen
