// preamble.cpp: C definitions of the script preamble (struct, union, enum, typedef), parsed by
// the C declaration parser (compiler/cdecl) with x86-64 layouts; names the preamble does not
// define come from kernel BTF. Enum constants become integer literals, as 0.17 does through
// clang. Preamble records are the script's own types: no CO-RE (btf_id 0, fixed offsets).
//
// Example: `struct Conf { int a; char name[8]; };` then `((struct Conf *)arg0)->name` reads
// 8 bytes at offset 4 of the pointer.
#include "sema/checker.h"

namespace btc::sema {

void Checker::collect_preamble_enums() {
  if (program_.c_definitions.empty() || !options_.source) return;
  const btf::KernelBtf* kbtf = options_.btf;
  cdecl::ExternalTypes external = [kbtf](std::string_view name,
                                         bool is_record) -> std::optional<Type> {
    if (!kbtf) return std::nullopt;
    if (is_record) {
      if (auto id = kbtf->find_record(name)) return kbtf->expand_record(*id);
      return std::nullopt;
    }
    if (auto id = kbtf->find_type(name)) return kbtf->to_ast_type(*id);
    return std::nullopt;
  };
  ctypes_ = cdecl::parse_c_definitions(program_.c_definitions, program_.defines, *options_.source,
                                       external, diags_);
  for (const auto& [name, value] : ctypes_.enum_values) info_.enum_values[name] = value;
}

} // namespace btc::sema
