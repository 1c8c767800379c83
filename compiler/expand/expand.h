// expand.h: the expand phase, between parse and sema: bpftrace 0.2x conveniences rewritten
// into the core language that sema and codegen know.
//
// Input: the parsed Program. Output: the same Program, rewritten in place:
//   - macro calls (`f(x)`, and a bare `f` for a macro without parameters) become the macro's
//     body, hygienically: its own `$vars` get names of their own, `$v`/`@m` parameters name
//     the caller's variable or map, expression parameters are copied where they are used;
//   - `let $x` gives `$x` a name of its own for the rest of its block (block scoping), while
//     variables never declared with `let` keep 0.17's probe-wide scope;
//   - `for ($i : lo..hi)` becomes a while loop over a hidden counter.
// Example: `macro one() { 1 } BEGIN { print(one) }` -> `BEGIN { print(1) }`.
#pragma once

#include "ast/ast.h"
#include "diag/diag.h"

#include <string>

namespace btc::expand {

struct ExpandResult {
  bool ok = false;
  size_t macro_calls = 0; // expansions made (a nested macro counts each time)
};

ExpandResult expand(ast::Program& program, diag::Diagnostics& diags);

// The name a diagnostic shows for a variable the expand phase renamed: "$x#3" -> "$x".
std::string display_name(const std::string& var);

} // namespace btc::expand
