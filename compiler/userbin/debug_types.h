// debug_types.h: types and function prototypes from a user binary's DWARF, for uprobes.
//
// Input: the path of an ELF binary built with debug information (-g). Output: its functions'
// parameters and its named records, enums and typedefs as ast::Types with the binary's own
// layout (like preamble definitions: btf_id 0, fixed offsets). bpftrace 0.17 reads the same
// with libdw; btc reads it with LLVM's DWARF parser, which the compiler already links.
//
// Read where btc compiles: the types shape the BPF program. The tool checks at start that it
// traces the same binary (its GNU build-id, build_id()).
//
// Example: for `int take_pair(struct pair *p)` function("take_pair") gives params
// [{"p", Pointer -> Record pair (shallow)}], and record("struct pair") gives
// Record{pair, size 8, fields [a @0 int32, b @4 int32]}.
#pragma once

#include "ast/type.h"

#include <llvm/Support/Error.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace btc::userbin {

struct Param {
  std::string name;
  ast::Type type;
};

struct Function {
  std::vector<Param> params;
};

class DebugTypes {
public:
  // Opens `path`; an error when it is not a readable ELF file. A binary without DWARF gives
  // a DebugTypes where has_debug_info() is false.
  static llvm::Expected<std::unique_ptr<DebugTypes>> open(const std::string& path);
  ~DebugTypes();

  bool has_debug_info() const;
  // The parameters of function `name` (nullopt if the DWARF has no such function).
  std::optional<Function> function(std::string_view name) const;
  // The names of every function the DWARF describes (for wildcard attach points).
  std::vector<std::string> function_names() const;
  // A named type: "struct S", "union U", "enum E" or a typedef name. Records have their fields;
  // pointers inside them point to shallow records (name and size: look those up again).
  std::optional<ast::Type> type(std::string_view key) const;
  // The GNU build-id note as lower-case hex ("" when the binary has none).
  const std::string& build_id() const;

private:
  DebugTypes();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace btc::userbin
