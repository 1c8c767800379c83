// format/printf.h: bpftrace 0.17 printf semantics for printf/cat/system event payloads.
//
// Input: the format literal, the argument fields (offsets into the payload, manifest types)
// and the payload bytes. Output: the formatted text. Rules (spec 8.5): the format is cut into
// one piece per argument (text up to and including its conversion); each piece goes through
// C snprintf with the argument promoted to 64 bits and converted as the user's length modifier
// says (so "%d" of 5000000000 prints 705032704); text after the last conversion is copied
// verbatim, so "%%" there stays "%%". Example: ("%% %d|%%\n", 5) -> "% 5|%%\n".
#pragma once

#include "output/format/value.h"

namespace btc::rt {

std::string format_printf(const RenderEnv& env, std::string_view fmt,
                          std::span<const abi::Field> args, std::span<const uint8_t> payload);

} // namespace btc::rt
