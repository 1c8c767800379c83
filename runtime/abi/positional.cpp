// positional.cpp: positional-parameter placeholders in manifest strings (see btc/abi.h).
//
// A placeholder is "\x01$N\x01": no script text holds a \x01 byte, so it cannot clash with
// what the user wrote. Example: kaddr(str($1)) gives the runtime value arg "\x01$1\x01"; run as
// `tool vfs_read`, the runtime resolves "vfs_read".
#include "btc/abi.h"

namespace btc::abi {
namespace {
constexpr char kMark = '\x01';
}

std::string positional_placeholder(uint32_t index) {
  return std::string(1, kMark) + "$" + std::to_string(index) + std::string(1, kMark);
}

bool has_placeholder(std::string_view text) {
  return text.find(kMark) != std::string_view::npos;
}

std::string show_placeholders(std::string_view text) {
  std::string out(text);
  std::erase(out, kMark);
  return out;
}

std::string substitute_positionals(std::string_view text, const std::vector<std::string>& args) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find(kMark, pos);
    size_t close = open == std::string_view::npos ? open : text.find(kMark, open + 1);
    if (close == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, open - pos));
    uint32_t index = 0;
    for (char c : text.substr(open + 2, close - open - 2))
      index = index * 10 + static_cast<uint32_t>(c - '0');
    if (index >= 1 && index <= args.size()) out += args[index - 1];
    pos = close + 1;
  }
  return out;
}

std::vector<ProbeDesc*> substitute_positionals(Manifest& m, const std::vector<std::string>& args) {
  auto fix = [&](std::string& s) {
    if (!has_placeholder(s)) return false;
    s = substitute_positionals(s, args);
    return true;
  };
  for (auto& v : m.runtime_values) fix(v.arg);
  for (auto& e : m.events) fix(e.format);
  for (auto& s : m.strings) fix(s);
  std::vector<ProbeDesc*> changed;
  for (auto& p : m.probes) {
    bool any = fix(p.spec.text);
    any |= fix(p.spec.target);
    any |= fix(p.spec.func);
    if (any) changed.push_back(&p);
  }
  return changed;
}

} // namespace btc::abi
