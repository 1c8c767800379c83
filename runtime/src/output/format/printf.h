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

#include <string>
#include <vector>

namespace btc::rt {

// A format cut into its pieces once (a tool makes one per printf event when it starts), so
// that formatting an event is one snprintf per argument into a reused buffer.
class PrintfPlan {
public:
  PrintfPlan(std::string_view fmt, size_t nargs);
  // Appends the text of one event to `out`.
  void format(const RenderEnv& env, std::span<const abi::Field> args,
              std::span<const uint8_t> payload, std::string& out) const;

  // How a piece's argument reaches snprintf.
  enum class Arg {
    Text,
    Buffer,
    BufferHex,
    BufferHexSpaced,
    Char,
    Pointer,
    Int,
    UInt,
    Long,
    ULong
  };
  struct Piece {
    std::string format; // literal text + the conversion, as snprintf takes it
    Arg arg = Arg::Int;
  };

private:
  std::vector<Piece> pieces_; // one per argument (fewer when the format has fewer conversions)
  std::string tail_;          // verbatim text after the last conversion
};

std::string format_printf(const RenderEnv& env, std::string_view fmt,
                          std::span<const abi::Field> args, std::span<const uint8_t> payload);

} // namespace btc::rt
