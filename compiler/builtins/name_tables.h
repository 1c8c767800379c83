// name_tables.h: tables that turn numbers into names inside BPF programs (syscall_name(),
// signal_name()): the compiler embeds them as a read-only array.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "targets/target.h"

namespace btc::builtins {

struct NameTable {
  std::string symbol;             // the BPF global holding it
  std::vector<std::string> names; // by number; "" for numbers without a name
  std::string unknown;            // the text for a number outside the table or without a name
  uint32_t width = 0;             // bytes per entry (the longest name and its NUL, 8-aligned)
};

// The target's system call names by number (x86-64: linux-libc-dev's asm/unistd_64.h; aarch64:
// the cross toolchain's asm/unistd.h, when btc was built with that target), taken when btc
// was built; unknown numbers read "Unknown syscall", as bpftrace 0.2x prints. nullptr when
// this btc has no table for the target.
const NameTable* syscall_names(const targets::Target& target);
// Signal descriptions by number as strsignal(3) gives them (1 -> "Hangup"); "N/A" otherwise.
const NameTable& signal_names();

} // namespace btc::builtins
