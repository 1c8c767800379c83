// debug_types.cpp: DWARF -> ast::Type with LLVM's DWARF parser (see debug_types.h).
//
// One pass over every compile unit indexes the named functions and types (definitions, not
// declarations); types are converted on demand. Conversion follows C: typedefs and qualifiers
// are transparent, char[N] is a string, records hold their member records whole but pointers
// to named records point to shallow ones (a list may point to itself), bitfields keep their
// bit position, enums are integers of their size.
#include "userbin/debug_types.h"

#include "userbin/instructions.h"

#include <llvm/BinaryFormat/Dwarf.h>
#include <llvm/DebugInfo/DWARF/DWARFContext.h>
#include <llvm/DebugInfo/DWARF/DWARFDie.h>
#include <llvm/DebugInfo/DWARF/DWARFFormValue.h>
#include <llvm/Object/ObjectFile.h>

#include <cstdio>

namespace btc::userbin {

namespace dw = llvm::dwarf;
using llvm::DWARFDie;

struct DebugTypes::Impl {
  llvm::object::OwningBinary<llvm::object::ObjectFile> binary;
  std::unique_ptr<llvm::DWARFContext> context;
  std::map<std::string, DWARFDie, std::less<>> functions;
  std::map<std::string, DWARFDie, std::less<>> types; // "struct S", "union U", "enum E", typedefs
  std::string build_id;
  bool has_info = false;

  void index();
  ast::Type convert(DWARFDie die, bool shallow_records, int depth = 0) const;
  ast::Type record(DWARFDie die, int depth) const;
};

namespace {

DWARFDie type_of(DWARFDie die) {
  auto attr = die.findRecursively(dw::DW_AT_type);
  return attr ? die.getAttributeValueAsReferencedDie(*attr) : DWARFDie();
}

std::string name_of(DWARFDie die) {
  const char* n = die.getShortName();
  return n ? n : "";
}

bool is_record(dw::Tag tag) {
  return tag == dw::DW_TAG_structure_type || tag == dw::DW_TAG_class_type ||
         tag == dw::DW_TAG_union_type;
}

// "struct S" / "union U" / "enum E" / typedef name: how a script names a DWARF type.
std::string key_of(DWARFDie die) {
  std::string name = name_of(die);
  if (name.empty()) return "";
  switch (die.getTag()) {
  case dw::DW_TAG_structure_type:
  case dw::DW_TAG_class_type:
    return "struct " + name;
  case dw::DW_TAG_union_type:
    return "union " + name;
  case dw::DW_TAG_enumeration_type:
    return "enum " + name;
  case dw::DW_TAG_typedef:
    return name;
  default:
    return "";
  }
}

uint64_t byte_size(DWARFDie die) {
  return llvm::dwarf::toUnsigned(die.find(dw::DW_AT_byte_size), 0);
}

} // namespace

void DebugTypes::Impl::index() {
  for (const auto& unit : context->info_section_units()) {
    for (const auto& entry : unit->dies()) {
      DWARFDie die(unit.get(), &entry);
      if (die.find(dw::DW_AT_declaration)) continue;
      if (die.getTag() == dw::DW_TAG_subprogram) {
        has_info = true;
        std::string name = name_of(die);
        if (!name.empty()) functions.emplace(name, die);
        continue;
      }
      std::string key = key_of(die);
      if (key.empty()) continue;
      has_info = true;
      // A record's first complete definition wins (the same struct in every unit).
      if (is_record(die.getTag()) && !die.hasChildren() && byte_size(die) == 0) continue;
      types.emplace(key, die);
    }
  }
}

ast::Type DebugTypes::Impl::record(DWARFDie die, int depth) const {
  ast::Type r = ast::Type::simple(ast::TypeKind::Record, static_cast<uint32_t>(byte_size(die)));
  r.name = name_of(die);
  r.is_union = die.getTag() == dw::DW_TAG_union_type;
  for (DWARFDie m : die.children()) {
    if (m.getTag() != dw::DW_TAG_member) continue;
    ast::RecordField f;
    f.name = name_of(m);
    uint64_t offset = llvm::dwarf::toUnsigned(m.find(dw::DW_AT_data_member_location), 0);
    ast::Type t = convert(type_of(m), /*shallow_records=*/false, depth + 1);
    if (auto bits = llvm::dwarf::toUnsigned(m.find(dw::DW_AT_bit_size))) {
      uint64_t bit = 0;
      if (auto dbo = llvm::dwarf::toUnsigned(m.find(dw::DW_AT_data_bit_offset))) {
        bit = *dbo; // DWARF 4+: from the start of the record
      } else {
        // DWARF 2/3: from the most significant bit of a storage unit of DW_AT_byte_size
        // (little-endian: count from the unit's low end instead).
        uint64_t unit = llvm::dwarf::toUnsigned(m.find(dw::DW_AT_byte_size), t.size);
        uint64_t msb = llvm::dwarf::toUnsigned(m.find(dw::DW_AT_bit_offset), 0);
        bit = offset * 8 + unit * 8 - msb - *bits;
      }
      offset = bit / 8;
      f.bitfield_offset = static_cast<uint32_t>(bit % 8);
      f.bitfield_size = static_cast<uint32_t>(*bits);
    }
    f.offset = static_cast<uint32_t>(offset);
    f.type = std::make_shared<ast::Type>(std::move(t));
    r.fields.push_back(std::move(f));
  }
  return r;
}

ast::Type DebugTypes::Impl::convert(DWARFDie die, bool shallow_records, int depth) const {
  if (!die || depth > 64) return ast::Type::none();
  switch (die.getTag()) {
  case dw::DW_TAG_base_type: {
    auto enc = llvm::dwarf::toUnsigned(die.find(dw::DW_AT_encoding), dw::DW_ATE_unsigned);
    bool is_signed = enc == dw::DW_ATE_signed || enc == dw::DW_ATE_signed_char;
    return ast::Type::integer(static_cast<uint32_t>(byte_size(die)), is_signed);
  }
  case dw::DW_TAG_enumeration_type: {
    DWARFDie base = type_of(die);
    bool is_signed =
        base && llvm::dwarf::toUnsigned(base.find(dw::DW_AT_encoding), 0) == dw::DW_ATE_signed;
    return ast::Type::integer(static_cast<uint32_t>(byte_size(die)), is_signed);
  }
  case dw::DW_TAG_typedef:
  case dw::DW_TAG_const_type:
  case dw::DW_TAG_volatile_type:
  case dw::DW_TAG_restrict_type:
  case dw::DW_TAG_atomic_type:
    return convert(type_of(die), shallow_records, depth + 1);
  case dw::DW_TAG_pointer_type:
  case dw::DW_TAG_reference_type:
  case dw::DW_TAG_rvalue_reference_type: {
    DWARFDie target = type_of(die);
    while (target &&
           (target.getTag() == dw::DW_TAG_typedef || target.getTag() == dw::DW_TAG_const_type ||
            target.getTag() == dw::DW_TAG_volatile_type))
      target = type_of(target);
    if (target && target.getTag() == dw::DW_TAG_subroutine_type)
      return ast::Type::uint64(); // a function pointer
    ast::Type p = ast::Type::simple(ast::TypeKind::Pointer, 8);
    p.pointee = std::make_shared<ast::Type>(convert(target, /*shallow_records=*/true, depth + 1));
    return p;
  }
  case dw::DW_TAG_structure_type:
  case dw::DW_TAG_class_type:
  case dw::DW_TAG_union_type:
    if (shallow_records && !name_of(die).empty()) {
      ast::Type r = ast::Type::simple(ast::TypeKind::Record, static_cast<uint32_t>(byte_size(die)));
      r.name = name_of(die);
      r.is_union = die.getTag() == dw::DW_TAG_union_type;
      return r;
    }
    return record(die, depth);
  case dw::DW_TAG_array_type: {
    DWARFDie elem_die = type_of(die);
    while (elem_die && (elem_die.getTag() == dw::DW_TAG_const_type ||
                        elem_die.getTag() == dw::DW_TAG_volatile_type))
      elem_die = type_of(elem_die);
    // Only arrays of plain `char` are strings (as with BTF); unsigned char[N] is bytes.
    bool chars =
        elem_die && elem_die.getTag() == dw::DW_TAG_base_type && name_of(elem_die) == "char";
    ast::Type elem = convert(elem_die, true, depth + 1);
    std::vector<uint64_t> dims;
    for (DWARFDie sub : die.children()) {
      if (sub.getTag() != dw::DW_TAG_subrange_type) continue;
      if (auto count = llvm::dwarf::toUnsigned(sub.find(dw::DW_AT_count)))
        dims.push_back(*count);
      else if (auto ub = llvm::dwarf::toUnsigned(sub.find(dw::DW_AT_upper_bound)))
        dims.push_back(*ub + 1);
      else
        dims.push_back(0); // a flexible array member
    }
    // int a[2][3] is an array of 2 arrays of 3.
    for (auto it = dims.rbegin(); it != dims.rend(); ++it) {
      uint32_t n = static_cast<uint32_t>(*it);
      if (chars && it == dims.rbegin()) {
        elem = ast::Type::string(n); // char[N]: a string, as bpftrace prints it
        continue;
      }
      ast::Type arr = ast::Type::simple(ast::TypeKind::Array, elem.size * n);
      arr.count = n;
      arr.pointee = std::make_shared<ast::Type>(std::move(elem));
      elem = std::move(arr);
    }
    return elem;
  }
  default:
    return ast::Type::none(); // void, functions
  }
}

DebugTypes::DebugTypes() : impl_(std::make_unique<Impl>()) {}
DebugTypes::~DebugTypes() = default;

llvm::Expected<std::unique_ptr<DebugTypes>> DebugTypes::open(const std::string& path) {
  auto bin = llvm::object::ObjectFile::createObjectFile(path);
  if (!bin) return bin.takeError();
  std::unique_ptr<DebugTypes> out(new DebugTypes());
  out->impl_->binary = std::move(*bin);
  const llvm::object::ObjectFile& obj = *out->impl_->binary.getBinary();
  out->impl_->build_id = build_id_hex(obj);
  // Malformed DWARF is reported per entry by LLVM; a type we cannot read is simply absent.
  out->impl_->context = llvm::DWARFContext::create(
      obj, llvm::DWARFContext::ProcessDebugRelocations::Process, nullptr, "",
      [](llvm::Error e) { llvm::consumeError(std::move(e)); },
      [](llvm::Error e) { llvm::consumeError(std::move(e)); });
  out->impl_->index();
  return out;
}

bool DebugTypes::has_debug_info() const {
  return impl_->has_info;
}

const std::string& DebugTypes::build_id() const {
  return impl_->build_id;
}

std::optional<Function> DebugTypes::function(std::string_view name) const {
  auto it = impl_->functions.find(name);
  if (it == impl_->functions.end()) return std::nullopt;
  Function f;
  for (DWARFDie p : it->second.children()) {
    if (p.getTag() != dw::DW_TAG_formal_parameter) continue;
    f.params.push_back({name_of(p), impl_->convert(type_of(p), /*shallow_records=*/true)});
  }
  return f;
}

std::vector<std::string> DebugTypes::function_names() const {
  std::vector<std::string> out;
  for (const auto& [name, die] : impl_->functions) out.push_back(name);
  return out;
}

std::optional<ast::Type> DebugTypes::type(std::string_view key) const {
  auto it = impl_->types.find(key);
  if (it == impl_->types.end()) return std::nullopt;
  return impl_->convert(it->second, /*shallow_records=*/false);
}

} // namespace btc::userbin
