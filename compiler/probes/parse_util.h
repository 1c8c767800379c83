// parse_util.h: pieces of attach-point grammar several providers share.
#pragma once

#include "probes/probes.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace btc::probes {

// The text split at colons outside double quotes ("usdt:bin:\"a:b\"" has three parts).
std::vector<std::string_view> split_colons(std::string_view s);
// A decimal number, all of `s`.
std::optional<uint64_t> parse_uint(std::string_view s);
// A decimal or 0x hex number, all of `s`.
std::optional<uint64_t> parse_address(std::string_view s);
// FUNC or FUNC+OFFSET (decimal or 0x hex) into spec.func / spec.offset.
bool split_offset(std::string_view func, AttachSpec& spec, std::string& error);
// A quoted part without its quotes, \" and \\ unescaped.
std::string unquote(std::string_view s);
// Where a provider lets a positional parameter name its target: looked up like a wildcard
// where the tool runs, which cannot move an offset.
bool name_from_positional(AttachSpec& spec, std::string& error);

} // namespace btc::probes
