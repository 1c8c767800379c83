// about.h: what a tool says about itself, taken from its script when it is compiled.
//
// Input: the script's text. Output: the header comment as the tool's --help and man page show
// it, and the script's SHA-256 (the tool's --version). Example:
//   "#!/usr/bin/env bpftrace\n// opensnoop\tTrace open() syscalls.\n//\n// Copyright 2018 X\n"
//   -> header_comment(...) == "opensnoop       Trace open() syscalls."
#pragma once

#include <string>
#include <string_view>

namespace btc::manifest {

// The script's leading comment block (after a "#!" line and blank lines): consecutive "//"
// lines, or one "/* ... */" block with its " * " margins. Copyright, licence and SPDX lines
// and dated history lines ("13-Sep-2018  Name  Created this.") are dropped, tabs expanded to
// 8-column stops, runs of blank lines folded to one. "" when the script has no such block.
std::string header_comment(std::string_view script);

// Index of the first line after the header comment's whole lines (0: no header comment).
// Those lines are never a diagnostic's: the manifest carries them as the description only.
size_t header_comment_end(std::string_view script);

// Lower-case hex SHA-256 of `bytes` (what sha256sum prints for the script file).
std::string sha256_hex(std::string_view bytes);

} // namespace btc::manifest
