// diag.cpp: rendering of diagnostics with the source line and a ~~~ underline.
#include "diag/diag.h"

namespace btc::diag {

bool Diagnostics::has_errors() const {
  for (const auto& d : list_)
    if (d.severity == Severity::Error) return true;
  return false;
}

size_t Diagnostics::error_count() const {
  size_t n = 0;
  for (const auto& d : list_) n += d.severity == Severity::Error;
  return n;
}

namespace {
const char* level(Severity s) {
  switch (s) {
  case Severity::Error: return "ERROR";
  case Severity::Warning: return "WARNING";
  }
  return "ERROR";
}

// bpftrace prints tabs as four spaces; columns are counted on the expanded text.
std::string expand_tabs(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\t') out += "    ";
    else out += c;
  }
  return out;
}
} // namespace

std::string render(const Diagnostic& d, const source::SourceFile& file) {
  std::string out;
  if (!d.has_location) return std::string(level(d.severity)) + ": " + d.message + "\n";
  auto b = file.line_col(d.range.begin);
  uint32_t end_off = d.range.end > d.range.begin ? d.range.end - 1 : d.range.begin;
  auto e = file.line_col(end_off);
  if (b.line != e.line) {
    out = file.name() + ":" + std::to_string(b.line) + "-" + std::to_string(e.line) + ": " +
          level(d.severity) + ": " + d.message + "\n";
    return out;
  }
  // Columns on the tab-expanded line.
  std::string_view raw = file.line_text(b.line);
  auto expanded_col = [&](uint32_t col) {
    uint32_t c = 1;
    for (uint32_t i = 0; i + 1 < col && i < raw.size(); ++i) c += raw[i] == '\t' ? 4 : 1;
    return c;
  };
  uint32_t cb = expanded_col(b.col);
  uint32_t ce = expanded_col(e.col) + 1;
  if (ce <= cb) ce = cb + 1;
  out = file.name() + ":" + std::to_string(b.line) + ":" + std::to_string(cb) + "-" +
        std::to_string(ce) + ": " + level(d.severity) + ": " + d.message + "\n";
  out += expand_tabs(raw) + "\n";
  out += std::string(cb - 1, ' ') + std::string(ce - cb, '~') + "\n";
  return out;
}

std::string render_all(const Diagnostics& ds, const source::SourceFile& file) {
  std::string out;
  for (const auto& d : ds.all()) out += render(d, file);
  return out;
}

} // namespace btc::diag
