// names.cpp: identifier classification: builtins and functions from the builtins tables,
// and the integer types of bare casts.
#include "parse/names.h"

#include "builtins/builtins.h"

#include <algorithm>
#include <iterator>

namespace btc::parse {

namespace {

constexpr std::string_view kIntTypes[] = {
    "uint8", "int8", "uint16", "int16", "uint32", "int32", "uint64", "int64",
};

template <size_t N>
bool contains(const std::string_view (&a)[N], std::string_view s) {
  return std::find(std::begin(a), std::end(a), s) != std::end(a);
}

} // namespace

bool is_builtin(std::string_view name) {
  return builtins::is_builtin_word(name);
}

// offsetof(...) is parsed as its own expression, but named like a call in syntax errors.
bool is_function(std::string_view name) {
  return builtins::is_function_word(name) || name == "offsetof";
}

bool is_int_type(std::string_view name) { return contains(kIntTypes, name); }

} // namespace btc::parse
