// source.cpp: line table construction and offset -> line/column mapping for SourceFile.
#include "source/source.h"

#include <algorithm>

namespace btc::source {

SourceFile::SourceFile(std::string name, std::string text)
    : name_(std::move(name)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (uint32_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n' && i + 1 < text_.size()) line_starts_.push_back(i + 1);
}

std::string_view SourceFile::slice(SourceRange r) const {
  uint32_t b = std::min<uint32_t>(r.begin, text_.size());
  uint32_t e = std::min<uint32_t>(std::max(r.end, b), text_.size());
  return std::string_view(text_).substr(b, e - b);
}

LineCol SourceFile::line_col(uint32_t offset) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  uint32_t line = static_cast<uint32_t>(it - line_starts_.begin());
  return {line, offset - line_starts_[line - 1] + 1};
}

std::string_view SourceFile::line_text(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  uint32_t b = line_starts_[line - 1];
  uint32_t e = b;
  while (e < text_.size() && text_[e] != '\n') ++e;
  return std::string_view(text_).substr(b, e - b);
}

std::vector<std::string> SourceFile::lines() const {
  std::vector<std::string> out;
  for (uint32_t l = 1; l <= line_count(); ++l) out.emplace_back(line_text(l));
  return out;
}

} // namespace btc::source
