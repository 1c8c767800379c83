// printer.cpp: the indented AST dump (see printer.h for the format).
//
// Every node kind and field is printed; source ranges are not (they would make golden files
// brittle). Sema types appear as " :: <type>" on expressions whose type is set.
#include "ast/printer.h"

#include <cstdio>
#include <type_traits>

namespace btc::ast {

namespace {

const char* assignop_text(AssignOp op) {
  switch (op) {
  case AssignOp::Assign: return "=";
  case AssignOp::Add: return "+=";
  case AssignOp::Sub: return "-=";
  case AssignOp::Mul: return "*=";
  case AssignOp::Div: return "/=";
  case AssignOp::Mod: return "%=";
  case AssignOp::BitAnd: return "&=";
  case AssignOp::BitOr: return "|=";
  case AssignOp::BitXor: return "^=";
  case AssignOp::Shl: return "<<=";
  case AssignOp::Shr: return ">>=";
  }
  return "?";
}

class Printer {
public:
  std::string out;

  void line(int indent, const std::string& text) {
    out.append(static_cast<size_t>(indent) * 2, ' ');
    out += text;
    out += '\n';
  }

  void block(const Block& b, int indent) {
    for (const auto& s : b) stmt(*s, indent);
  }

  void expr(const Expr& e, int indent) {
    std::string type_suffix;
    if (e.type.kind != TypeKind::None) type_suffix = " :: " + type_name(e.type);
    std::visit([&](const auto& n) { expr_node(n, type_suffix, indent); }, e.node);
  }

  void expr_node(const IntLit& n, const std::string& ty, int ind) {
    line(ind, "int " + std::to_string(static_cast<int64_t>(n.value)) + ty);
  }
  void expr_node(const StrLit& n, const std::string& ty, int ind) {
    line(ind, "string \"" + escape_string(n.value) + "\"" + ty);
  }
  void expr_node(const Builtin& n, const std::string& ty, int ind) {
    line(ind, "builtin " + n.name + ty);
  }
  void expr_node(const Ident& n, const std::string& ty, int ind) {
    line(ind, "ident " + n.name + ty);
  }
  void expr_node(const Positional& n, const std::string& ty, int ind) {
    line(ind, "positional $" + std::to_string(n.index) + ty);
  }
  void expr_node(const PositionalCount&, const std::string& ty, int ind) {
    line(ind, "positional_count $#" + ty);
  }
  void expr_node(const Var& n, const std::string& ty, int ind) { line(ind, "var " + n.name + ty); }
  void expr_node(const MapRef& n, const std::string& ty, int ind) {
    line(ind, "map " + n.name + ty);
    for (const auto& k : n.keys) expr(*k, ind + 1);
  }
  void expr_node(const Call& n, const std::string& ty, int ind) {
    line(ind, "call " + n.name + ty);
    for (const auto& a : n.args) expr(*a, ind + 1);
  }
  void expr_node(const Binary& n, const std::string& ty, int ind) {
    line(ind, std::string("binary ") + binop_text(n.op) + ty);
    expr(*n.lhs, ind + 1);
    expr(*n.rhs, ind + 1);
  }
  void expr_node(const Unary& n, const std::string& ty, int ind) {
    line(ind, std::string("unary ") + unop_text(n.op) + ty);
    expr(*n.operand, ind + 1);
  }
  void expr_node(const IncDec& n, const std::string& ty, int ind) {
    std::string op = n.increment ? "++" : "--";
    line(ind, std::string(n.prefix ? "pre" : "post") + op + ty);
    expr(*n.target, ind + 1);
  }
  void expr_node(const Ternary& n, const std::string& ty, int ind) {
    line(ind, "ternary" + ty);
    expr(*n.cond, ind + 1);
    expr(*n.then_expr, ind + 1);
    expr(*n.else_expr, ind + 1);
  }
  void expr_node(const FieldAccess& n, const std::string& ty, int ind) {
    line(ind, std::string("field ") + (n.arrow ? "->" : ".") + n.field + ty);
    expr(*n.base, ind + 1);
  }
  void expr_node(const TupleIndex& n, const std::string& ty, int ind) {
    line(ind, "tuple_index ." + std::to_string(n.index) + ty);
    expr(*n.base, ind + 1);
  }
  void expr_node(const Index& n, const std::string& ty, int ind) {
    line(ind, "index" + ty);
    expr(*n.base, ind + 1);
    expr(*n.index, ind + 1);
  }
  void expr_node(const Cast& n, const std::string& ty, int ind) {
    line(ind, "cast (" + type_name_text(n.type) + ")" + ty);
    if (n.type.of) expr(*n.type.of, ind + 1);
    expr(*n.operand, ind + 1);
  }
  void expr_node(const Tuple& n, const std::string& ty, int ind) {
    line(ind, "tuple" + ty);
    for (const auto& e : n.elems) expr(*e, ind + 1);
  }
  void expr_node(const BoolLit& n, const std::string& ty, int ind) {
    line(ind, std::string("bool ") + (n.value ? "true" : "false") + ty);
  }
  void expr_node(const RecordLit& n, const std::string& ty, int ind) {
    line(ind, "record" + ty);
    for (size_t i = 0; i < n.names.size(); ++i) {
      line(ind + 1, "." + n.names[i]);
      expr(*n.values[i], ind + 2);
    }
  }
  void expr_node(const BlockExpr& n, const std::string& ty, int ind) {
    line(ind, "block" + ty);
    block(n.stmts, ind + 1);
    if (n.value) {
      line(ind + 1, "value");
      expr(*n.value, ind + 2);
    }
  }
  void expr_node(const Sizeof& n, const std::string& ty, int ind) {
    if (const auto* t = std::get_if<TypeName>(&n.arg)) {
      line(ind, "sizeof (" + type_name_text(*t) + ")" + ty);
    } else {
      line(ind, "sizeof" + ty);
      expr(*std::get<ExprPtr>(n.arg), ind + 1);
    }
  }
  void expr_node(const Offsetof& n, const std::string& ty, int ind) {
    std::string path;
    for (const auto& f : n.fields) path += (path.empty() ? "" : ".") + f;
    line(ind, "offsetof (" + type_name_text(n.type) + ") " + path + ty);
  }

  void stmt(const Stmt& s, int indent) {
    std::visit([&](const auto& n) { stmt_node(n, indent); }, s.node);
  }

  void stmt_node(const ExprStmt& n, int ind) {
    line(ind, "expr");
    expr(*n.expr, ind + 1);
  }
  void stmt_node(const AssignStmt& n, int ind) {
    line(ind, std::string("assign ") + assignop_text(n.op));
    expr(*n.target, ind + 1);
    expr(*n.value, ind + 1);
  }
  void stmt_node(const IfStmt& n, int ind) {
    line(ind, n.comptime ? "if comptime" : "if");
    expr(*n.cond, ind + 1);
    line(ind + 1, "then");
    block(n.then_block, ind + 2);
    if (n.has_else) {
      line(ind + 1, "else");
      block(n.else_block, ind + 2);
    }
  }
  void stmt_node(const UnrollStmt& n, int ind) {
    line(ind, "unroll");
    expr(*n.count, ind + 1);
    line(ind + 1, "body");
    block(n.body, ind + 2);
  }
  void stmt_node(const WhileStmt& n, int ind) {
    line(ind, "while");
    expr(*n.cond, ind + 1);
    line(ind + 1, "body");
    block(n.body, ind + 2);
  }
  void stmt_node(const LetStmt& n, int ind) {
    line(ind, "let " + n.name + (n.type ? ": " + type_name_text(*n.type) : ""));
    if (n.type && n.type->of) expr(*n.type->of, ind + 1);
    if (n.value) expr(*n.value, ind + 1);
  }
  void stmt_node(const ForStmt& n, int ind) {
    line(ind, "for " + n.var);
    if (n.map) {
      expr(*n.map, ind + 1);
    } else {
      expr(*n.lo, ind + 1);
      expr(*n.hi, ind + 1);
    }
    line(ind + 1, "body");
    block(n.body, ind + 2);
  }
  void stmt_node(const BreakStmt&, int ind) { line(ind, "break"); }
  void stmt_node(const ContinueStmt&, int ind) { line(ind, "continue"); }
  void stmt_node(const ReturnStmt& n, int ind) {
    line(ind, "return");
    if (n.value) expr(*n.value, ind + 1);
  }
};

} // namespace

std::string escape_string(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    case '\r': out += "\\r"; break;
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    default:
      if (c < 0x20 || c >= 0x7f) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02x", c);
        out += buf;
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  return out;
}

std::string type_name_text(const TypeName& t) {
  std::string out;
  switch (t.tag) {
  case TypeName::Tag::None: break;
  case TypeName::Tag::Struct: out = "struct "; break;
  case TypeName::Tag::Union: out = "union "; break;
  case TypeName::Tag::Enum: out = "enum "; break;
  }
  out += t.of ? "typeof(...)" : t.name;
  if (t.pointer_depth > 0) out += " " + std::string(static_cast<size_t>(t.pointer_depth), '*');
  if (t.array_size) out += "[" + std::to_string(*t.array_size) + "]";
  return out;
}

std::string print(const Expr& expr, int indent) {
  Printer p;
  p.expr(expr, indent);
  return p.out;
}

std::string print(const Stmt& stmt, int indent) {
  Printer p;
  p.stmt(stmt, indent);
  return p.out;
}

std::string print(const Program& prog) {
  Printer p;
  p.line(0, "program");
  for (const auto& c : prog.config) p.line(1, "config " + c.key + " = " + c.value);
  for (const auto& d : prog.map_decls)
    p.line(1, "map " + d.name + " = " + d.kind + "(" + std::to_string(d.max_entries) + ")");
  for (const auto& m : prog.macros) {
    std::string params;
    for (const auto& q : m.params) params += (params.empty() ? "" : ", ") + q;
    p.line(1, "macro " + m.name + "(" + params + ")");
    p.block(m.body, 2);
    if (m.value) {
      p.line(2, "value");
      p.expr(*m.value, 3);
    }
  }
  for (const auto& inc : prog.includes)
    p.line(1, "include " + (inc.system ? "<" + inc.path + ">" : "\"" + inc.path + "\""));
  for (const auto& d : prog.defines)
    if (!d.from_header) // a header's macros are listed by the header, not the script
      p.line(1, "define " + d.name + (d.value.empty() ? "" : " " + d.value));
  for (const auto& c : prog.c_definitions) p.line(1, "c_definition \"" + escape_string(c.text) + "\"");
  for (const auto& probe : prog.probes) {
    std::string aps;
    for (const auto& ap : probe.attach_points) aps += (aps.empty() ? "" : ", ") + ap.text;
    p.line(1, "probe " + aps);
    if (probe.predicate) {
      p.line(2, "predicate");
      p.expr(*probe.predicate, 3);
    }
    p.line(2, "body");
    p.block(probe.body, 3);
  }
  return p.out;
}

} // namespace btc::ast
