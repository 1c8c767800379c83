// scopes.h: the scoping pass of the expand phase (see scopes.cpp).
#pragma once

#include "ast/ast.h"
#include "diag/diag.h"

namespace btc::expand {

// Gives every `let` and `for` variable a name of its own for its block and rewrites
// `for ($i : lo..hi)` into a while loop.
void resolve_scopes(ast::Program& program, diag::Diagnostics& diags);

} // namespace btc::expand
