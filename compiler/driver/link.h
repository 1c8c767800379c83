// driver/link.h: turns host objects into a static tool by running lld in-process.
//
// Input: object files (the host object from skeleton/emit_object, written to disk) and an
// output path. Output: a static x86-64 executable at that path, or an error carrying lld's
// diagnostics. The link line adds the C runtime start files, libbtc_runtime.a (which holds
// main()), libbpf, libelf, zlib and static libstdc++/libm/libc/libgcc, all recorded at
// configure time (link_config.h). No external linker or compiler is spawned.
#pragma once

#include <string>
#include <vector>

#include <llvm/Support/Error.h>

namespace btc::driver {

// Where libbtc_runtime.a is, tried in order:
//   1. $BTC_RUNTIME_DIR/libbtc_runtime.a (an error if the variable is set but the file is not
//      there, so a typo does not silently pick another runtime),
//   2. <dir of the running btc>/<relative install dir>/libbtc_runtime.a (e.g. ../lib/btc),
//   3. the build tree's btc_runtime archive.
llvm::Expected<std::string> find_runtime_library();

// The full lld argument vector (argv[0] = "ld.lld") for linking `inputs` into `output`.
std::vector<std::string> static_link_args(const std::vector<std::string>& inputs,
                                          const std::string& runtime_library,
                                          const std::string& output);

// Links `input_objects` into the static executable `output_path` (mode 0755). lld writes a
// temporary file next to the output that is renamed onto it only on success, so a failed
// link never leaves a partial output. `verbose` prints the lld command line and lld's
// messages to stderr. lld may not be safely re-runnable after some failures; a second call
// after such a failure returns an error instead of linking.
llvm::Error link_static_executable(const std::vector<std::string>& input_objects,
                                   const std::string& output_path, bool verbose);

} // namespace btc::driver
