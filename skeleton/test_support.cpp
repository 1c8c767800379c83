// skeleton/test_support.cpp: BPF compilation of test IR and small file/process helpers.
#include "test_support.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>

#include <sys/wait.h>

#include <llvm/ADT/SmallString.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/AsmParser/Parser.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Program.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>

#ifndef BTC_SKEL_TESTDATA_DIR
#error "BTC_SKEL_TESTDATA_DIR must be defined by the build"
#endif

namespace btc::skel::test {

llvm::Expected<std::vector<uint8_t>> compile_bpf_ir(const std::string& ir_text) {
  static std::once_flag once;
  std::call_once(once, [] {
    LLVMInitializeBPFTargetInfo();
    LLVMInitializeBPFTarget();
    LLVMInitializeBPFTargetMC();
    LLVMInitializeBPFAsmPrinter();
  });
  llvm::LLVMContext ctx;
  llvm::SMDiagnostic diag;
  std::unique_ptr<llvm::Module> mod = llvm::parseAssemblyString(ir_text, diag, ctx);
  if (!mod) {
    std::string msg;
    llvm::raw_string_ostream os(msg);
    diag.print("sample_prog.ll", os);
    return llvm::createStringError(std::make_error_code(std::errc::invalid_argument), os.str());
  }
  std::string err;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget("bpfel", err);
  if (target == nullptr)
    return llvm::createStringError(std::make_error_code(std::errc::not_supported), err);
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      "bpfel", "v3", "", llvm::TargetOptions(), std::nullopt));
  mod->setDataLayout(tm->createDataLayout());
  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream os(buffer);
  llvm::legacy::PassManager pm;
  if (tm->addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::ObjectFile))
    return llvm::createStringError(std::errc::not_supported, "BPF target cannot emit objects");
  pm.run(*mod);
  return std::vector<uint8_t>(buffer.begin(), buffer.end());
}

llvm::Expected<std::vector<uint8_t>> sample_object() {
  const std::string ir = read_text(std::string(BTC_SKEL_TESTDATA_DIR) + "/sample_prog.ll");
  if (ir.empty())
    return llvm::createStringError(std::errc::no_such_file_or_directory,
                                   "cannot read testdata/sample_prog.ll");
  return compile_bpf_ir(ir);
}

TempDir::TempDir() {
  llvm::SmallString<128> dir;
  if (llvm::sys::fs::createUniqueDirectory("btc-skel-test", dir)) {
    std::fprintf(stderr, "cannot create a temporary directory\n");
    std::abort();
  }
  path_ = std::string(dir);
}

TempDir::~TempDir() { llvm::sys::fs::remove_directories(path_); }

bool write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int run_command(const std::string& command, std::string& output) {
  output.clear();
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr)
    return -1;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0)
    output.append(buf, n);
  int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool have_program(const std::string& program) {
  return static_cast<bool>(llvm::sys::findProgramByName(program));
}

} // namespace btc::skel::test
