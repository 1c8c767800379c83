// diag.h: diagnostics as data.
//
// Every user mistake the compiler finds becomes a Diagnostic {severity, range, message}
// collected in a Diagnostics list; nothing is printed where it is found. render() turns one
// into bpftrace's shape:
//   file.bt:3:10-12: ERROR: syntax error, unexpected ;
//     $x = 1 +;
//            ~~
// (columns 1-based, end exclusive; a range spanning lines prints "file:L1-L2: ERROR: msg" only).
#pragma once

#include "source/source.h"

#include <string>
#include <vector>

namespace btc::diag {

enum class Severity { Error, Warning };

struct Diagnostic {
  Severity severity = Severity::Error;
  source::SourceRange range;
  std::string message;
  bool has_location = true;
};

class Diagnostics {
public:
  void error(source::SourceRange r, std::string msg) {
    list_.push_back({Severity::Error, r, std::move(msg), true});
  }
  void warning(source::SourceRange r, std::string msg) {
    list_.push_back({Severity::Warning, r, std::move(msg), true});
  }
  void error_no_loc(std::string msg) { list_.push_back({Severity::Error, {}, std::move(msg), false}); }
  bool has_errors() const;
  size_t error_count() const;
  const std::vector<Diagnostic>& all() const { return list_; }
  size_t size() const { return list_.size(); }

private:
  std::vector<Diagnostic> list_;
};

// Render one diagnostic in bpftrace's format (ends with a newline).
std::string render(const Diagnostic& d, const source::SourceFile& file);
// Render all, in order of discovery.
std::string render_all(const Diagnostics& ds, const source::SourceFile& file);

} // namespace btc::diag
