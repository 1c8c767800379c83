// preamble.cpp: C definitions of the script preamble. Enums are read here (their constants
// become integer literals, as 0.17 does through clang); struct and union definitions need
// the C declaration parser of issue #4 and are rejected with a located message.
//
// Example: `enum color { RED, GREEN = 5, BLUE };` defines RED = 0, GREEN = 5, BLUE = 6.
#include "sema/checker.h"

#include <cctype>
#include <charconv>

namespace btc::sema {

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool is_ident(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

// An enumerator value: an integer literal (decimal, hex, octal, negative) or an earlier name.
std::optional<int64_t> enum_value(std::string_view s, const std::map<std::string, int64_t>& known) {
  s = trim(s);
  bool neg = false;
  if (!s.empty() && s[0] == '-') {
    neg = true;
    s = trim(s.substr(1));
  }
  if (is_ident(s)) {
    auto it = known.find(std::string(s));
    if (it == known.end()) return std::nullopt;
    return neg ? -it->second : it->second;
  }
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  } else if (s.size() > 1 && s[0] == '0') {
    base = 8;
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == 'u' || s.back() == 'U' || s.back() == 'l' || s.back() == 'L'))
    s.remove_suffix(1);
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return neg ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
}
} // namespace

void Checker::collect_preamble_enums() {
  for (const auto& def : program_.c_definitions) {
    std::string_view text = trim(def.text);
    if (!text.starts_with("enum")) {
      error(def.range, "C struct and union definitions in the preamble are not supported yet by "
                       "btc (see issue #4); kernel types are available from BTF");
      continue;
    }
    auto open = text.find('{');
    auto close = text.rfind('}');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
      error(def.range, "cannot parse this enum definition");
      continue;
    }
    std::string_view body = text.substr(open + 1, close - open - 1);
    int64_t next = 0;
    size_t start = 0;
    while (start <= body.size()) {
      size_t comma = body.find(',', start);
      std::string_view item = trim(body.substr(start, comma == std::string_view::npos
                                                          ? std::string_view::npos
                                                          : comma - start));
      start = comma == std::string_view::npos ? body.size() + 1 : comma + 1;
      if (item.empty()) continue;
      auto eq = item.find('=');
      std::string_view name = trim(item.substr(0, eq));
      if (!is_ident(name)) {
        error(def.range, "cannot parse enumerator '" + std::string(item) + "'");
        break;
      }
      if (eq != std::string_view::npos) {
        auto v = enum_value(item.substr(eq + 1), info_.enum_values);
        if (!v) {
          error(def.range, "enumerator value of " + std::string(name) +
                               " is not an integer constant btc understands");
          break;
        }
        next = *v;
      }
      info_.enum_values[std::string(name)] = next++;
    }
  }
}

} // namespace btc::sema
