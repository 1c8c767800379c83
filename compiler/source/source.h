// source.h: a script's text and the positions diagnostics point into.
//
// SourceFile owns the text (after nothing but loading) and a line table; SourceRange is a
// half-open byte range [begin, end) into it. Line/column numbers are 1-based, as printed by
// bpftrace ("stdin:1:14-21").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace btc::source {

struct SourceRange {
  uint32_t begin = 0;
  uint32_t end = 0;
  static SourceRange join(SourceRange a, SourceRange b) {
    return {a.begin < b.begin ? a.begin : b.begin, a.end > b.end ? a.end : b.end};
  }
};

struct LineCol {
  uint32_t line = 1;
  uint32_t col = 1;
};

class SourceFile {
public:
  SourceFile(std::string name, std::string text);

  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }
  std::string_view slice(SourceRange r) const;
  LineCol line_col(uint32_t offset) const;
  // Text of 1-based line `line`, without the newline.
  std::string_view line_text(uint32_t line) const;
  uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }
  std::vector<std::string> lines() const;

private:
  std::string name_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
};

} // namespace btc::source
