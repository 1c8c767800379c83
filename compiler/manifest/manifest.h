// manifest.h: builds the runtime manifest (btc/abi.h) from sema's ProgramInfo.
//
// Input: ProgramInfo (which also fixes the .rodata config layout, event ids and buffer sizes)
// and the source. Output: an
// abi::Manifest: a type table (every key, value and event argument type in storage layout),
// maps in print order, events, probes (one entry per attach point, program name and attach
// parameters), positional-parameter use. Example: `@[comm] = count()` gives map "@" kind count,
// key t0 = string[16], value size 8, percpu.
#pragma once

#include "btc/abi.h"
#include "sema/program_info.h"
#include "source/source.h"

namespace btc::manifest {

abi::Manifest build_manifest(const sema::ProgramInfo& info, const source::SourceFile& source);

} // namespace btc::manifest
