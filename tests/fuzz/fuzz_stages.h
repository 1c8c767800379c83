// fuzz_stages.h: the compile pipeline's in-memory stages as the fuzz targets drive them.
//
// Input: script bytes from libFuzzer. run_stages() runs parse -> expand -> sema -> codegen ->
// BPF object, stopping after `last` or at the first stage that reports an error, and renders
// the diagnostics as the driver would (the renderer is user-facing code too). Nothing is
// written to disk and nothing is linked. Kernel types come from the running kernel's BTF,
// loaded once per process (null when absent: sema then reports what needs it).
#pragma once

#include <cstddef>
#include <cstdint>

namespace btc::fuzz {

enum class Stage { Parse, Sema, BpfObject };

void run_stages(const uint8_t* data, size_t size, Stage last);

} // namespace btc::fuzz
