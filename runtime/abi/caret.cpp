// caret.cpp: located messages with the source line and a ~~~ underline (btc/caret.h).
#include "btc/caret.h"

#include <algorithm>

namespace btc::abi {

std::string render_located(const SourceSpot& at, const std::string_view* source_line,
                           std::string_view level, std::string_view message) {
  std::string out;
  if (at.line == 0) {
    out.append(level).append(": ").append(message).append("\n");
    return out;
  }
  if (at.last_line != 0 && at.last_line != at.line) {
    out.append(at.file).append(":" + std::to_string(at.line) + "-" + std::to_string(at.last_line));
    out.append(": ").append(level).append(": ").append(message).append("\n");
    return out;
  }
  std::string_view raw = source_line ? *source_line : std::string_view();
  // A raw column on the tab-expanded line.
  auto expanded = [&](uint32_t col) {
    uint32_t c = 1;
    for (uint32_t i = 0; i + 1 < col && i < raw.size(); ++i) c += raw[i] == '\t' ? 4 : 1;
    return c;
  };
  // The header names raw columns (a tab is one), the underline sits under the expanded line:
  // both as bpftrace 0.17 prints them.
  // A range at the end of the file points just past the line's last character.
  auto on_line = [&](uint32_t col) {
    return source_line ? std::min<uint32_t>(col, static_cast<uint32_t>(raw.size()) + 1) : col;
  };
  uint32_t raw_begin = on_line(at.col_begin);
  uint32_t raw_end = on_line(at.col_end > at.col_begin ? at.col_end - 1 : at.col_begin) + 1;
  if (raw_end <= raw_begin) raw_end = raw_begin + 1;
  uint32_t cb = expanded(raw_begin);
  uint32_t ce = expanded(raw_end - 1) + 1;
  out.append(at.file).append(":" + std::to_string(at.line) + ":" + std::to_string(raw_begin) + "-" +
                             std::to_string(raw_end) + ": ");
  out.append(level).append(": ").append(message).append("\n");
  if (!source_line) return out;
  for (char c : raw) {
    if (c == '\t') out += "    ";
    else out += c;
  }
  out += "\n" + std::string(cb - 1, ' ') + std::string(ce - cb, '~') + "\n";
  return out;
}

} // namespace btc::abi
