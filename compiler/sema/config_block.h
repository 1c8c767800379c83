// config_block.h: the script's `config = { ... }` block (bpftrace 0.2x), read into what the
// compiler applies (string length, map size, stack mode, ring buffer, licence, program limit)
// and what the tool applies when it runs (abi::Setting: missing_probes, print_maps_on_exit,
// max_probes, max_cat_bytes, cpp_demangle). Variables that mean nothing for a compiled tool
// are located errors saying why.
#pragma once

#include "ast/ast.h"
#include "btc/abi.h"
#include "diag/diag.h"

#include <optional>
#include <string>
#include <vector>

namespace btc::sema {

struct ConfigBlock {
  std::optional<uint32_t> max_strlen, max_map_keys, perf_rb_pages, max_bpf_progs;
  std::optional<abi::StackMode> stack_mode;
  std::optional<std::string> license;
  std::vector<abi::Setting> settings; // for the runtime
  // Unstable features switched by the block: `unstable_tseries = error` -> {tseries, error}.
  std::vector<abi::Setting> unstable;
};

// Reads the block; errors go to `diags`.
ConfigBlock read_config(const std::vector<ast::ConfigItem>& items, diag::Diagnostics& diags);

} // namespace btc::sema
