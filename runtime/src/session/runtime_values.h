// runtime_values.h: values only the target host knows (Manifest::runtime_values), resolved
// before load and written as u64s into the .rodata config bytes.
//
// Input: the manifest's RuntimeValue list, /proc/kallsyms text, cgroup paths. Output: the u64
// at each RuntimeValue::offset, or located diagnostics, e.g.
//   stdin:1:15-32: ERROR: Failed to resolve kernel symbol: no_such_sym
//   BEGIN { print(kaddr("no_such_sym")); }
//                 ~~~~~~~~~~~~~~~~~~
// kaddr(NAME): address of the first /proc/kallsyms line naming NAME (0 addresses, as shown
// without CAP_SYSLOG, count as unresolved). cgroupid(PATH): the 64-bit file handle
// name_to_handle_at() returns for PATH, which on cgroup2 is the cgroup id (bpftrace's method).
#pragma once

#include "btc/abi.h"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace btc::rt {

// Addresses of `names` found in kallsyms text ("ffffffff81234560 T vfs_read" lines, an
// optional "[module]" column). The first non-zero line for a name wins.
std::map<std::string, uint64_t> find_kernel_symbols(std::string_view kallsyms,
                                                    const std::vector<std::string>& names);

// uaddr(): the ELF st_value of SYMBOL in BINARY ("BINARY:SYMBOL"; BINARY resolved like a
// uprobe's: path, lib* via ld.so.cache, $PATH). Like 0.17, no load-base (ASLR) correction.
std::optional<uint64_t> user_symbol_address(const std::string& binary_and_symbol);

// signal(): "KILL", "SIGKILL" or "9" (1..64) as a signal number; nullopt when it is none.
std::optional<int> signal_number(const std::string& name);

// The cgroup id of `path`; nullopt with `err` set to strerror text when it cannot be read.
std::optional<uint64_t> cgroup_id(const std::string& path, std::string& err);

// Resolves every runtime value and writes it into `rodata`. `kallsyms` is the text of
// /proc/kallsyms (read by the caller only when a Kaddr value exists). Returns the
// diagnostics; empty when everything resolved.
std::string resolve_runtime_values(const abi::Manifest& m, std::string_view kallsyms,
                                   std::span<uint8_t> rodata);

// True when the manifest needs /proc/kallsyms.
bool needs_kallsyms(const abi::Manifest& m);

} // namespace btc::rt
