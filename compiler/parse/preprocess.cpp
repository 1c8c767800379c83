// preprocess.cpp: what the preamble's preprocessor lines do beyond the script itself:
// `#include` finds its header as clang would for bpftrace 0.17 (a missing one is an error)
// and takes the header's object-like macros, so `strerror(EPERM)` works after
// `#include <linux/errno.h>`; `#if` conditions are evaluated as integer expressions.
//
// Headers are read for their macros only: types come from kernel BTF, the preamble and the
// traced binaries. A header's own #if/#ifdef/#ifndef/#else/#endif, #define/#undef and nested
// #include lines are followed (a nested header that cannot be found is skipped, as its types
// would be); C declarations are ignored.
//
// Search path: -I directories, then /usr/local/include, /usr/include/<arch>-linux-gnu and
// /usr/include ("FILE" looks in the including file's directory first).
// Example: #include <linux/errno.h> -> asm/errno.h -> asm-generic/errno.h ->
// asm-generic/errno-base.h defines EPERM 1 ... EINVAL 22; the script's EPERM becomes 1.
#include "parse/parser_impl.h"

#include "cdecl/cdecl.h"

#include <sys/stat.h>

#include <cctype>
#include <fstream>
#include <sstream>

namespace btc::parse {

namespace {

constexpr int kMaxIncludeDepth = 32;
constexpr size_t kMaxHeaders = 512;

bool is_ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

bool is_file(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string dir_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

// The logical lines of a header: comments removed, `\` continuations joined.
std::vector<std::string> logical_lines(const std::string& text) {
  std::string clean;
  clean.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      size_t end = text.find("*/", i + 2);
      for (size_t j = i; j < (end == std::string::npos ? text.size() : end + 2); ++j)
        if (text[j] == '\n') clean += '\n'; // keep line structure
      clean += ' ';
      i = end == std::string::npos ? text.size() : end + 1;
    } else if (text[i] == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i < text.size() && text[i] != '\n') ++i;
      clean += '\n';
    } else if (text[i] == '"' || text[i] == '\'') {
      char q = text[i];
      clean += text[i];
      for (++i; i < text.size() && text[i] != q && text[i] != '\n'; ++i) {
        clean += text[i];
        if (text[i] == '\\' && i + 1 < text.size()) clean += text[++i];
      }
      if (i < text.size()) clean += text[i];
    } else {
      clean += text[i];
    }
  }
  std::vector<std::string> lines;
  std::string cur;
  std::istringstream in(clean);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\\') {
      line.pop_back();
      cur += line;
      continue;
    }
    lines.push_back(cur + line);
    cur.clear();
  }
  if (!cur.empty()) lines.push_back(cur);
  return lines;
}

// `defined X` / `defined(X)` replaced by 1 or 0 (before macros are expanded).
std::string replace_defined(const std::string& expr, const std::set<std::string>& defined) {
  std::string out;
  for (size_t i = 0; i < expr.size();) {
    if (expr.compare(i, 7, "defined") == 0 && (i == 0 || !is_ident_char(expr[i - 1])) &&
        (i + 7 >= expr.size() || !is_ident_char(expr[i + 7]))) {
      size_t j = i + 7;
      while (j < expr.size() && std::isspace(static_cast<unsigned char>(expr[j]))) ++j;
      bool paren = j < expr.size() && expr[j] == '(';
      if (paren) ++j;
      while (j < expr.size() && std::isspace(static_cast<unsigned char>(expr[j]))) ++j;
      size_t start = j;
      while (j < expr.size() && is_ident_char(expr[j])) ++j;
      std::string name = expr.substr(start, j - start);
      if (paren) {
        while (j < expr.size() && expr[j] != ')') ++j;
        if (j < expr.size()) ++j;
      }
      out += defined.count(name) ? " 1 " : " 0 ";
      i = j;
      continue;
    }
    out += expr[i++];
  }
  return out;
}

} // namespace

std::vector<std::string> Parser::header_dirs() const {
  std::vector<std::string> dirs = options_.include_dirs;
  for (const char* d : {"/usr/local/include", "/usr/include/x86_64-linux-gnu", "/usr/include"})
    dirs.emplace_back(d);
  return dirs;
}

std::optional<std::string> Parser::find_header(const std::string& name, bool system,
                                               const std::string& from_dir) const {
  if (!name.empty() && name[0] == '/') return is_file(name) ? std::optional(name) : std::nullopt;
  if (!system && is_file(from_dir + "/" + name)) return from_dir + "/" + name;
  for (const auto& dir : header_dirs())
    if (is_file(dir + "/" + name)) return dir + "/" + name;
  return std::nullopt;
}

void Parser::define_macro(ast::Program& prog, const std::string& name, const std::string& value,
                          bool function_like, source::SourceRange range, bool from_header) {
  std::erase_if(prog.defines, [&](const ast::Define& d) { return d.name == name; });
  lex_.undefine_macro(name);
  defined_.insert(name);
  // Function-like macros are only "defined"; calling one is an unknown function for sema.
  if (function_like) return;
  ast::Define def{name, trim(value), range, from_header};
  lex_.define_macro(def.name, def.value);
  prog.defines.push_back(std::move(def));
}

void Parser::undefine_macro(ast::Program& prog, const std::string& name) {
  std::erase_if(prog.defines, [&](const ast::Define& d) { return d.name == name; });
  lex_.undefine_macro(name);
  defined_.erase(name);
}

bool Parser::eval_condition(const std::string& expr, const ast::Program& prog) const {
  // A condition that is no integer expression counts as true (clang would have reported it).
  return cdecl::evaluate_constant(replace_defined(expr, defined_), prog.defines).value_or(1) != 0;
}

void Parser::include_header(const std::string& path, ast::Program& prog, source::SourceRange at,
                            int depth) {
  if (depth > kMaxIncludeDepth || headers_read_ >= kMaxHeaders) return;
  ++headers_read_;
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::vector<Cond> conds;
  auto active = [&] { return conds.empty() || conds.back().active; };
  std::string code; // the active C text (no directives): its enums are read at the end
  for (const std::string& raw : logical_lines(ss.str())) {
    std::string line = trim(raw);
    if (line.empty()) continue;
    if (line[0] != '#') {
      if (active()) code += line + "\n";
      continue;
    }
    std::string body = trim(line.substr(1));
    size_t wend = 0;
    while (wend < body.size() && is_ident_char(body[wend])) ++wend;
    std::string name = body.substr(0, wend);
    std::string rest = trim(body.substr(wend));
    if (name == "if" || name == "ifdef" || name == "ifndef") {
      bool value = false;
      if (name == "if") {
        value = active() && eval_condition(rest, prog);
      } else {
        size_t e = 0;
        while (e < rest.size() && is_ident_char(rest[e])) ++e;
        value = defined_.count(rest.substr(0, e)) > 0;
        if (name == "ifndef") value = !value;
      }
      conds.push_back({active(), active() && value, value, false, at});
    } else if (name == "elif" || name == "else") {
      if (conds.empty()) continue;
      Cond& c = conds.back();
      bool value = name == "else" || (c.parent_active && !c.taken && eval_condition(rest, prog));
      c.active = c.parent_active && !c.taken && value;
      c.taken = c.taken || value;
    } else if (name == "endif") {
      if (!conds.empty()) conds.pop_back();
    } else if (!active()) {
      continue;
    } else if (name == "define") {
      size_t e = 0;
      while (e < rest.size() && is_ident_char(rest[e])) ++e;
      if (e == 0) continue;
      define_macro(prog, rest.substr(0, e), rest.substr(e), e < rest.size() && rest[e] == '(', at,
                   /*from_header=*/true);
    } else if (name == "undef") {
      size_t e = 0;
      while (e < rest.size() && is_ident_char(rest[e])) ++e;
      undefine_macro(prog, rest.substr(0, e));
    } else if (name == "include" && rest.size() >= 2 &&
               (rest.front() == '<' || rest.front() == '"')) {
      size_t close = rest.find(rest.front() == '<' ? '>' : '"', 1);
      if (close == std::string::npos) continue;
      // A nested header this host lacks only held types btc takes from elsewhere.
      if (auto nested = find_header(rest.substr(1, close - 1), rest.front() == '<', dir_of(path)))
        include_header(*nested, prog, at, depth + 1);
    }
  }
  header_enums(code, prog, at);
}

// `enum [TAG] { A = 1, B, C = A | B };` of a header: each constant the preprocessor's integer
// expressions can value becomes an object-like macro (glibc's `#define DT_REG DT_REG` then
// names the value). Enumerators btc cannot value, and what follows them, are skipped.
void Parser::header_enums(const std::string& code, ast::Program& prog, source::SourceRange at) {
  size_t pos = 0;
  while ((pos = code.find("enum", pos)) != std::string::npos) {
    bool word = (pos == 0 || !is_ident_char(code[pos - 1])) &&
                (pos + 4 >= code.size() || !is_ident_char(code[pos + 4]));
    pos += 4;
    if (!word) continue;
    size_t p = pos;
    while (p < code.size() &&
           (is_ident_char(code[p]) || std::isspace(static_cast<unsigned char>(code[p]))))
      ++p;
    if (p >= code.size() || code[p] != '{') continue;
    size_t close = code.find('}', p);
    if (close == std::string::npos) return;
    std::string body = code.substr(p + 1, close - p - 1);
    pos = close;
    int64_t next = 0;
    size_t start = 0;
    while (start <= body.size()) {
      size_t comma = body.find(',', start);
      std::string item =
          trim(body.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      start = comma == std::string::npos ? body.size() + 1 : comma + 1;
      if (item.empty()) continue;
      size_t e = 0;
      while (e < item.size() && is_ident_char(item[e])) ++e;
      std::string name = item.substr(0, e);
      std::string rest = trim(item.substr(e));
      if (name.empty()) break;
      if (!rest.empty()) {
        if (rest[0] != '=') break;
        auto v = cdecl::evaluate_constant(rest.substr(1), prog.defines);
        if (!v) break;
        next = *v;
      }
      define_macro(prog, name, std::to_string(next), false, at, /*from_header=*/true);
      ++next;
    }
  }
}

} // namespace btc::parse
