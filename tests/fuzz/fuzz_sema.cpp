// fuzz_sema.cpp: libFuzzer entry point for parse + expand + sema (types from the running kernel's
// BTF). Any input must end in diagnostics or an object, never a crash, hang or sanitizer report.
#include "fuzz_stages.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  btc::fuzz::run_stages(data, size, btc::fuzz::Stage::Sema);
  return 0;
}
