// diag.cpp: located messages (see diag.h), rendered by btc_abi's render_located, the
// compiler's renderer too.
#include "script/diag.h"

#include "btc/caret.h"

namespace btc::rt {

std::string located_message(const abi::Manifest& m, uint32_t line, uint32_t col_begin,
                            uint32_t col_end, std::string_view level, std::string_view message) {
  std::string_view text;
  bool known = line > 0 && line <= m.source_lines.size();
  if (known) text = m.source_lines[line - 1];
  return abi::render_located({m.source_name, line, 0, col_begin, col_end}, known ? &text : nullptr,
                             level, message);
}

} // namespace btc::rt
