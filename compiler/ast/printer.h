// printer.h: a stable, indented text dump of an ast::Program (`btc --emit=ast`, golden tests).
//
// Input: a Program (typed or not; types are printed after "::" once sema filled them).
// Output: one node per line, children indented by two spaces. Example for
// `tracepoint:syscalls:sys_enter_openat /pid == 1/ { @[comm] = count(); }`:
//   program
//     probe tracepoint:syscalls:sys_enter_openat
//       predicate
//         binary ==
//           builtin pid
//           int 1
//       body
//         assign =
//           map @
//             builtin comm
//           call count
#pragma once

#include "ast/ast.h"

#include <string>

namespace btc::ast {

std::string print(const Program& prog);
std::string print(const Expr& expr, int indent = 0);
std::string print(const Stmt& stmt, int indent = 0);
// "struct task_struct *", "uint8[4]", "path *".
std::string type_name_text(const TypeName& t);
// C-style escaping of a string value for the dump ("a\nb" -> a\nb).
std::string escape_string(const std::string& s);

} // namespace btc::ast
