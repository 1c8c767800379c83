// tool_help.h: what a generated tool says about itself, for its --help and --version and for
// `btc --emit=man` (one table of the tool's options, shared by both renderers).
//
// Input: the manifest (header comment, getopt() options, positional parameter uses, version,
// script hash). Output: text. Example: tool_version(m, "opensnoop") ->
//   "opensnoop (btc 0.1.0)\nscript: opensnoop.bt sha256:1f2e...\ntarget: x86_64\n"
#pragma once

#include "btc/abi.h"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace btc::abi {

// One option every tool takes: "-p", "PID", "trace only process PID; exit when it exits".
// `text` may hold '\n' where the terminal rendering wraps.
struct ToolOptionDoc {
  std::string_view flags; // "-p", "-l, --list", "--usdt-file-activation"
  std::string_view arg;   // "" for a flag
  std::string_view text;
};
std::span<const ToolOptionDoc> tool_option_docs();
// Environment variables every tool reads: {"BPFTRACE_BTF", "", "a BTF file to use ..."}.
std::span<const ToolOptionDoc> tool_environment_docs();

// A positional parameter the script reads: $N, and whether any use is numeric.
struct PositionalDoc {
  uint32_t index = 0;
  bool numeric = false;
};
std::vector<PositionalDoc> positional_docs(const Manifest& m);
// "a number (0 when not given)" / "text (empty when not given)".
std::string positional_text(const PositionalDoc& p);
// "--name=NUM" and "help text (int, default 5)" of a getopt() option.
std::string named_option_flag(const NamedOption& o);
std::string named_option_text(const NamedOption& o);

// USAGE, OPTIONS, SCRIPT OPTIONS and POSITIONAL PARAMETERS (shown on a usage error).
std::string tool_usage(const Manifest& m, std::string_view tool_name);
// The header comment, then tool_usage() (--help).
std::string tool_help(const Manifest& m, std::string_view tool_name);
// The tool, the btc that built it, the script's name and SHA-256, the target (--version).
std::string tool_version(const Manifest& m, std::string_view tool_name);

} // namespace btc::abi
