// fuzz_compile.cpp: libFuzzer entry point for the whole compile to a BPF ELF object in memory
// (codegen, LLVM's BPF backend; no link). Any input must end in diagnostics or an object, never a
// crash, hang or sanitizer report.
#include "fuzz_stages.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  btc::fuzz::run_stages(data, size, btc::fuzz::Stage::BpfObject);
  return 0;
}
