// driver/link.h: the tool runtime executable and the tools made from it.
//
// The runtime (libbtc_runtime.a, which holds main(), with libbpf, libelf, zlib and static
// libstdc++/libm/libc/libgcc) is linked once, when btc is built, by lld in-process:
// `btc --link-runtime OUT` -> the static executable btc-runtime. Compiling a script then
// only copies btc-runtime and appends the .btc_payload section (btc/payload.h): no link per
// tool. Paths of the start files and archives are recorded at configure time (link_config.h).
// No external linker or compiler is spawned.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <llvm/Support/Error.h>

#include "targets/target.h"

namespace btc::driver {

// Where libbtc_runtime.a (find_runtime_library) or the linked btc-runtime (find_runtime_base)
// is, tried in order:
//   1. $BTC_RUNTIME_DIR/<name> (an error if the variable is set but the file is not there, so
//      a typo does not silently pick another runtime),
//   2. <dir of the running btc>/<relative install dir>/<name> (e.g. ../lib/btc),
//   3. the build tree's file.
llvm::Expected<std::string> find_runtime_library(const targets::Target& target);
// The tool runtime with its symbol table (`btc --debug`) is btc-runtime-debug beside it.
inline constexpr const char* kDebugSuffix = "-debug";
// Another target's files carry its name: btc-runtime-aarch64, aarch64/libbtc_runtime.a. An
// error when this btc was built without that target (BTC_TARGETS).
llvm::Expected<std::string> find_runtime_base(const targets::Target& target, bool debug);

// The full lld argument vector (argv[0] = "ld.lld") for linking `inputs` into `output` for
// `target` (a target this btc was built for).
std::vector<std::string> static_link_args(const targets::Target& target,
                                          const std::vector<std::string>& inputs,
                                          const std::string& runtime_library,
                                          const std::string& output, bool keep_symbols);

// Links `input_objects` into the static executable `output_path` (mode 0755), without a
// symbol table unless `keep_symbols`. lld writes a
// temporary file next to the output that is renamed onto it only on success, so a failed
// link never leaves a partial output. `verbose` prints the lld command line and lld's
// messages to stderr. lld may not be safely re-runnable after some failures; a second call
// after such a failure returns an error instead of linking.
llvm::Error link_static_executable(const std::vector<std::string>& input_objects,
                                   const std::string& output_path, const targets::Target& target,
                                   bool verbose, bool keep_symbols);

// Writes the tool `output_path` (mode 0755): the runtime executable `base_path` with
// `payload` appended as its .btc_payload section. Written to a temporary file next to the
// output and renamed onto it, so a failure never leaves a partial output.
llvm::Error write_tool(const std::string& base_path, std::span<const uint8_t> payload,
                       const std::string& output_path);

} // namespace btc::driver
