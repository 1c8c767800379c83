// fuzz_parse.cpp: libFuzzer entry point for the lexer and the parser (with expansion: macros, let
// scopes). Any input must end in diagnostics or an object, never a crash, hang or sanitizer report.
#include "fuzz_stages.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  btc::fuzz::run_stages(data, size, btc::fuzz::Stage::Parse);
  return 0;
}
