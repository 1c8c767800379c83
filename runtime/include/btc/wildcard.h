// wildcard.h: spec 1.2's attach-point wildcard matching, shared by the compiler (kfunc and
// tracepoint expansion) and the runtime (tracepoints, kprobes, uprobes, usdt, raw tracepoints).
// `*` matches any run of characters, everything else matches itself:
// wildcard_match("sys_enter_exec*", "sys_enter_execve") is true.
#pragma once

#include <cstddef>
#include <string_view>

namespace btc {

inline bool wildcard_match(std::string_view pattern, std::string_view text) {
  // Greedy matching with backtracking to the last '*'.
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

} // namespace btc
