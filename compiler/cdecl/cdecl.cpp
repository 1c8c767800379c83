// cdecl.cpp: parse_c_definitions (tokenize, collect tags, parse in order, finish), member
// lookup through anonymous members, and the layout dump used by the goldens.
//
// Example dump of `struct S { char c; int x : 3; };`:
//   struct S size 4 align 4
//     c @0 size 1 int8
//     x @1 bits 8+3 int32      (byte holding the first bit; bit position from the record
//                               start + width)
#include "cdecl/cdecl.h"

#include "cdecl/cparser.h"

namespace btc::cdecl {

CTypes parse_c_definitions(const std::vector<ast::CDefinition>& defs,
                           const std::vector<ast::Define>& defines,
                           const source::SourceFile& file, const ExternalTypes& external,
                           diag::Diagnostics& diags) {
  Parser parser(defines, external, diags);
  std::vector<std::vector<Token>> all;
  for (const auto& def : defs) {
    std::vector<Token> toks;
    if (!tokenize(def.text, SourceMap(def, file), toks, diags)) continue;
    all.push_back(expand_defines(toks, defines, def.range.begin));
    parser.collect_tags(all.back());
  }
  for (auto& toks : all) parser.parse_definition(std::move(toks));
  return parser.finish();
}

namespace {

// Fills in the size of shallow pointees that name preamble records (they may have been
// incomplete when the pointer was declared) and rebuilds the shared children.
ast::Type fix_pointees(const ast::Type& t, const std::map<std::string, ast::Type>& records) {
  ast::Type out = t;
  if (t.kind == ast::TypeKind::Record) {
    for (auto& f : out.fields)
      if (f.type) f.type = std::make_shared<const ast::Type>(fix_pointees(*f.type, records));
    return out;
  }
  if ((t.kind != ast::TypeKind::Pointer && t.kind != ast::TypeKind::Array) || !t.pointee)
    return out;
  const ast::Type& p = *t.pointee;
  if (t.kind == ast::TypeKind::Pointer && p.kind == ast::TypeKind::Record && !p.name.empty() &&
      p.btf_id == 0) {
    auto it = records.find(std::string(p.is_union ? "union " : "struct ") + p.name);
    if (it != records.end()) {
      ast::Type shallow = it->second;
      shallow.fields.clear();
      out.pointee = std::make_shared<const ast::Type>(std::move(shallow));
    }
    return out;
  }
  out.pointee = std::make_shared<const ast::Type>(fix_pointees(p, records));
  return out;
}

} // namespace

CTypes Parser::finish() {
  CTypes out;
  for (const auto& key : record_order_) {
    out.records[key] = records_[key].info.type;
    out.record_aligns[key] = records_[key].info.align;
  }
  for (auto& [key, rec] : out.records) rec = fix_pointees(rec, out.records);
  for (auto& [name, info] : typedefs_) {
    if (info.poisoned || info.is_function) continue;
    TypeInfo t = info;
    if (!t.complete && !t.is_void) complete_type(t);
    out.typedefs[name] = fix_pointees(t.type, out.records);
  }
  for (const auto& [key, info] : enums_) out.enums[key] = info.type;
  out.enum_values = enum_values_;
  return out;
}

std::optional<ast::RecordField> find_field(const ast::Type& record, std::string_view name) {
  if (record.kind != ast::TypeKind::Record || name.empty()) return std::nullopt;
  for (const auto& f : record.fields) {
    if (f.name == name) return f;
    if (f.name.empty() && f.type && f.type->kind == ast::TypeKind::Record) {
      if (auto inner = find_field(*f.type, name)) {
        inner->offset += f.offset;
        return inner;
      }
    }
  }
  return std::nullopt;
}

std::optional<std::pair<uint32_t, ast::Type>> find_member(const ast::Type& record,
                                                          std::string_view name) {
  auto f = find_field(record, name);
  if (!f || !f->type) return std::nullopt;
  return std::make_pair(f->offset, *f->type);
}

std::optional<ast::Type> resolve_record(const CTypes& types, const ast::Type& rec) {
  if (rec.kind != ast::TypeKind::Record || rec.btf_id != 0 || rec.name.empty())
    return std::nullopt;
  auto it = types.records.find(std::string(rec.is_union ? "union " : "struct ") + rec.name);
  if (it == types.records.end()) return std::nullopt;
  return it->second;
}

namespace {

std::string dump_type(const ast::Type& t) {
  switch (t.kind) {
  case ast::TypeKind::Pointer: {
    if (!t.pointee || t.pointee->kind == ast::TypeKind::None) return "void *";
    std::string inner = dump_type(*t.pointee);
    if (t.pointee->kind == ast::TypeKind::Array) inner = "(" + inner + ")";
    return inner + " *" + (t.btf_id ? " (btf " + std::to_string(t.btf_id) + ")" : "");
  }
  case ast::TypeKind::Array: { // C order: int16[2][3] is 2 arrays of 3
    std::string dims;
    const ast::Type* e = &t;
    while (e->kind == ast::TypeKind::Array && e->pointee) {
      dims += "[" + std::to_string(e->count) + "]";
      e = e->pointee.get();
    }
    std::string base = dump_type(*e);
    if (e->kind == ast::TypeKind::String) base = "(" + base + ")";
    return base + dims;
  }
  case ast::TypeKind::Record:
    return std::string(t.is_union ? "union " : "struct ") +
           (t.name.empty() ? "<anonymous>" : t.name) +
           (t.fields.empty() && t.size == 0 ? " (incomplete)" : "");
  default:
    return ast::type_name(t);
  }
}

void dump_fields(const ast::Type& rec, uint64_t base, int indent, std::string& out) {
  for (const auto& f : rec.fields) {
    out += std::string(indent, ' ') + (f.name.empty() ? "<anonymous>" : f.name) + " @" +
           std::to_string(base + f.offset);
    if (f.bitfield_size) {
      out += " bits " + std::to_string((base + f.offset) * 8 + f.bitfield_offset) + "+" +
             std::to_string(f.bitfield_size);
    } else {
      out += " size " + std::to_string(f.type ? f.type->size : 0);
    }
    out += " " + (f.type ? dump_type(*f.type) : "?") + "\n";
    // Embedded records are expanded with absolute offsets.
    if (f.type && f.type->kind == ast::TypeKind::Record && !f.bitfield_size)
      dump_fields(*f.type, base + f.offset, indent + 2, out);
  }
}

} // namespace

std::string dump_layout(const CTypes& types) {
  std::string out;
  for (const auto& [key, rec] : types.records) {
    auto a = types.record_aligns.find(key);
    out += key + " size " + std::to_string(rec.size) + " align " +
           std::to_string(a == types.record_aligns.end() ? 0 : a->second) + "\n";
    dump_fields(rec, 0, 2, out);
  }
  for (const auto& [name, t] : types.typedefs) {
    out += "typedef " + name + " = " + dump_type(t) + " size " + std::to_string(t.size) + "\n";
    if (t.kind == ast::TypeKind::Record && t.name.empty()) dump_fields(t, 0, 2, out);
  }
  for (const auto& [key, t] : types.enums) out += key + " = " + dump_type(t) + "\n";
  for (const auto& [name, v] : types.enum_values)
    out += "enumerator " + name + " = " + std::to_string(v) + "\n";
  return out;
}

} // namespace btc::cdecl
