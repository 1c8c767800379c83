// compile.h: the compile pipeline, one named step per line (see compile.cpp).
//
// Input: CompileOptions (from the command line). Output: the tool executable and/or the
// requested intermediate artifacts; diagnostics on stderr. Returns the process exit status.
#pragma once

#include "targets/target.h"

#include <string>
#include <vector>

namespace btc::driver {

enum class Emit { Ast, Ir, BpfObj, Skel, Manifest, Man };

struct CompileOptions {
  std::string input_path;          // script file, "-" for stdin
  std::string program_text;        // -e PROG (input_path empty then)
  std::string output;              // -o OUT ("" = no executable unless no --emit)
  std::vector<Emit> emits;
  std::string btf_path = "/sys/kernel/btf/vmlinux";
  std::vector<std::string> include_dirs;
  std::vector<std::string> include_files;
  bool unsafe = false;
  bool verbose = false;
  bool debug = false; // the tool keeps the runtime's symbol table (btc-runtime-debug)
  unsigned strlen = 64;
  unsigned map_keys_max = 4096;
  // Given by the environment (BPFTRACE_STRLEN, ...) or an option: the script's config block
  // does not override them.
  bool strlen_given = false, map_keys_given = false;
  unsigned helper_errors = 0; // -k: 1, -kk: 2 (the tool's default -k level)
  std::vector<std::string> module_btfs; // --module-btf NAME=FILE
  const targets::Target* target = &targets::host_target(); // --target
};

int compile(const CompileOptions& options);

// Links the tool runtime executable (libbtc_runtime.a and its libraries) to `output`.
// `debug`: keep the symbol table (btc-runtime-debug, for `btc --debug`).
int link_runtime(const std::string& output, const targets::Target& target, bool verbose,
                 bool debug);

} // namespace btc::driver
