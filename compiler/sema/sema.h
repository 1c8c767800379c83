// sema.h: semantic analysis entry point.
//
// analyse() checks a parsed Program against bpftrace 0.17's rules (types, map key/value types
// fixed by first use, probe-context rules, function signatures, printf formats), annotates
// every Expr with its Type and returns the ProgramInfo that codegen and the manifest read.
// Kernel types come from BTF; tracepoint formats from tracefs on the compiling host (only
// for type checking: codegen reaches fields through CO-RE).
#pragma once

#include "ast/ast.h"
#include "diag/diag.h"
#include "sema/program_info.h"
#include "targets/target.h"

#include <vector>

#include <optional>
#include <string>
#include <string_view>

namespace btc::btf {
class KernelBtf;
}

namespace btc::sema {

struct SemaOptions {
  const source::SourceFile* source = nullptr; // for diagnostics inside preamble definitions
  bool unsafe = false;
  uint32_t strlen = 64;
  const btf::KernelBtf* btf = nullptr; // null: kernel types unavailable
  std::string tracefs_root;            // where tracepoint formats are read ("" = autodetect)
  // Resources (ProgramInfo's): entries per map, the ring buffer of a program that streams
  // events (printf & co; the others get a small one), the tool's name and -k level.
  uint32_t map_max_entries = 4096;
  // 1 MiB: user space maps a ring buffer's data twice, so it counts 2 MiB in the tool's RSS
  // (libbpf-tools use 256 KiB); `config = { perf_rb_pages = N }` changes it.
  uint32_t ringbuf_bytes = 1 << 20;
  std::string tool_name = "btc";
  const targets::Target* target = &targets::host_target(); // btc --target
  uint32_t default_helper_errors = 0;
  // From the script's config block (config_block.h).
  abi::StackMode stack_mode = abi::StackMode::Bpftrace; // kstack/ustack without a mode
  std::string license = "GPL";
  uint32_t max_programs = 0;          // 0: no limit
  std::vector<abi::Setting> settings; // for the tool's runtime
  // `unstable_NAME = enable|warn|error` of the config block, as {NAME, value}.
  std::vector<abi::Setting> unstable;
};

// Signal number of "KILL" / "SIGKILL" (signal() accepts both), nullopt if unknown.
std::optional<int> signal_number(std::string_view name);

std::optional<ProgramInfo> analyse(ast::Program& program, const SemaOptions& options,
                                   diag::Diagnostics& diags);

} // namespace btc::sema
