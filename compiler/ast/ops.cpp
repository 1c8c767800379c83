// ops.cpp: operator spellings and the operator of each compound assignment, shared by the AST
// printer, sema's messages and codegen.
#include "ast/ast.h"

namespace btc::ast {

const char* unop_text(UnOp op) {
  switch (op) {
  case UnOp::Neg:
    return "-";
  case UnOp::LogNot:
    return "!";
  case UnOp::BitNot:
    return "~";
  case UnOp::Deref:
    return "*";
  case UnOp::AddrOf:
    return "&";
  }
  return "?";
}

const char* binop_text(BinOp op) {
  switch (op) {
  case BinOp::Add:
    return "+";
  case BinOp::Sub:
    return "-";
  case BinOp::Mul:
    return "*";
  case BinOp::Div:
    return "/";
  case BinOp::Mod:
    return "%";
  case BinOp::Shl:
    return "<<";
  case BinOp::Shr:
    return ">>";
  case BinOp::BitAnd:
    return "&";
  case BinOp::BitOr:
    return "|";
  case BinOp::BitXor:
    return "^";
  case BinOp::Lt:
    return "<";
  case BinOp::Le:
    return "<=";
  case BinOp::Gt:
    return ">";
  case BinOp::Ge:
    return ">=";
  case BinOp::Eq:
    return "==";
  case BinOp::Ne:
    return "!=";
  case BinOp::LogAnd:
    return "&&";
  case BinOp::LogOr:
    return "||";
  }
  return "?";
}

BinOp compound_binop(AssignOp op) {
  switch (op) {
  case AssignOp::Add:
    return BinOp::Add;
  case AssignOp::Sub:
    return BinOp::Sub;
  case AssignOp::Mul:
    return BinOp::Mul;
  case AssignOp::Div:
    return BinOp::Div;
  case AssignOp::Mod:
    return BinOp::Mod;
  case AssignOp::BitAnd:
    return BinOp::BitAnd;
  case AssignOp::BitOr:
    return BinOp::BitOr;
  case AssignOp::BitXor:
    return BinOp::BitXor;
  case AssignOp::Shl:
    return BinOp::Shl;
  case AssignOp::Shr:
    return BinOp::Shr;
  case AssignOp::Assign:
    break;
  }
  return BinOp::Add;
}

} // namespace btc::ast
