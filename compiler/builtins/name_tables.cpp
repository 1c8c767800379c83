// name_tables.cpp: the syscall and signal name tables (see name_tables.h).
#include "builtins/name_tables.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace btc::builtins {

namespace {

// {number, name} pairs generated from asm/unistd_64.h by CMake.
constexpr std::pair<uint32_t, const char*> kSyscalls[] = {
#include "syscalls_x86_64.inc"
};

void fix_width(NameTable& t) {
  size_t longest = t.unknown.size();
  for (const auto& n : t.names) longest = std::max(longest, n.size());
  t.width = static_cast<uint32_t>((longest + 1 + 7) / 8 * 8);
}

} // namespace

const NameTable& syscall_names() {
  static const NameTable table = [] {
    NameTable t;
    t.symbol = "btc_syscall_names";
    t.unknown = "Unknown syscall";
    uint32_t max = 0;
    for (const auto& s : kSyscalls) max = std::max(max, s.first);
    t.names.resize(max + 1);
    for (const auto& s : kSyscalls) t.names[s.first] = s.second;
    fix_width(t);
    return t;
  }();
  return table;
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
