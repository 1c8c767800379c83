// manifest.h: builds the runtime manifest (btc/abi.h) from sema's ProgramInfo.
//
// Input: ProgramInfo, the .rodata config layout chosen by codegen, the source. Output: an
// abi::Manifest: a type table (every key, value and event argument type in storage layout),
// maps in print order, events, probes (one entry per attach point, program name and attach
// parameters), positional-parameter use. Example: `@[comm] = count()` gives map "@" kind count,
// key t0 = string[16], value size 8, percpu.
#pragma once

#include "btc/abi.h"
#include "sema/program_info.h"
#include "source/source.h"

namespace btc::manifest {

abi::Manifest build_manifest(const sema::ProgramInfo& info, const abi::ConfigLayout& config,
                             uint32_t runtime_values_offset,
                             const std::vector<sema::EventInfo>& extra_events,
                             const source::SourceFile& source, const std::string& tool_name,
                             uint32_t ringbuf_bytes, uint32_t default_helper_errors = 0);

} // namespace btc::manifest
