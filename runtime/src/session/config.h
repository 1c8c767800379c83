// config.h: the .rodata config struct written before load, and attach points completed from
// positional parameters.
//
// Input: the manifest (ConfigLayout offsets, which attach points took a $N) and the tool's
// positional arguments. Output: the filled config bytes: start_ns, target/child pid, -k level,
// $#, int_args[N-1] = $N, str_args[N-1] = text of $N truncated to strlen-1 bytes (a missing
// $N is 0 / ""), and the substituted ProbeDescs completed by their providers.
#pragma once

#include "btc/abi.h"

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace btc::rt {

// Substitutes the positional parameters the manifest names (abi::substitute_positionals) and
// has each probe's provider complete the attach points that took one (an interval/profile
// rate or a perf event count is parsed now; names are matched later, like wildcards). "" or
// the located diagnostics.
std::string apply_positionals(abi::Manifest& m, const std::vector<std::string>& args);

// A config variable of the script (abi::Setting): the environment variable BPFTRACE_<NAME>
// (or one of `old_env` names, 0.17's spelling) when set, else the script's config block,
// else `fallback`.
std::string config_setting(const abi::Manifest& m, std::string_view name,
                           const std::string& fallback = "",
                           std::initializer_list<const char*> old_env = {});
size_t config_size(const abi::Manifest& m, std::string_view name, size_t fallback,
                   std::initializer_list<const char*> old_env = {});

struct ConfigValues {
  uint64_t start_ns = 0;
  uint64_t target_pid = 0;
  uint64_t child_pid = 0;
  uint64_t helper_errors = 0; // -k level
  uint64_t no_cookies = 0;    // 1: the kernel has no BPF cookies (abi::kAttachIdMarker)
  uint64_t ncpus = 0;         // possible CPUs
  std::vector<std::string> named_values; // getopt() options, checked (Options::named_values)
};

// Writes the config fields into `rodata` (the .rodata initial value). False with `err` when
// the layout does not fit the section.
bool write_config(const abi::Manifest& m, const std::vector<std::string>& args,
                  const ConfigValues& values, std::span<uint8_t> rodata, std::string& err);

} // namespace btc::rt
