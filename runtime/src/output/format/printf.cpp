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
template <class T> std::string c_format(const std::string& piece, T value) {
  int n = std::snprintf(nullptr, 0, piece.c_str(), value);
  if (n <= 0) return "";
  std::string out(static_cast<size_t>(n) + 1, '\0');
  std::snprintf(out.data(), out.size(), piece.c_str(), value);
  out.resize(static_cast<size_t>(n));
  return out;
}
#pragma GCC diagnostic pop

bool wide(const std::string& length) {
  return length == "l" || length == "ll" || length == "j" || length == "z" || length == "t";
}

// Formats one piece (literal text + one conversion) with its argument.
std::string format_piece(const RenderEnv& env, std::string piece, const Conversion& c,
                         const abi::Field* arg, std::span<const uint8_t> payload) {
  const auto& types = env.manifest.types;
  const abi::TypeDesc* type = arg && arg->type < types.size() ? &types[arg->type] : nullptr;
  std::span<const uint8_t> bytes;
  if (arg && arg->offset < payload.size()) bytes = payload.subspan(arg->offset);
  if (type && bytes.size() > type->size) bytes = bytes.first(type->size);

  bool is_buffer_conv = c.conv[0] == 'r';
  if (is_buffer_conv || c.conv == "s") {
    std::string text;
    if (type && type->kind == abi::ValueKind::Buffer && is_buffer_conv) {
      size_t len = bytes.empty() ? 0 : bytes[0];
      len = std::min({len, size_t{type->size > 0 ? type->size - 1 : 0u},
                      bytes.empty() ? size_t{0} : bytes.size() - 1});
      BufferStyle style = c.conv == "rx"   ? BufferStyle::Hex
                          : c.conv == "rh" ? BufferStyle::HexSpaced
                                           : BufferStyle::Escaped;
      text = format_buffer(bytes.subspan(1, len), style);
    } else if (type) {
      text = render_value(env, arg->type, bytes, Style::Text);
    }
    // %r/%rx/%rh become %s over the formatted buffer, keeping flags, width and precision.
    size_t conv_pos = piece.size() - c.conv.size() - c.length.size();
    piece.replace(conv_pos, c.conv.size() + c.length.size(), "s");
    return c_format(piece, text.c_str());
  }

  int64_t v = type ? read_integer(*type, bytes) : 0;
  if (c.conv == "c") return c_format(piece, static_cast<int>(v));
  if (c.conv == "p") return c_format(piece, reinterpret_cast<void*>(static_cast<uintptr_t>(v)));
  bool is_signed = c.conv == "d";
  if (wide(c.length))
    return is_signed ? c_format(piece, static_cast<long long>(v))
                     : c_format(piece, static_cast<unsigned long long>(v));
  // No (or a narrowing) length modifier: C reads an int, i.e. the low 32 bits.
  return is_signed ? c_format(piece, static_cast<int>(v))
                   : c_format(piece, static_cast<unsigned int>(v));
}

} // namespace

std::string format_printf(const RenderEnv& env, std::string_view fmt,
                          std::span<const abi::Field> args, std::span<const uint8_t> payload) {
  std::string out;
  size_t start = 0;
  for (const auto& arg : args) {
    Conversion c;
    std::vector<size_t> stray;
    if (!next_conversion(fmt, start, c, stray)) break;
    std::string piece;
    for (size_t i = start; i < c.end; ++i) {
      piece += fmt[i];
      if (!stray.empty() && stray.front() == i) {
        piece += '%';
        stray.erase(stray.begin());
      }
    }
    out += format_piece(env, std::move(piece), c, &arg, payload);
    start = c.end;
  }
  out.append(fmt.substr(std::min(start, fmt.size())));
  return out;
}

} // namespace btc::rt
