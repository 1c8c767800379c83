// parse_items.cpp: the top-level items of bpftrace 0.2x besides probes: the config block
// (`config = { max_strlen = 128; missing_probes = ignore }`), macro definitions
// (`macro add(x, $v, @m) { ... }`) and map declarations (`let @m = lruhash(1024);`).
//
// Input: tokens (the parser has resynchronised the lexer at the item's first word). Output:
// ast::Program::{config, macros, map_decls}; a broken item is reported once and skipped to
// its closing brace or ';'.
// Example: "macro one() { 1 }" -> MacroDef{name "one", params [], body [], value IntLit 1}.
#include "parse/parser_impl.h"

#include "ast/walk.h"
#include "builtins/builtins.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace btc::parse {

bool Parser::parse_config(ast::Program& prog) {
  Token kw = take(); // config
  if (!prog.config.empty() || !prog.probes.empty() || !prog.macros.empty() ||
      !prog.map_decls.empty()) {
    error(kw.range, "the config block must come first, before any probe, macro or map "
                    "declaration, and only once");
    return false;
  }
  if (!expect(Tok::Assign, "=") || !expect(Tok::LBrace, "{")) return false;
  while (!at(Tok::RBrace)) {
    if (!at(Tok::Ident) && !at(Tok::Builtin)) {
      syntax_error(cur(), "config variable");
      return false;
    }
    Token key = take();
    ast::ConfigItem item;
    item.key = key.text;
    if (!expect(Tok::Assign, "=")) return false;
    Token v = take();
    item.value_range = v.range;
    switch (v.kind) {
    case Tok::Int:
      item.kind = ast::ConfigItem::Kind::Int;
      item.value = std::to_string(v.int_value);
      break;
    case Tok::Str:
      item.kind = ast::ConfigItem::Kind::String;
      item.value = v.text;
      break;
    case Tok::Ident:
    case Tok::Builtin:
      item.value = v.text;
      item.kind = v.text == "true" || v.text == "false" ? ast::ConfigItem::Kind::Bool
                                                        : ast::ConfigItem::Kind::Ident;
      break;
    default:
      syntax_error(v, "string, integer, boolean or identifier");
      return false;
    }
    item.range = {key.range.begin, v.range.end};
    prog.config.push_back(std::move(item));
    if (accept(Tok::Semi)) continue;
    if (!at(Tok::RBrace)) {
      syntax_error(cur(), "; or }");
      return false;
    }
  }
  take();
  accept(Tok::Semi);
  return true;
}

bool Parser::parse_macro(ast::Program& prog) {
  Token kw = take(); // macro
  ast::MacroDef m;
  // Builtin variables of 0.17 cannot name a macro; the words of newer builtins (ppid, ...)
  // can, which is how the prelude defines them and a script may redefine them.
  if (!at(Tok::Ident) && !(at(Tok::Builtin) && !builtins::find_var(cur().text))) {
    syntax_error(cur(), "macro name");
    return false;
  }
  Token name = take();
  m.name = name.text;
  m.name_range = name.range;
  if (!expect(Tok::LParen, "(")) return false;
  while (!at(Tok::RParen)) {
    Token p = take();
    if (p.kind != Tok::Ident && p.kind != Tok::Var && p.kind != Tok::Map) {
      if (p.kind == Tok::Builtin)
        error(p.range, "builtin '" + p.text + "' cannot be a macro parameter");
      else
        syntax_error(p, "macro parameter ($var, @map or identifier)");
      return false;
    }
    for (const auto& q : m.params)
      if (q == p.text) {
        error(p.range, "macro parameter '" + p.text + "' appears twice");
        return false;
      }
    m.params.push_back(p.text);
    if (!accept(Tok::Comma) && !at(Tok::RParen)) {
      syntax_error(cur(), ") or \",\"");
      return false;
    }
  }
  take();
  if (!parse_block_expr(m.body, m.value)) return false;
  m.range = {kw.range.begin, last_end_};
  for (const auto& other : prog.macros)
    if (other.name == m.name && other.params.size() == m.params.size()) {
      error(m.name_range, "macro '" + m.name + "' with " + std::to_string(m.params.size()) +
                              " parameters is already defined");
      return false;
    }
  prog.macros.push_back(std::move(m));
  return true;
}

bool Parser::parse_map_decl(ast::Program& prog) {
  Token kw = take(); // let
  if (!at(Tok::Map)) {
    syntax_error(cur(), "map name");
    return false;
  }
  ast::MapDecl d;
  Token name = take();
  d.name = name.text;
  if (!expect(Tok::Assign, "=")) return false;
  if (!at(Tok::Ident)) {
    syntax_error(cur(), "map type (hash, lruhash, percpuhash, percpulruhash)");
    return false;
  }
  Token kind = take();
  d.kind = kind.text;
  d.kind_range = kind.range;
  if (!expect(Tok::LParen, "(")) return false;
  if (!at(Tok::Int)) {
    syntax_error(cur(), "the map's maximum number of entries");
    return false;
  }
  d.max_entries = take().int_value;
  if (!expect(Tok::RParen, ")")) return false;
  accept(Tok::Semi);
  d.range = {kw.range.begin, last_end_};
  for (const auto& other : prog.map_decls)
    if (other.name == d.name) {
      error(name.range, "map " + d.name + " is already declared");
      return false;
    }
  prog.map_decls.push_back(std::move(d));
  return true;
}

// import "file.bt"; (bpftrace 0.2x): the file's macros, map declarations and probes join the
// script's; a directory imports its *.bt files. Each file comes in once. Its text is not the
// script's, so its syntax errors are reported at the import with the file's own location
// lines, and later diagnostics about its code point at the import.
bool Parser::parse_import(ast::Program& prog) {
  namespace fs = std::filesystem;
  Token kw = take(); // import
  if (!at(Tok::Str)) {
    syntax_error(cur(), "a file name in quotes");
    return false;
  }
  Token name = take();
  accept(Tok::Semi);
  source::SourceRange at{kw.range.begin, last_end_};
  if (!prog.probes.empty()) {
    error(at, "imports must come before the first probe");
    return false;
  }
  if (options_.import_depth >= 16) {
    error(at, "imports nested more than 16 deep");
    return false;
  }
  fs::path p = fs::path(name.text).is_absolute() ? fs::path(name.text)
                                                 : fs::path(options_.script_dir) / name.text;
  std::error_code ec;
  std::vector<fs::path> files;
  if (fs::is_directory(p, ec)) {
    for (const auto& e : fs::directory_iterator(p, ec))
      if (e.path().extension() == ".bt") files.push_back(e.path());
    std::sort(files.begin(), files.end());
  } else if (fs::exists(p, ec)) {
    if (p.extension() != ".bt") {
      error(name.range, "btc imports bpftrace scripts (.bt) only, not '" + name.text + "'");
      return false;
    }
    files.push_back(p);
  } else {
    error(name.range, "import: '" + name.text + "' not found (looked for " + p.string() + ")");
    return false;
  }
  for (const auto& file : files) {
    fs::path dir = fs::canonical(file, ec).parent_path();
    if ((fs::status(dir, ec).permissions() & fs::perms::others_write) != fs::perms::none) {
      error(name.range, "import: refusing " + file.string() + ": its directory is world-writable");
      return false;
    }
    std::string key = fs::canonical(file, ec).string();
    if (!options_.imported->insert(key).second) continue;
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    source::SourceFile src(file.string(), text.str());
    diag::Diagnostics inner;
    ParseOptions opts = options_;
    opts.script_dir = file.parent_path().string();
    opts.include_files.clear();
    ++opts.import_depth;
    Parser sub(src, inner, opts);
    sub.allow_no_probes_ = true;
    ast::Program imported = sub.parse_program();
    if (inner.has_errors()) {
      error(name.range,
            "errors in imported file " + file.string() + ":\n" + diag::render_all(inner, src));
      return false;
    }
    if (!imported.config.empty()) {
      error(name.range, "an imported script cannot have a config block (" + file.string() + ")");
      return false;
    }
    for (auto& m : imported.macros) {
      for (auto& s : m.body) ast::relocate(*s, at);
      if (m.value) ast::relocate(*m.value, at);
      m.range = m.name_range = at;
      prog.macros.push_back(std::move(m));
    }
    for (auto& d : imported.map_decls) {
      d.range = d.kind_range = at;
      prog.map_decls.push_back(std::move(d));
    }
    for (auto& pr : imported.probes) { // added before the script's own (parse_program)
      for (auto& ap : pr.attach_points) ap.range = at;
      if (pr.predicate) ast::relocate(*pr.predicate, at);
      for (auto& s : pr.body) ast::relocate(*s, at);
      pr.range = at;
      imported_probes_.push_back(std::move(pr));
    }
    for (auto& d : imported.defines) {
      d.range = at;
      lex_.define_macro(d.name, d.value);
      prog.defines.push_back(std::move(d));
    }
    for (auto& c : imported.c_definitions) {
      c.range = at;
      prog.c_definitions.push_back(std::move(c));
    }
  }
  return true;
}

} // namespace btc::parse
