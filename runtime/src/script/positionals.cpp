// positionals.cpp: positional parameter values and checks (see positionals.h).
#include "script/positionals.h"

#include "script/diag.h"

#include <cerrno>
#include <cstdlib>

namespace btc::rt {

bool parse_integer(std::string_view text, int64_t& value) {
  std::string s(text);
  if (s.empty() || s.find_first_of(" \t\n") != std::string::npos) return false;
  bool negative = s[0] == '-';
  const char* digits = s.c_str() + (negative ? 1 : 0);
  if (*digits == '\0' || *digits == '-' || *digits == '+') return false;
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(digits, &end, 0);
  if (errno != 0 || end == digits || *end != '\0') return false;
  value = negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
  return true;
}

std::string check_positionals(const abi::Manifest& m, const std::vector<std::string>& args) {
  std::string out;
  for (const auto& p : m.positionals) {
    if (!p.numeric || p.index == 0 || p.index > args.size()) continue;
    int64_t v = 0;
    const std::string& text = args[p.index - 1];
    if (parse_integer(text, v)) continue;
    std::string n = std::to_string(p.index);
    out += located_message(m, p.line, p.col_begin, p.col_end, "ERROR",
                           "$" + n + " used numerically but given \"" + text +
                               "\". Try using str($" + n + ").");
  }
  return out;
}

} // namespace btc::rt
