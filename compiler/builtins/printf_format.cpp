// printf_format.cpp: format-string scanner for sema (see printf_format.h).
#include "builtins/printf_format.h"

#include <cctype>

namespace btc::builtins {

std::optional<std::vector<Conversion>> parse_format(std::string_view fmt, std::string& error) {
  std::vector<Conversion> out;
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') continue;
    size_t start = i++;
    if (i < fmt.size() && fmt[i] == '%') continue;
    if (i < fmt.size() && fmt[i] == '-') ++i;
    while (i < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[i]))) ++i;
    if (i < fmt.size() && fmt[i] == '.') {
      ++i;
      while (i < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[i]))) ++i;
    }
    size_t len_start = i;
    if (fmt.substr(i, 2) == "hh" || fmt.substr(i, 2) == "ll") i += 2;
    else if (i < fmt.size() && std::string_view("hljzt").find(fmt[i]) != std::string_view::npos)
      ++i;
    bool has_len = i != len_start;
    if (i >= fmt.size()) {
      // 0.17 treats an unterminated specifier as literal text.
      break;
    }
    char c = fmt[i];
    ConvClass cls;
    if (c == 's' && !has_len) cls = ConvClass::String;
    else if (c == 'c' && !has_len) cls = ConvClass::Char;
    else if (c == 'r' && !has_len) {
      cls = ConvClass::Buffer;
      if (i + 1 < fmt.size() && (fmt[i + 1] == 'x' || fmt[i + 1] == 'h')) ++i;
    } else if (std::string_view("duoxXp").find(c) != std::string_view::npos) {
      cls = ConvClass::Integer;
    } else {
      // Not a conversion 0.17 knows: the text is printed as is and takes no argument.
      i = start;
      continue;
    }
    out.push_back({std::string(fmt.substr(start, i - start + 1)), cls});
  }
  (void)error;
  return out;
}

} // namespace btc::builtins
