// fuzz_stages.cpp: see fuzz_stages.h. The order of the steps is compile.cpp's; the --emit
// hooks, the manifest and the tool writing are left out (they read what sema produced).
#include "fuzz_stages.h"

#include "btf/kernel_btf.h"
#include "codegen/codegen.h"
#include "diag/diag.h"
#include "expand/expand.h"
#include "parse/parser.h"
#include "sema/sema.h"

#include <llvm/IR/DiagnosticInfo.h>

#include <optional>
#include <string>

namespace btc::fuzz {
namespace {

const btf::KernelBtf* kernel_btf() {
  static const std::optional<btf::KernelBtf> kbtf = []() -> std::optional<btf::KernelBtf> {
    auto b = btf::KernelBtf::load();
    if (!b) {
      llvm::consumeError(b.takeError());
      return std::nullopt;
    }
    return std::move(*b);
  }();
  return kbtf ? &*kbtf : nullptr;
}

} // namespace

void run_stages(const uint8_t* data, size_t size, Stage last) {
  source::SourceFile source("fuzz.bt", std::string(reinterpret_cast<const char*>(data), size));
  diag::Diagnostics diags;
  parse::ParseOptions parse_options;
  parse_options.script_dir = "/nonexistent-fuzz-dir"; // #include "x" finds nothing by chance
  ast::Program program = parse::parse(source, diags, parse_options);
  bool ok = !diags.has_errors() && expand::expand(program, diags).ok;
  std::optional<sema::ProgramInfo> info;
  if (ok && last != Stage::Parse) {
    sema::SemaOptions sopts;
    sopts.source = &source;
    sopts.btf = kernel_btf();
    info = sema::analyse(program, sopts, diags);
  }
  (void)diag::render_all(diags, source);
  if (!info || last != Stage::BpfObject) return;

  llvm::LLVMContext context;
  // Backend errors (stack limit) are collected by the driver; here they are just dropped.
  context.setDiagnosticHandlerCallBack([](const llvm::DiagnosticInfo*, void*) {}, nullptr);
  codegen::CodegenOptions copts;
  copts.source = &source;
  static uint64_t compiles = 0; // distinct CO-RE names per module (see core_name_suffix)
  copts.core_name_suffix = "___fuzz" + std::to_string(++compiles);
  auto lowered = codegen::lower(program, *info, kernel_btf(), copts, context);
  if (!lowered) {
    llvm::consumeError(lowered.takeError());
    return;
  }
  auto obj = codegen::emit_bpf(*lowered->module);
  if (!obj) llvm::consumeError(obj.takeError());
}

} // namespace btc::fuzz
