// printf_format.h: parsing of printf-style format strings as bpftrace 0.17 accepts them
// (spec 8.5): `%[-][width][.prec][hh|h|l|ll|j|z|t]conv` with conv one of s r rx rh c d u o x X p,
// plus `%%`. Used by sema to count and type-check arguments; the runtime formats.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace btc::builtins {

enum class ConvClass { String, Integer, Char, Buffer };

struct Conversion {
  std::string spec;   // full specifier text, e.g. "%-8lu"
  ConvClass cls;
};

// Returns the conversions in order, or nullopt with `error` set for an invalid specifier.
std::optional<std::vector<Conversion>> parse_format(std::string_view fmt, std::string& error);

} // namespace btc::builtins
