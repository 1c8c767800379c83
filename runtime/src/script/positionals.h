// positionals.h: the script's positional parameters as the tool is given them.
//
// Input: the manifest's Positional uses and the tool's ARG... words. Output: integer values
// of the words ($N used as a number) and diagnostics for a non-numeric $N used as a number.
// Example: parse_integer("0x1f") -> 31; check_positionals with $1 = "abc" used numerically ->
//   stdin:1:24-26: ERROR: $1 used numerically but given "abc". Try using str($1).
#pragma once

#include "btc/abi.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace btc::rt {

// Decimal, 0x hex, leading-0 octal, optional '-'. False if `text` is not such a number.
bool parse_integer(std::string_view text, int64_t& value);

// Checks every numerically used positional; returns the diagnostics ("" when all parse).
std::string check_positionals(const abi::Manifest& m, const std::vector<std::string>& args);

} // namespace btc::rt
