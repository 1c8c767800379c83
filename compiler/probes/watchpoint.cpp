// watchpoint.cpp: watchpoint / asyncwatchpoint attach points (see watchpoint.h).
//
// Messages and checks follow bpftrace 0.17 (its parser, then its semantic analyser), e.g.
// "watchpoint:0x1000:3:w" -> "watchpoint length must be one of (1,2,4,8)" and
// "watchpoint:0x1000:4:r" -> "invalid watchpoint mode: r" (x86 breakpoints cannot trap on
// reads alone). Numbers are read like C's strtoull with base 0, as 0.17's stoull.
#include "probes/watchpoint.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <optional>

namespace btc::probes {
namespace {

// Decimal, 0x hex or 0 octal; a leading '-' wraps around (stoull("-1") is 2^64 - 1).
std::optional<uint64_t> parse_number(std::string_view s) {
  bool negative = false;
  if (s.starts_with("-")) {
    negative = true;
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  } else if (s.size() > 1 && s[0] == '0') {
    base = 8;
    s.remove_prefix(1);
  }
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return negative ? ~v + 1 : v;
}

// Modes the x86 debug registers cannot express (0.17's arch::invalid_watchpoint_modes).
constexpr std::array<std::string_view, 4> kInvalidModes = {"r", "rx", "wx", "rwx"};

// FUNC+argN or ADDR.
bool parse_location(std::string_view loc, AttachSpec& spec, std::string& error) {
  auto plus = loc.find('+');
  if (plus == std::string_view::npos) {
    auto addr = parse_number(loc);
    if (!addr) {
      error = "stoull";
      return false;
    }
    spec.offset = *addr;
    return true;
  }
  std::string_view func = loc.substr(0, plus);
  std::string_view arg = loc.substr(plus + 1);
  if (func.empty()) {
    error = "Invalid function/address argument";
    return false;
  }
  if (!arg.starts_with("arg")) {
    error = "Invalid function argument";
    return false;
  }
  auto n = parse_number(arg.substr(3));
  if (!n) {
    error = "stoull";
    return false;
  }
  spec.func = std::string(func);
  spec.watch_arg = static_cast<int32_t>(std::min<uint64_t>(*n, 0x7fffffff));
  return true;
}

// 0.17's semantic checks, in its order.
bool check(AttachSpec& spec, std::string_view provider, std::string& error) {
  if (spec.watch_arg >= 0) {
    if (spec.watch_arg > kMaxWatchArg) {
      error = "x86_64 doesn't support arg" + std::to_string(spec.watch_arg);
      return false;
    }
  } else if (spec.kind == ProbeKind::AsyncWatchpoint) {
    error = std::string(provider) + " requires a function name";
    return false;
  } else if (spec.offset == 0) {
    error = "watchpoint must be attached to a non-zero address";
    return false;
  }
  uint32_t len = spec.watch_len;
  if (len != 1 && len != 2 && len != 4 && len != 8) {
    error = "watchpoint length must be one of (1,2,4,8)";
    return false;
  }
  std::string& mode = spec.watch_mode;
  std::sort(mode.begin(), mode.end());
  bool letters_ok = !mode.empty() && std::all_of(mode.begin(), mode.end(), [](char c) {
    return c == 'r' || c == 'w' || c == 'x';
  });
  if (!letters_ok) {
    error = "watchpoint mode must be combination of (r,w,x)";
    return false;
  }
  if (std::adjacent_find(mode.begin(), mode.end()) != mode.end()) {
    error = "watchpoint modes may not be duplicated";
    return false;
  }
  if (std::find(kInvalidModes.begin(), kInvalidModes.end(), mode) != kInvalidModes.end()) {
    error = "invalid watchpoint mode: " + mode;
    return false;
  }
  return true;
}

} // namespace

bool parse_watchpoint(const std::vector<std::string_view>& parts, AttachSpec& spec,
                      std::string& error) {
  std::string provider(describe(spec.kind).name);
  if (parts.size() != 4) {
    error = provider + " probe type requires 3 arguments";
    return false;
  }
  if (!parse_location(parts[1], spec, error)) return false;
  auto len = parse_number(parts[2]);
  if (!len) {
    error = "stoull";
    return false;
  }
  spec.watch_len = static_cast<uint32_t>(std::min<uint64_t>(*len, 0xffffffff));
  spec.watch_mode = std::string(parts[3]);
  if (!check(spec, provider, error)) return false;
  spec.wildcard = spec.func.find('*') != std::string::npos;
  std::string tail = ":" + std::to_string(spec.watch_len) + ":" + spec.watch_mode;
  // The FUNC form's text names the traced binary, known only where the tool runs (-c/-p); the
  // runtime rewrites it to "watchpoint:BIN:FUNC:LEN:MODE".
  spec.text = provider + ":" +
              (spec.watch_arg >= 0 ? spec.func + "+arg" + std::to_string(spec.watch_arg)
                                   : std::to_string(spec.offset)) +
              tail;
  return true;
}

} // namespace btc::probes
