// diag.h: bpftrace-style located messages for errors the runtime finds (spec 10).
//
// Input: the manifest's source name and lines, a 1-based line and [col_begin, col_end)
// columns, a level and a message. Output, e.g. for line 1, columns 24-26:
//   stdin:1:24-26: ERROR: $1 used numerically but given "abc". Try using str($1).
//   BEGIN { printf("%d\n", $1); }
//                          ~~
// Tabs in the source line are shown as 4 spaces. Without a line: "ERROR: message".
#pragma once

#include "btc/abi.h"

#include <string>
#include <string_view>

namespace btc::rt {

std::string located_message(const abi::Manifest& m, uint32_t line, uint32_t col_begin,
                            uint32_t col_end, std::string_view level, std::string_view message);

} // namespace btc::rt
