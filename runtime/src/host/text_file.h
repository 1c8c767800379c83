// text_file.h: whole files as text and the lines in them, with read(2) and string_view:
// no iostreams, so a static tool does not carry libstdc++'s locale machinery (~0.5 MiB).
//
// Example: std::string maps = read_text_file("/proc/self/maps");
//          Lines lines(maps); for (std::string_view l; lines.next(l);) ...
//          Lines fields("a:b:c", ':') -> "a", "b", "c".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace btc::rt {

// The file's contents; "" when it cannot be read.
std::string read_text_file(const std::string& path);

// The pieces of `text` between `sep`s (a final piece without a separator counts, an empty
// text has none), as views into `text`.
class Lines {
public:
  explicit Lines(std::string_view text, char sep = '\n') : rest_(text), sep_(sep) {}
  bool next(std::string_view& line) {
    if (rest_.empty()) return false;
    size_t end = rest_.find(sep_);
    line = rest_.substr(0, end);
    rest_ = end == std::string_view::npos ? std::string_view() : rest_.substr(end + 1);
    return true;
  }

private:
  std::string_view rest_;
  char sep_;
};

// The blank-separated words of `line` (spaces and tabs), as views into it.
std::vector<std::string_view> words(std::string_view line);

} // namespace btc::rt
