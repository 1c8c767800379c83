// parse_items.cpp: the top-level items of bpftrace 0.2x besides probes: the config block
// (`config = { max_strlen = 128; missing_probes = ignore }`), macro definitions
// (`macro add(x, $v, @m) { ... }`) and map declarations (`let @m = lruhash(1024);`).
//
// Input: tokens (the parser has resynchronised the lexer at the item's first word). Output:
// ast::Program::{config, macros, map_decls}; a broken item is reported once and skipped to
// its closing brace or ';'.
// Example: "macro one() { 1 }" -> MacroDef{name "one", params [], body [], value IntLit 1}.
#include "parse/parser_impl.h"

#include "builtins/builtins.h"

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
    case Tok::Int: item.kind = ast::ConfigItem::Kind::Int; item.value = std::to_string(v.int_value); break;
    case Tok::Str: item.kind = ast::ConfigItem::Kind::String; item.value = v.text; break;
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
      else syntax_error(p, "macro parameter ($var, @map or identifier)");
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

} // namespace btc::parse
