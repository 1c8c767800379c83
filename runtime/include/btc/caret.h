// btc/caret.h: bpftrace-style located messages, for the compiler's diagnostics and the
// runtime's errors alike.
//
// Input: where (file, line, 1-based columns [col_begin, col_end) on the raw line), the source
// line, a level and a message. Output, e.g. for line 1, columns 24-26:
//   stdin:1:24-26: ERROR: $1 used numerically but given "abc". Try using str($1).
//   BEGIN { printf("%d\n", $1); }
//                          ~~
// Tabs are shown as four spaces; the header names raw columns (a tab counts one) and the
// underline sits under the expanded text, as bpftrace 0.17 prints both. Without a line: "ERROR:
// message"; across lines: "file:3-5: ERROR: message".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace btc::abi {

struct SourceSpot {
  std::string_view file;
  uint32_t line = 0;      // 0: no location
  uint32_t last_line = 0; // the line the range ends on (0: `line`)
  uint32_t col_begin = 0; // 1-based, on the raw line
  uint32_t col_end = 0;   // exclusive
};

// `source_line` is null when the line is not known (the header is printed alone).
std::string render_located(const SourceSpot& at, const std::string_view* source_line,
                           std::string_view level, std::string_view message);

} // namespace btc::abi
