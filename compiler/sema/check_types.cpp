// check_types.cpp: type names, kernel/preamble record fields, casts and offsetof.
//
// Record fields come from kernel BTF (recorded as FieldPaths: codegen reaches them through
// CO-RE), from the preamble's C definitions (fixed offsets) or from a tracepoint's format
// (args->f). Example: `curtask->real_parent->pid` types as int32 with two FieldPaths.
#include "sema/checker.h"

#include <algorithm>

namespace btc::sema {

namespace {
struct IntTypeName {
  std::string_view name;
  uint32_t size;
  bool is_signed;
};
constexpr IntTypeName kIntTypes[] = {
    {"uint8", 1, false},  {"int8", 1, true},   {"uint16", 2, false}, {"int16", 2, true},
    {"uint32", 4, false}, {"int32", 4, true},  {"uint64", 8, false}, {"int64", 8, true},
    {"u8", 1, false},     {"s8", 1, true},     {"u16", 2, false},    {"s16", 2, true},
    {"u32", 4, false},    {"s32", 4, true},    {"u64", 8, false},    {"s64", 8, true},
    {"char", 1, true},    {"short", 2, true},  {"int", 4, true},     {"long", 8, true},
    {"unsigned", 4, false},
};
} // namespace

std::optional<Type> Checker::resolve_type_name(const ast::TypeName& tn) {
  if (tn.of) { // typeof(EXPR): the expression is typed, never evaluated
    check_expr(*tn.of);
    return tn.of->type;
  }
  Type base;
  bool found = false;
  if (tn.tag == ast::TypeName::Tag::None) {
    for (const auto& it : kIntTypes) {
      if (it.name == tn.name) {
        base = Type::integer(it.size, it.is_signed);
        found = true;
      }
    }
  }
  if (!found) {
    // Preamble definitions win over kernel BTF.
    std::string key = tn.tag == ast::TypeName::Tag::Union ? "union " + tn.name : "struct " + tn.name;
    if (tn.tag == ast::TypeName::Tag::Enum) {
      if (auto it = ctypes_.enums.find("enum " + tn.name); it != ctypes_.enums.end()) {
        base = it->second;
        found = true;
      }
    } else if (auto it = ctypes_.records.find(key); it != ctypes_.records.end()) {
      base = it->second;
      found = true;
    } else if (tn.tag == ast::TypeName::Tag::None) {
      if (auto td = ctypes_.typedefs.find(tn.name); td != ctypes_.typedefs.end()) {
        base = td->second;
        found = true;
      } else if (auto u = ctypes_.records.find("union " + tn.name); u != ctypes_.records.end()) {
        base = u->second;
        found = true;
      }
    }
  }
  if (!found) {
    // The traced binaries' debug information (0.17 reads it for uprobes too).
    std::string key = tn.tag == ast::TypeName::Tag::Union    ? "union " + tn.name
                      : tn.tag == ast::TypeName::Tag::Enum   ? "enum " + tn.name
                      : tn.tag == ast::TypeName::Tag::Struct ? "struct " + tn.name
                                                             : tn.name;
    auto t = dwarf_type(key);
    if (!t && tn.tag == ast::TypeName::Tag::None) t = dwarf_type("struct " + tn.name);
    if (t) {
      base = *t;
      found = true;
    }
  }
  if (!found && options_.btf) {
    std::optional<uint32_t> id;
    if (tn.tag == ast::TypeName::Tag::None || tn.tag == ast::TypeName::Tag::Struct ||
        tn.tag == ast::TypeName::Tag::Union)
      id = options_.btf->find_record(tn.name);
    if (!id && tn.tag == ast::TypeName::Tag::None) id = options_.btf->find_type(tn.name);
    if (id) {
      base = options_.btf->to_ast_type(*id);
      found = true;
    }
  }
  if (!found) return std::nullopt;
  for (int i = 0; i < tn.pointer_depth; ++i) {
    Type p;
    p.kind = ast::TypeKind::Pointer;
    p.size = 8;
    p.pointee = std::make_shared<Type>(base);
    p.btf_id = base.btf_id;
    base = std::move(p);
  }
  return base;
}

uint32_t Checker::sizeof_type(const Type& t) const { return t.size; }

// 0.17 keeps one table of structs, where the preamble's definitions win over BTF: with
// `struct task_struct { int x; }` in the preamble, curtask->x reads that layout.
Type Checker::preamble_first(Type t) const {
  using K = ast::TypeKind;
  switch (t.kind) {
  case K::Record: {
    if (t.btf_id == 0) return t;
    auto it = ctypes_.records.find((t.is_union ? "union " : "struct ") + t.name);
    if (it == ctypes_.records.end()) return t;
    return it->second.in(t.as);
  }
  case K::Pointer:
  case K::Array:
    if (t.pointee) {
      Type inner = preamble_first(*t.pointee);
      if (inner.kind == K::Record && inner.btf_id == 0) t.btf_id = 0;
      t.pointee = std::make_shared<Type>(std::move(inner));
    }
    return t;
  default:
    return t;
  }
}

Type Checker::check_field(ast::Expr& e, ast::FieldAccess& f) {
  check_expr(*f.base);
  const Type& bt = f.base->type;
  using K = ast::TypeKind;
  if (bt.kind == K::None) {
    // A failed base was reported already; a void call (printf(...).x) was not.
    if (f.base->as<ast::Call>())
      error(e.range, f.arrow
                         ? std::string("The dereference operator can not be used on "
                                       "expressions of type 'none'")
                         : "Can not access field '" + f.field + "' on expression of type 'none'");
    return Type::none();
  }
  if (bt.kind == K::Tuple && !bt.elem_names.empty()) { // a record value: $r.name
    auto it = std::find(bt.elem_names.begin(), bt.elem_names.end(), f.field);
    if (it == bt.elem_names.end()) {
      error(e.range,
            "Record of type '" + ast::type_name(bt) + "' has no field named '" + f.field + "'");
      return Type::none();
    }
    ast::ExprPtr base = std::move(f.base);
    e.node = ast::TupleIndex{std::move(base), static_cast<uint32_t>(it - bt.elem_names.begin())};
    check_expr(e);
    return e.type;
  }
  // args->NAME, typed by the probe's provider (tracepoint format, BTF prototype, DWARF).
  if (bt.kind == K::Ctx) {
    f.arrow = true; // `args.x` (0.2x) and `args->x` (0.17) are the same field
    return probes::provider(probe_->kind).args_field(*this, e, f);
  }
  const Type* rec = nullptr;
  // bpftrace 0.2x: `.` on a pointer to a record reads through it, as `->` does.
  if (!f.arrow && bt.is_pointer() && bt.pointee && bt.pointee->kind == K::Record) f.arrow = true;
  if (f.arrow) {
    if (!bt.is_pointer() || !bt.pointee || bt.pointee->kind != K::Record) {
      error(e.range, "Can not access field '" + f.field + "' on expression of type '" +
                         ast::type_name(bt) + "'");
      return Type::none();
    }
    rec = bt.pointee.get();
  } else {
    if (bt.is_pointer()) {
      error(e.range, "Can not access field '" + f.field + "' on type '" + ast::type_name(bt) +
                         "'. Try dereferencing it first, or using '->'");
      return Type::int64();
    }
    if (bt.kind != K::Record) {
      error(e.range, "Can not access field '" + f.field + "' on expression of type '" +
                         ast::type_name(bt) + "'");
      return Type::int64();
    }
    rec = &bt;
  }
  if (rec->btf_id == 0) {
    // A preamble record: fixed layout from the C declaration parser.
    std::optional<Type> full = rec->fields.empty() ? resolve_local_record(*rec) : *rec;
    std::optional<ast::RecordField> field;
    if (full) field = cdecl::find_field(*full, f.field);
    if (!field || !field->type) {
      error(e.range, "Struct/union of type '" + ast::type_name(*rec) +
                         "' does not contain a field named '" + f.field + "'");
      return Type::none();
    }
    info_.local_field_offsets[&e] = field->offset;
    if (field->bitfield_size != 0)
      info_.local_bitfields[&e] = {field->bitfield_offset, field->bitfield_size};
    Type ft = *field->type;
    if (ft.kind == K::Record && ft.fields.empty()) {
      if (auto r = resolve_local_record(ft)) ft = *r;
    }
    return ft.in(bt.as); // a field lives (and points) where its record does
  }
  if (!options_.btf) {
    error(e.range, "Fields of struct " + rec->name + " need kernel BTF");
    return Type::int64();
  }
  auto path = options_.btf->find_field(rec->btf_id, f.field);
  if (!path) {
    error(e.range, "Struct/union of type '" + ast::type_name(*rec) +
                       "' does not contain a field named '" + f.field + "'");
    return Type::int64();
  }
  info_.field_paths[&e] = *path;
  Type ft = preamble_first(path->type).in(bt.as);
  ft.context = bt.context && ft.kind == K::Record; // a record inside the context
  return ft;
}

// offsetof(struct T, a.b): a CO-RE byte-offset relocation for kernel types (the target's
// layout), a constant for preamble types.
Type Checker::check_offsetof(ast::Expr& e, ast::Offsetof& o) {
  auto t = resolve_type_name(o.type);
  if (!t || t->kind != ast::TypeKind::Record) {
    error(o.type.range, "offsetof() expects a struct or union type");
    return Type::uint64();
  }
  if (t->btf_id == 0) {
    Type rec = *t;
    uint64_t off = 0;
    for (const auto& name : o.fields) {
      if (rec.fields.empty())
        if (auto r = resolve_local_record(rec)) rec = *r;
      auto f = cdecl::find_field(rec, name);
      if (!f || !f->type) {
        error(e.range, "'" + name + "' is not a field of " + ast::type_name(rec));
        return Type::uint64();
      }
      off += f->offset;
      rec = *f->type;
    }
    if (reporting_) e.node = ast::IntLit{off};
    return Type::uint64();
  }
  uint32_t root = t->btf_id;
  uint32_t rec_id = root;
  btf::FieldPath path;
  for (size_t i = 0; i < o.fields.size(); ++i) {
    auto p = options_.btf->find_field(rec_id, o.fields[i]);
    if (!p) {
      error(e.range, "'" + o.fields[i] + "' is not a field of struct " +
                         options_.btf->name_of(rec_id));
      return Type::uint64();
    }
    path.member_indices.insert(path.member_indices.end(), p->member_indices.begin(),
                               p->member_indices.end());
    path.offset += p->offset;
    path.type = p->type;
    path.type_id = p->type_id;
    if (i + 1 < o.fields.size()) {
      if (p->type.kind != ast::TypeKind::Record) {
        error(e.range, "'" + o.fields[i] + "' is not a struct or union");
        return Type::uint64();
      }
      rec_id = p->type.btf_id;
    }
  }
  info_.offsetof_paths[&e] = {root, path};
  return Type::uint64();
}

// 0.26's array casts: an integer to an array of integers of the same total size
// ((uint8[8])12345, (uint8[])x: the size from x) and back ((uint64)$a).
Type Checker::check_array_cast(ast::Expr& e, ast::Cast& c) {
  ast::TypeName elem_name = c.type;
  elem_name.array_size.reset();
  auto elem = resolve_type_name(elem_name);
  const Type& ot = c.operand->type;
  if (!elem || !elem->is_integer() || elem->size == 0) {
    error(c.type.range, "Array casts need an array of integers (" + c.type.name + " given)");
    return Type::none();
  }
  if (ot.kind == ast::TypeKind::None) {
    if (c.operand->as<ast::Call>())
      error({e.range.begin, c.operand->range.begin}, "Cannot cast from \"none\" type");
    return Type::none();
  }
  uint32_t count = *c.type.array_size;
  if (count == 0 && ot.is_integer() && ot.size % elem->size == 0) count = ot.size / elem->size;
  std::string to = ast::type_name(*elem) + "[" + std::to_string(count) + "]";
  if (!ot.is_integer() || ot.is_bool) {
    error(e.range, "Cannot cast from \"" + ast::type_name(ot) + "\" to \"" + to +
                       "\": only integers cast to arrays");
    return Type::none();
  }
  if (count * elem->size != ot.size) {
    error(e.range, "Cannot cast from \"" + ast::type_name(ot) + "\" to \"" + to +
                       "\": the sizes differ (" + std::to_string(ot.size) + " and " +
                       std::to_string(count * elem->size) + " bytes)");
    return Type::none();
  }
  Type arr = Type::simple(ast::TypeKind::Array, count * elem->size);
  arr.count = count;
  arr.pointee = std::make_shared<Type>(*elem);
  return arr;
}

Type Checker::check_cast(ast::Expr& e, ast::Cast& c) {
  check_expr(*c.operand);
  if (c.type.array_size && c.type.pointer_depth == 0 && !c.type.of) return check_array_cast(e, c);
  auto t = resolve_type_name(c.type);
  if (!t) {
    std::string tag = c.type.tag == ast::TypeName::Tag::Union    ? "union "
                      : c.type.tag == ast::TypeName::Tag::Struct ? "struct "
                                                                 : "";
    error(c.type.range, "Unknown struct/union: '" + tag + c.type.name + "'");
    return Type::none();
  }
  const Type& ot = c.operand->type;
  if (ot.kind == ast::TypeKind::None) {
    // A failed operand was reported already; a void one (exit()) was not.
    if (c.operand->as<ast::Call>())
      error({e.range.begin, c.operand->range.begin}, "Cannot cast from \"none\" type");
    return *t;
  }
  bool int_array = ot.kind == ast::TypeKind::Array && ot.pointee && ot.pointee->is_integer();
  if (int_array && t->is_integer()) { // an array of integers back to an integer: same size
    if (t->size != ot.size)
      error(e.range, "Cannot cast from \"" + ast::type_name(ot) + "\" to \"" + ast::type_name(*t) +
                         "\": the sizes differ (" + std::to_string(ot.size) + " and " +
                         std::to_string(t->size) + " bytes)");
    return *t;
  }
  if (!ot.is_integer() && !ot.is_pointer()) {
    error(e.range, "Casts are not supported for type: \"" + ast::type_name(ot) + "\"");
    return *t;
  }
  if (!t->is_integer() && !t->is_pointer()) {
    error(e.range, "Cannot cast to \"" + ast::type_name(*t) + "\"");
    return Type::int64();
  }
  // A cast keeps the operand's address space; a pointer made from an integer that points
  // nowhere known points into the probe's memory (a uprobe's process, a kprobe's kernel).
  t->as = ot.as;
  if (t->is_pointer() && t->as == ast::AddrSpace::None) t->as = probe_memory();
  t->context = ot.context && t->is_pointer(); // (struct pt_regs *)ctx is still the context
  return *t;
}

} // namespace btc::sema
