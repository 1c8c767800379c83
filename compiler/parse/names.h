// names.h: the fixed word lists the front end needs to classify identifiers.
//
// Input: a spelled name. Output: whether it is a builtin variable (spec section 6, incl.
// arg0-arg9, sarg0-sarg9 and the legacy `stack`), a 0.17 function name (only used to name the
// token "call" in syntax errors, as bison did), or an integer type usable in a bare cast.
// Example: is_builtin("arg3") == true, is_int_type("uint32") == true.
#pragma once

#include <string_view>

namespace btc::parse {

bool is_builtin(std::string_view name);
bool is_function(std::string_view name);
bool is_int_type(std::string_view name);

} // namespace btc::parse
