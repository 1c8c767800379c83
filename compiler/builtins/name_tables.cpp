// name_tables.cpp: the syscall and signal name tables (see name_tables.h).
#include "builtins/name_tables.h"

#include <algorithm>
#include <cstring>
#include <span>
#include <utility>

namespace btc::builtins {

namespace {

// {number, name} pairs generated from asm/unistd_64.h by CMake.
constexpr std::pair<uint32_t, const char*> kSyscallsX86_64[] = {
#include "syscalls_x86_64.inc"
};
#if defined(BTC_HAVE_AARCH64_SYSCALLS)
// The same from the aarch64 cross compiler's asm/unistd.h (BTC_TARGETS has aarch64).
constexpr std::pair<uint32_t, const char*> kSyscallsAarch64[] = {
#include "syscalls_aarch64.inc"
};
#endif

void fix_width(NameTable& t) {
  size_t longest = t.unknown.size();
  for (const auto& n : t.names) longest = std::max(longest, n.size());
  t.width = static_cast<uint32_t>((longest + 1 + 7) / 8 * 8);
}

NameTable make_syscall_table(std::span<const std::pair<uint32_t, const char*>> syscalls) {
  NameTable t;
  t.symbol = "btc_syscall_names";
  t.unknown = "Unknown syscall";
  uint32_t max = 0;
  for (const auto& s : syscalls) max = std::max(max, s.first);
  t.names.resize(max + 1);
  for (const auto& s : syscalls) t.names[s.first] = s.second;
  fix_width(t);
  return t;
}

} // namespace

const NameTable* syscall_names(const targets::Target& target) {
  static const NameTable x86_64 = make_syscall_table(kSyscallsX86_64);
  if (target.name == "x86_64") return &x86_64;
#if defined(BTC_HAVE_AARCH64_SYSCALLS)
  static const NameTable aarch64 = make_syscall_table(kSyscallsAarch64);
  if (target.name == "aarch64") return &aarch64;
#endif
  return nullptr;
}

const NameTable& signal_names() {
  static const NameTable table = [] {
    NameTable t;
    t.symbol = "btc_signal_names";
    t.unknown = "N/A";
    t.names.resize(65);
    for (int i = 1; i <= 64; ++i) t.names[i] = strsignal(i);
    fix_width(t);
    return t;
  }();
  return table;
}

} // namespace btc::builtins
