// prelude.h: btc's standard macros (see prelude.cpp).
#pragma once

#include "ast/ast.h"

#include <vector>

namespace btc::expand {

const std::vector<ast::MacroDef>& prelude_macros();

} // namespace btc::expand
