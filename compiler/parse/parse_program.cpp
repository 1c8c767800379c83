// parse_program.cpp: the program level: shebang, preamble (preprocessor lines with a small
// #if/#ifdef/#ifndef stack, C struct/union/enum definitions) and probes
// (`attach[, attach...] [/predicate/] { ... }`).
//
// Input: the Lexer in raw mode between probes. Output: ast::Program.
// Example: "#ifndef BPFTRACE_HAVE_BTF\n#include <linux/fs.h>\n#endif\nBEGIN {}" keeps no
// include (BPFTRACE_HAVE_BTF is predefined) and one probe with attach point "BEGIN".
#include "parse/parser_impl.h"

#include <cctype>
#include <cstdlib>

namespace btc::parse {

namespace {

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Split "name rest" at the end of the leading identifier.
std::string leading_word(const std::string& s, size_t& end) {
  end = 0;
  while (end < s.size() && is_ident_char(s[end])) ++end;
  return s.substr(0, end);
}

} // namespace

ast::Program Parser::parse_program() {
  ast::Program prog;
  for (const auto& name : options_.include_files) {
    if (auto header = find_header(name, /*system=*/true, options_.script_dir))
      include_header(*header, prog, {0, 0}, 0);
    else
      diags_.error_no_loc("--include: '" + name + "' file not found");
  }
  // A first line "#!..." is ignored.
  if (lex_.peek_char(0) == '#' && lex_.peek_char(1) == '!') lex_.skip_line();
  while (!too_many_errors()) {
    if (!la_.empty() && la_.front().kind == Tok::End) break; // input exhausted by recovery
    resync_lexer();
    panic_ = false;
    if (!lex_.skip_trivia()) break;
    char c = lex_.peek_char();
    bool after_probes = !prog.probes.empty();
    if (c == '#') {
      parse_directive(prog, after_probes);
      continue;
    }
    if (!cond_active()) { // inside a false #if branch: drop the line
      lex_.skip_line();
      continue;
    }
    // struct/union/enum/typedef at the top level start a C definition.
    uint32_t n = 0;
    while (is_ident_char(lex_.peek_char(n))) ++n;
    std::string word;
    for (uint32_t i = 0; i < n; ++i) word += lex_.peek_char(i);
    if (word == "struct" || word == "union" || word == "enum" || word == "typedef") {
      parse_c_definition(prog, after_probes);
      continue;
    }
    // bpftrace 0.2x items: a word followed by something no attach point has (`config =`,
    // `macro NAME`, `let @m`).
    char after = lex_.peek_char(n);
    uint32_t m = n;
    while (after == ' ' || after == '\t' || after == '\n' || after == '\r')
      after = lex_.peek_char(++m);
    bool ok = true;
    if (word == "config" && after == '=')
      ok = parse_config(prog);
    else if (word == "macro" && after != ':' && after != ',' && after != '{')
      ok = parse_macro(prog);
    else if (word == "let" && after == '@')
      ok = parse_map_decl(prog);
    else if (word == "import" && after == '"')
      ok = parse_import(prog);
    else if (!parse_probe(prog))
      ok = false;
    else
      continue;
    if (!ok) skip_probe_after_error();
    continue;
  }
  resync_lexer();
  if (!imported_probes_.empty()) { // an imported file's probes run first (bpftrace 0.2x)
    for (auto& p : prog.probes) imported_probes_.push_back(std::move(p));
    prog.probes = std::move(imported_probes_);
  }
  for (const auto& c : conds_) diags_.error(c.range, "unterminated conditional directive");
  if (prog.probes.empty() && !diags_.has_errors() && !allow_no_probes_) {
    uint32_t end = static_cast<uint32_t>(file_.text().size());
    diags_.error({end, end}, "unexpected end of file, expected a probe");
  }
  return prog;
}

void Parser::parse_directive(ast::Program& prog, bool after_probes) {
  source::SourceRange range;
  std::string line = lex_.lex_line(range);
  std::string body = trim(line.substr(1)); // after '#'
  size_t wend = 0;
  std::string name = leading_word(body, wend);
  std::string rest = trim(body.substr(wend));
  bool active = cond_active();

  if (name == "ifdef" || name == "ifndef" || name == "if") {
    Cond c;
    c.parent_active = active;
    bool value;
    if (name == "if") {
      value = eval_condition(rest, prog);
    } else {
      size_t e = 0;
      std::string macro = leading_word(rest, e);
      value = defined_.count(macro) > 0;
      if (name == "ifndef") value = !value;
    }
    c.active = active && value;
    c.taken = value;
    c.range = range;
    conds_.push_back(c);
    return;
  }
  if (name == "elif" || name == "else" || name == "endif") {
    if (conds_.empty()) {
      diags_.error(range, "#" + name + " without #if");
      return;
    }
    Cond& c = conds_.back();
    if (name == "endif") {
      conds_.pop_back();
      return;
    }
    if (c.seen_else) {
      diags_.error(range, "#" + name + " after #else");
      return;
    }
    bool value = name == "else" ? true : eval_condition(rest, prog);
    c.active = c.parent_active && !c.taken && value;
    c.taken = c.taken || value;
    c.seen_else = name == "else";
    return;
  }
  if (!active) return;
  if (after_probes) {
    diags_.error(range, "preprocessor directives must come before the first probe");
    return;
  }
  if (name == "include") {
    ast::Include inc;
    inc.range = range;
    if (rest.size() >= 2 && rest.front() == '<' && rest.back() == '>') {
      inc.system = true;
    } else if (rest.size() >= 2 && rest.front() == '"' && rest.back() == '"') {
      inc.system = false;
    } else {
      diags_.error(range, "#include expects <FILENAME> or \"FILENAME\"");
      return;
    }
    inc.path = rest.substr(1, rest.size() - 2);
    auto header = find_header(inc.path, inc.system, options_.script_dir);
    if (!header) {
      diags_.error(range, "'" + inc.path + "' file not found");
      return;
    }
    include_header(*header, prog, range, 0);
    prog.includes.push_back(std::move(inc));
    return;
  }
  if (name == "define" || name == "undef") {
    size_t e = 0;
    std::string macro = leading_word(rest, e);
    if (macro.empty() || !is_ident_start(macro[0])) {
      diags_.error(range, "macro name missing in #" + name);
      return;
    }
    // prog.defines is the macro table as it stands after the preamble.
    if (name == "undef") undefine_macro(prog, macro);
    else define_macro(prog, macro, rest.substr(e), e < rest.size() && rest[e] == '(', range);
    return;
  }
  // #pragma, #error, #line, ...: accepted and ignored (they only mattered to clang).
}

void Parser::parse_c_definition(ast::Program& prog, bool after_probes) {
  ast::CDefinition def;
  bool ok = lex_.lex_c_definition(def.text, def.range);
  if (!ok) return;
  if (after_probes) {
    diags_.error(def.range, "C definitions must come before the first probe");
    return;
  }
  prog.c_definitions.push_back(std::move(def));
}

bool Parser::parse_probe(ast::Program& prog) {
  ast::Probe probe;
  uint32_t start = lex_.pos();
  if (!parse_attach_points(probe)) return false;
  lex_.skip_trivia();
  if (lex_.peek_char() == '/') {
    lex_.seek(lex_.pos() + 1);
    probe.predicate = parse_predicate();
    if (!probe.predicate) return false;
  }
  if (at(Tok::End)) {
    if (!panic_) diags_.error(probe.attach_points.back().range, "unexpected end of file, expected {");
    panic_ = true;
    return false;
  }
  if (!parse_block(probe.body)) return false;
  probe.range = {start, last_end_};
  prog.probes.push_back(std::move(probe));
  return true;
}

bool Parser::parse_attach_points(ast::Probe& probe) {
  while (true) {
    lex_.skip_trivia();
    char c = lex_.peek_char();
    if (!(is_ident_start(c) || c == '*')) {
      // Not an attach point: name the token found here, as bison would.
      syntax_error(cur(), probe.attach_points.empty() ? "" : "attach point");
      return false;
    }
    Token t = lex_.lex_attach_point();
    last_end_ = t.range.end;
    probe.attach_points.push_back({t.text, t.range});
    lex_.skip_trivia();
    if (lex_.peek_char() != ',') return true;
    lex_.seek(lex_.pos() + 1);
    last_end_ = lex_.pos();
    lex_.skip_trivia();
    char n = lex_.peek_char();
    if (n == '{' || n == '/') return true; // trailing comma tolerated
  }
}

ast::ExprPtr Parser::parse_predicate() {
  lex_.set_predicate_mode(true);
  ast::ExprPtr e = parse_expr();
  if (e && !at(Tok::PredEnd)) {
    syntax_error(cur(), "/");
    e.reset();
  }
  if (!e) {
    // Skip the rest of the predicate.
    while (!at(Tok::End) && !at(Tok::PredEnd) && !at(Tok::LBrace)) take();
  }
  lex_.set_predicate_mode(false);
  if (at(Tok::PredEnd)) {
    take();
    la_.clear(); // tokens after the predicate are lexed again in ordinary mode
    lex_.seek(last_end_);
  }
  return e;
}

// After a broken probe header or body: skip to the end of the next brace-balanced block.
void Parser::skip_probe_after_error() {
  int depth = 0;
  bool opened = false;
  while (!at(Tok::End)) {
    Token t = take();
    if (t.kind == Tok::LBrace) {
      ++depth;
      opened = true;
    } else if (t.kind == Tok::RBrace && depth > 0) {
      if (--depth == 0 && opened) break;
    }
  }
}

} // namespace btc::parse
