// cdecl.h: the C declaration parser for the script preamble (struct/union/enum/typedef).
//
// bpftrace 0.17 hands preamble definitions to clang; btc parses them itself. Input: the
// program's CDefinitions (text + source range), its object-like #defines, the source file
// (for located diagnostics) and a resolver for names the preamble does not define (kernel
// types from BTF). Output: records laid out with the x86-64 SysV rules (btf_id 0), typedefs,
// enum types and enumerator values.
// Example: `struct S { char c; int x : 3; union { long l; void *p; }; };` gives
//   records["struct S"] = Record{S, size 16, fields [c @0 int8, x @1 bits 0:3 int32,
//   "" @8 union{l @0 int64, p @0 void *}]}; find_member(S, "p") = {8, void *}.
#pragma once

#include "ast/ast.h"
#include "ast/type.h"
#include "diag/diag.h"
#include "source/source.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace btc::cdecl {

struct CTypes {
  // "struct Foo" / "union Bar" -> complete Record type (btf_id 0). Forward declarations that
  // the preamble never completes are not listed (the kernel BTF may define them).
  std::map<std::string, ast::Type> records;
  std::map<std::string, ast::Type> typedefs;    // name -> type
  std::map<std::string, int64_t> enum_values;   // enumerator -> value
  std::map<std::string, ast::Type> enums;       // "enum E" -> integer type of the enum
  std::map<std::string, uint32_t> record_aligns; // same keys as records: alignment in bytes
};

// Resolves names the preamble does not define. For `struct X`/`union X` it is called with
// ("X", true) and should return the complete record (fields, size, btf_id); for a typedef or
// enum name (`pid_t`, `enum pid_type` -> "pid_type") with (name, false). nullopt: unknown.
using ExternalTypes =
    std::function<std::optional<ast::Type>(std::string_view tag_or_name, bool is_record)>;

// Parses all definitions in order (a definition may use what earlier ones defined). Errors
// and warnings go to `diags`, located inside the definitions. #defines apply to the
// definitions that follow them in the source.
//
// Type conventions (as btf::KernelBtf::to_ast_type): plain `char` arrays are Type::string(N);
// other arrays are Array{count, pointee = element}; function pointers are uint64; `void *`
// has a None pointee. Pointers to named preamble records point to a shallow Record (name,
// size, is_union, no fields; look it up in CTypes::records or use resolve_record()); pointers
// to anonymous records carry the full record; pointers to external records carry the
// resolver's record without fields and its btf_id (also set on the Pointer). Bitfields:
// offset is the byte holding the first bit, bitfield_offset the bit within it.
CTypes parse_c_definitions(const std::vector<ast::CDefinition>& defs,
                           const std::vector<ast::Define>& defines,
                           const source::SourceFile& file, const ExternalTypes& external,
                           diag::Diagnostics& diags);

// A member of `record` by name, searching through anonymous struct/union members; the offset
// is in bytes from the start of `record`. Bitfields: see find_field.
std::optional<std::pair<uint32_t, ast::Type>> find_member(const ast::Type& record,
                                                          std::string_view name);
// Like find_member, with the bitfield position kept (offset made relative to `record`).
std::optional<ast::RecordField> find_field(const ast::Type& record, std::string_view name);

// The full definition of a shallow preamble record (a pointer's pointee), or nullopt when
// `rec` is not a preamble record the types define.
std::optional<ast::Type> resolve_record(const CTypes& types, const ast::Type& rec);

// The value of an integer constant expression as the preprocessor evaluates `#if` lines:
// literals, object-like `defines` (expanded), C's integer operators; an identifier that is no
// macro counts as 0. nullopt when `text` is not such an expression. (`defined X` must already
// be replaced by 1 or 0.)
std::optional<int64_t> evaluate_constant(std::string_view text,
                                         const std::vector<ast::Define>& defines);

// A readable dump of everything parsed (records with every field's offset/size/bits,
// typedefs, enums): the format of the tests/cdecl/*.layout goldens.
std::string dump_layout(const CTypes& types);

} // namespace btc::cdecl
