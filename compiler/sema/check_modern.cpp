// check_modern.cpp: sema for the statements and values bpftrace 0.2x added: `let`
// declarations (typed or not), `for` over a map, record literals and `&`.
//
// Input: nodes the expand phase left (let names are block-unique, range loops are gone).
// Output: variable types in ProbeInfo::vars, expression types.
// Example: `let $x: uint8 = 7;` (after expand: `let $x#1: uint8; $x#1 = 7;`) makes $x#1 an
// unsigned 8-bit variable; the assignment then stores 7 into it.
#include "sema/checker.h"

#include "ast/printer.h"

namespace btc::sema {

void Checker::check_let(ast::LetStmt& l) {
  lets_.push_back(&l);
  if (!l.type) return; // typed by its first assignment, as 0.17 variables are
  auto t = resolve_type_name(*l.type);
  if (!t) {
    error(l.type->range, "Unknown type: " + ast::type_name_text(*l.type));
    return;
  }
  if (t->kind == ast::TypeKind::Record) {
    error(l.type->range, "a variable cannot hold a whole struct; declare a pointer to it");
    return;
  }
  probe_->vars[l.name] = *t;
  if (l.value) {
    check_expr(*l.value);
  }
}

void Checker::check_for(ast::ForStmt& f) {
  error(f.var_range, "for loops over maps are not supported yet by btc");
  ++loop_depth_;
  check_block(f.body);
  --loop_depth_;
}

Type Checker::check_record(ast::Expr& e, ast::RecordLit&) {
  error(e.range, "record values are not supported yet by btc");
  return Type::none();
}

Type Checker::check_address_of(ast::Expr& e, ast::Expr&) {
  error(e.range, "the & operator is not supported yet by btc");
  return Type::none();
}

// getopt("name"[, default[, "description"]]): an option of the tool, typed by its default
// (none or true/false: a boolean flag; an integer; a string).
Type Checker::check_getopt(ast::Expr& e, ast::Call& c) {
  for (auto& a : c.args) check_expr(*a);
  auto* name = c.args[0]->as<ast::StrLit>();
  if (!name || name->value.empty() ||
      name->value.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
          std::string::npos || name->value[0] == '-') {
    error(c.args[0]->range, "getopt() expects an option name as a string literal (letters, "
                            "digits, '_' and '-')");
    return Type::int64();
  }
  abi::NamedOption opt;
  opt.name = name->value;
  opt.kind = abi::OptionKind::Bool;
  opt.default_value = "false";
  if (c.args.size() > 1) {
    ast::Expr& d = *c.args[1];
    if (auto* b = d.as<ast::BoolLit>()) {
      opt.default_value = b->value ? "true" : "false";
    } else if (auto* i = d.as<ast::IntLit>()) {
      opt.kind = abi::OptionKind::Int;
      opt.default_value = std::to_string(static_cast<int64_t>(i->value));
    } else if (auto* s = d.as<ast::StrLit>()) {
      opt.kind = abi::OptionKind::String;
      opt.default_value = s->value;
    } else {
      error(d.range, "getopt() expects a literal default value (a boolean, an integer or a "
                     "string)");
      return Type::int64();
    }
  }
  if (c.args.size() > 2) {
    auto* desc = c.args[2]->as<ast::StrLit>();
    if (!desc) {
      error(c.args[2]->range, "getopt() expects its description as a string literal");
      return Type::int64();
    }
    opt.description = desc->value;
  }
  uint32_t idx = 0;
  for (; idx < info_.named_options.size(); ++idx) {
    auto& have = info_.named_options[idx];
    if (have.name != opt.name) continue;
    if (have.kind != opt.kind || (c.args.size() > 1 && have.default_value != opt.default_value))
      error(e.range, "getopt(\"" + opt.name + "\") was declared before as " +
                         abi::option_kind_name(have.kind) + " option with default " +
                         have.default_value);
    if (have.description.empty()) have.description = opt.description;
    break;
  }
  if (idx == info_.named_options.size()) info_.named_options.push_back(opt);
  info_.named_option_of[&e] = idx;
  switch (opt.kind) {
  case abi::OptionKind::Bool: return Type::boolean();
  case abi::OptionKind::Int: return Type::int64();
  case abi::OptionKind::String: return Type::string(options_.strlen);
  }
  return Type::int64();
}

} // namespace btc::sema
