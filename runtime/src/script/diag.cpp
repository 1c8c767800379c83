// diag.cpp: located messages (see diag.h).
#include "script/diag.h"

namespace btc::rt {

std::string located_message(const abi::Manifest& m, uint32_t line, uint32_t col_begin,
                            uint32_t col_end, std::string_view level, std::string_view message) {
  std::string out;
  if (line == 0) {
    out.append(level).append(": ").append(message).append("\n");
    return out;
  }
  out = m.source_name + ":" + std::to_string(line) + ":" + std::to_string(col_begin) + "-" +
        std::to_string(col_end) + ": ";
  out.append(level).append(": ").append(message).append("\n");
  if (line > m.source_lines.size()) return out;
  const std::string& src = m.source_lines[line - 1];
  std::string shown, marker;
  for (size_t i = 0; i < src.size(); ++i) {
    bool tab = src[i] == '\t';
    shown += tab ? std::string(4, ' ') : std::string(1, src[i]);
    if (i + 1 < col_begin) marker += tab ? std::string(4, ' ') : std::string(1, ' ');
  }
  for (uint32_t c = col_begin; c < col_end; ++c) marker += '~';
  out += shown + "\n" + marker + "\n";
  return out;
}

} // namespace btc::rt
