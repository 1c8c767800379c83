// diag.cpp: diagnostics, rendered with the source line and a ~~~ underline by btc_abi's
// render_located (the runtime renders its errors with it too).
#include "diag/diag.h"

#include "btc/caret.h"

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
} // namespace

std::string render(const Diagnostic& d, const source::SourceFile& file) {
  if (!d.has_location) return abi::render_located({}, nullptr, level(d.severity), d.message);
  auto b = file.line_col(d.range.begin);
  auto e = file.line_col(d.range.end > d.range.begin ? d.range.end - 1 : d.range.begin);
  std::string name = file.name();
  std::string_view text = file.line_text(b.line);
  return abi::render_located({name, b.line, e.line, b.col, e.col + 1}, &text, level(d.severity),
                             d.message);
}

std::string render_all(const Diagnostics& ds, const source::SourceFile& file) {
  std::string out;
  for (const auto& d : ds.all()) out += render(d, file);
  return out;
}

} // namespace btc::diag
