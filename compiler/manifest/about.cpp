// about.cpp: the header comment and hash of a script (see about.h).
#include "manifest/about.h"

#include <llvm/ADT/ArrayRef.h>
#include <llvm/Support/SHA256.h>

#include <cctype>
#include <vector>

namespace btc::manifest {
namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

std::string_view trim_left(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// "// text" -> "text" (one space after the slashes is margin, more is layout).
std::string_view strip_slashes(std::string_view line) {
  line = trim_left(line).substr(2);
  if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
  return line;
}

// " * text" inside a block comment -> "text".
std::string_view strip_star(std::string_view line) {
  std::string_view t = trim_left(line);
  if (t.empty() || t.front() != '*') return line;
  t.remove_prefix(1);
  if (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  return t;
}

bool contains_word(std::string_view line, std::string_view lower_word) {
  std::string lower;
  for (char c : line) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find(lower_word) != std::string::npos;
}

// A history entry such as "13-Sep-2018\tBrendan Gregg\tCreated this.".
bool dated_history(std::string_view line) {
  line = trim_left(line);
  size_t i = 0;
  auto digits = [&](size_t lo, size_t hi) {
    size_t n = 0;
    while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) ++i, ++n;
    return n >= lo && n <= hi;
  };
  if (!digits(1, 2) || i >= line.size() || line[i++] != '-') return false;
  size_t letters = 0;
  while (i < line.size() && std::isalpha(static_cast<unsigned char>(line[i]))) ++i, ++letters;
  if (letters != 3 || i >= line.size() || line[i++] != '-') return false;
  return digits(4, 4);
}

bool dropped(std::string_view line) {
  return contains_word(line, "copyright") || contains_word(line, "licensed under") ||
         contains_word(line, "license") || contains_word(line, "licence") ||
         contains_word(line, "spdx-") || dated_history(line);
}

std::string expand_tabs(std::string_view line) {
  std::string out;
  for (char c : line) {
    if (c != '\t') {
      out += c;
      continue;
    }
    do out += ' ';
    while (out.size() % 8 != 0);
  }
  return out;
}

// The raw lines of the leading comment, margins removed; `end` gets the index of the line
// after it (0 when there is none).
std::vector<std::string_view> comment_lines(std::string_view script, size_t& end) {
  end = 0;
  std::vector<std::string_view> lines = split_lines(script);
  size_t i = 0;
  if (i < lines.size() && lines[i].substr(0, 2) == "#!") ++i;
  while (i < lines.size() && trim_left(lines[i]).empty()) ++i;
  std::vector<std::string_view> out;
  if (i >= lines.size()) return out;
  if (trim_left(lines[i]).substr(0, 2) == "//") {
    for (; i < lines.size() && trim_left(lines[i]).substr(0, 2) == "//"; ++i)
      out.push_back(strip_slashes(lines[i]));
    end = i;
    return out;
  }
  if (trim_left(lines[i]).substr(0, 2) != "/*") return out;
  std::string_view first = trim_left(lines[i]).substr(2);
  if (!first.empty() && first.front() == ' ') first.remove_prefix(1);
  for (bool first_line = true; i < lines.size(); ++i, first_line = false) {
    std::string_view line = first_line ? first : lines[i];
    size_t close = line.find("*/");
    if (close != std::string_view::npos) line = line.substr(0, close);
    if (!first_line) line = strip_star(line);
    if (close != std::string_view::npos) {
      line = trim_right(line);
      if (!line.empty()) out.push_back(line);
      // The line holding "*/" may go on with code: the block ends before it.
      end = i;
      return out;
    }
    if (first_line && trim_left(line).empty()) continue;
    out.push_back(line);
  }
  return {}; // an unterminated comment is the parser's to report, not a description
}

} // namespace

size_t header_comment_end(std::string_view script) {
  size_t end = 0;
  comment_lines(script, end);
  return end;
}

std::string header_comment(std::string_view script) {
  std::vector<std::string> kept;
  size_t end = 0;
  for (std::string_view line : comment_lines(script, end)) {
    if (dropped(line)) continue;
    std::string text = expand_tabs(trim_right(line));
    if (text.empty() && (kept.empty() || kept.back().empty())) continue;
    kept.push_back(std::move(text));
  }
  while (!kept.empty() && kept.back().empty()) kept.pop_back();
  std::string out;
  for (const std::string& line : kept) out += line + "\n";
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  auto digest = llvm::SHA256::hash(
      llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

} // namespace btc::manifest
