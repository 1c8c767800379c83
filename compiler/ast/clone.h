// clone.h: deep copies of syntax trees (see clone.cpp).
#pragma once

#include "ast/ast.h"

namespace btc::ast {

ExprPtr clone(const Expr& e);
StmtPtr clone(const Stmt& s);
Block clone(const Block& b);

} // namespace btc::ast
