// parse_util.cpp: see parse_util.h.
#include "probes/parse_util.h"

#include <charconv>

namespace btc::probes {

std::vector<std::string_view> split_colons(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  bool quoted = false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (quoted && s[i] == '\\') {
      ++i; // an escaped character inside quotes
      continue;
    }
    if (s[i] == '"') quoted = !quoted;
    if (s[i] == ':' && !quoted) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(s.substr(start));
  return parts;
}

std::optional<uint64_t> parse_uint(std::string_view s) {
  uint64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

bool split_offset(std::string_view func, AttachSpec& spec, std::string& error) {
  auto plus = func.find('+');
  spec.func = std::string(func.substr(0, plus));
  if (plus == std::string_view::npos) return true;
  auto v = parse_address(func.substr(plus + 1));
  if (!v) {
    error = "invalid offset in " + std::string(func);
    return false;
  }
  spec.offset = *v;
  return true;
}

std::optional<uint64_t> parse_address(std::string_view s) {
  int base = 10;
  if (s.starts_with("0x") || s.starts_with("0X")) {
    base = 16;
    s.remove_prefix(2);
  }
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// usdt:BIN:prov:"\"name\"" names a probe whose name holds quotes, as DTRACE_PROBE(prov,
// "name") makes it.
std::string unquote(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return std::string(s);
  std::string out;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '\\' && i + 2 < s.size()) ++i;
    out += s[i];
  }
  return out;
}

bool name_from_positional(AttachSpec& spec, std::string& error) {
  if (spec.offset != 0) {
    error = "btc needs the offset of a probe whose name is a parameter when compiling: a "
            "positional parameter is only read when the tool starts";
    return false;
  }
  spec.wildcard = true;
  return true;
}

} // namespace btc::probes
