// format/printf.cpp: printf formatting with bpftrace 0.17's piecewise snprintf (printf.h).
//
// Example: "[%08d] [%-8s]\n" with (42, "ab") -> pieces "[%08d" (42) and "] [%-8s" ("ab"),
// then the verbatim tail "]\n" -> "[00000042] [ab      ]\n".
#include "output/format/printf.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace btc::rt {
namespace {

// One conversion found in the format string.
struct Conversion {
  size_t begin = 0, end = 0; // [begin, end) covers "%...x"
  std::string length;        // hh h l ll j z t
  std::string conv;          // s r rx rh c d u o x X p
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Parses "%[-][width][.prec][len]conv" at fmt[pos] == '%'; false if it is not a conversion.
bool parse_conversion(std::string_view fmt, size_t pos, Conversion& out) {
  size_t i = pos + 1;
  if (i < fmt.size() && fmt[i] == '-') ++i;
  while (i < fmt.size() && is_digit(fmt[i])) ++i;
  if (i < fmt.size() && fmt[i] == '.') {
    ++i;
    while (i < fmt.size() && is_digit(fmt[i])) ++i;
  }
  static constexpr std::string_view kLengths[] = {"hh", "ll", "h", "l", "j", "z", "t"};
  std::string length;
  for (auto l : kLengths) {
    if (fmt.substr(i, l.size()) == l) {
      length = l;
      i += l.size();
      break;
    }
  }
  static constexpr std::string_view kConvs[] = {"rx", "rh", "r", "s", "c", "d",
                                                "u",  "o",  "x", "X", "p"};
  for (auto c : kConvs) {
    if (fmt.substr(i, c.size()) == c) {
      out.begin = pos;
      out.end = i + c.size();
      out.length = std::move(length);
      out.conv = c;
      return true;
    }
  }
  return false;
}

// Finds the next conversion at or after `from`; `%%` is skipped. Stray '%' that start no
// conversion are recorded in `stray` so they can be escaped before calling snprintf.
bool next_conversion(std::string_view fmt, size_t from, Conversion& out,
                     std::vector<size_t>& stray) {
  for (size_t i = from; i < fmt.size(); ++i) {
    if (fmt[i] != '%') continue;
    if (i + 1 < fmt.size() && fmt[i + 1] == '%') {
      ++i;
      continue;
    }
    if (parse_conversion(fmt, i, out)) return true;
    stray.push_back(i);
  }
  return false;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"
// Appends snprintf(format, value) to `out`: into a stack buffer first, the heap only for
// long results.
template <class T> void append_c_format(std::string& out, const std::string& format, T value) {
  char buf[256];
  int n = std::snprintf(buf, sizeof buf, format.c_str(), value);
  if (n <= 0) return;
  if (static_cast<size_t>(n) < sizeof buf) {
    out.append(buf, static_cast<size_t>(n));
    return;
  }
  size_t at = out.size();
  out.resize(at + static_cast<size_t>(n) + 1);
  std::snprintf(out.data() + at, static_cast<size_t>(n) + 1, format.c_str(), value);
  out.resize(at + static_cast<size_t>(n));
}
#pragma GCC diagnostic pop

bool wide(const std::string& length) {
  return length == "l" || length == "ll" || length == "j" || length == "z" || length == "t";
}

PrintfPlan::Arg arg_kind(const Conversion& c) {
  using Arg = PrintfPlan::Arg;
  if (c.conv == "rx") return Arg::BufferHex;
  if (c.conv == "rh") return Arg::BufferHexSpaced;
  if (c.conv == "r") return Arg::Buffer;
  if (c.conv == "s") return Arg::Text;
  if (c.conv == "c") return Arg::Char;
  if (c.conv == "p") return Arg::Pointer;
  bool is_signed = c.conv == "d";
  // No (or a narrowing) length modifier: C reads an int, i.e. the low 32 bits.
  if (wide(c.length)) return is_signed ? Arg::Long : Arg::ULong;
  return is_signed ? Arg::Int : Arg::UInt;
}

} // namespace

PrintfPlan::PrintfPlan(std::string_view fmt, size_t nargs) {
  size_t start = 0;
  for (size_t a = 0; a < nargs; ++a) {
    Conversion c;
    std::vector<size_t> stray;
    if (!next_conversion(fmt, start, c, stray)) break;
    Piece piece;
    for (size_t i = start; i < c.end; ++i) {
      piece.format += fmt[i];
      if (!stray.empty() && stray.front() == i) {
        piece.format += '%';
        stray.erase(stray.begin());
      }
    }
    piece.arg = arg_kind(c);
    if (piece.arg == Arg::Text || piece.arg == Arg::Buffer || piece.arg == Arg::BufferHex ||
        piece.arg == Arg::BufferHexSpaced) {
      // %r/%rx/%rh become %s over the formatted buffer, keeping flags, width and precision.
      size_t conv_pos = piece.format.size() - c.conv.size() - c.length.size();
      piece.format.replace(conv_pos, c.conv.size() + c.length.size(), "s");
    }
    pieces_.push_back(std::move(piece));
    start = c.end;
  }
  tail_ = std::string(fmt.substr(std::min(start, fmt.size())));
}

void PrintfPlan::format(const RenderEnv& env, std::span<const abi::Field> args,
                        std::span<const uint8_t> payload, std::string& out) const {
  const auto& types = env.manifest.types;
  for (size_t i = 0; i < pieces_.size() && i < args.size(); ++i) {
    const Piece& piece = pieces_[i];
    const abi::Field& arg = args[i];
    const abi::TypeDesc* type = arg.type < types.size() ? &types[arg.type] : nullptr;
    std::span<const uint8_t> bytes;
    if (arg.offset < payload.size()) bytes = payload.subspan(arg.offset);
    if (type && bytes.size() > type->size) bytes = bytes.first(type->size);
    int64_t v = 0;
    switch (piece.arg) {
    case Arg::Buffer:
    case Arg::BufferHex:
    case Arg::BufferHexSpaced:
      if (type && type->kind == abi::ValueKind::Buffer) {
        size_t len = bytes.empty() ? 0 : bytes[0];
        len = std::min({len, size_t{type->size > 0 ? type->size - 1 : 0u},
                        bytes.empty() ? size_t{0} : bytes.size() - 1});
        BufferStyle style = piece.arg == Arg::BufferHex         ? BufferStyle::Hex
                            : piece.arg == Arg::BufferHexSpaced ? BufferStyle::HexSpaced
                                                                : BufferStyle::Escaped;
        append_c_format(out, piece.format, format_buffer(bytes.subspan(1, len), style).c_str());
        break;
      }
      [[fallthrough]];
    case Arg::Text:
      if (type && type->kind == abi::ValueKind::String) {
        // A string argument: its bytes up to the first NUL, without a copy through
        // render_value (the common case, e.g. comm and str()).
        size_t n = 0;
        while (n < bytes.size() && bytes[n]) ++n;
        char small[256];
        if (n < sizeof small) {
          std::memcpy(small, bytes.data(), n);
          small[n] = '\0';
          append_c_format(out, piece.format, static_cast<const char*>(small));
        } else {
          std::string text(reinterpret_cast<const char*>(bytes.data()), n);
          append_c_format(out, piece.format, text.c_str());
        }
      } else {
        append_c_format(out, piece.format,
                        type ? render_value(env, arg.type, bytes, Style::Text).c_str() : "");
      }
      break;
    case Arg::Char:
    case Arg::Pointer:
    case Arg::Int:
    case Arg::UInt:
    case Arg::Long:
    case Arg::ULong:
      v = type ? read_integer(*type, bytes) : 0;
      switch (piece.arg) {
      case Arg::Char:
        append_c_format(out, piece.format, static_cast<int>(v));
        break;
      case Arg::Pointer:
        append_c_format(out, piece.format, reinterpret_cast<void*>(static_cast<uintptr_t>(v)));
        break;
      case Arg::Long:
        append_c_format(out, piece.format, static_cast<long long>(v));
        break;
      case Arg::ULong:
        append_c_format(out, piece.format, static_cast<unsigned long long>(v));
        break;
      case Arg::Int:
        append_c_format(out, piece.format, static_cast<int>(v));
        break;
      default:
        append_c_format(out, piece.format, static_cast<unsigned int>(v));
        break;
      }
      break;
    }
  }
  out += tail_;
}

std::string format_printf(const RenderEnv& env, std::string_view fmt,
                          std::span<const abi::Field> args, std::span<const uint8_t> payload) {
  std::string out;
  PrintfPlan(fmt, args.size()).format(env, args, payload, out);
  return out;
}

} // namespace btc::rt
