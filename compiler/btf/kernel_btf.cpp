// kernel_btf.cpp: KernelBtf, type lookups and BTF -> ast::Type conversion.
//
// Input: a libbpf `struct btf`. Output: ast::Type values following bpftrace's conventions:
// `char[N]` fields become string[N], enums become integers of their size, function pointers
// become uint64, records behind pointers stay unexpanded (fields come from expand_record()).
#include "btf/kernel_btf.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>

namespace btc::btf {

namespace {

ast::TypePtr share(ast::Type t) { return std::make_shared<const ast::Type>(std::move(t)); }

} // namespace

KernelBtf::KernelBtf(struct btf* b, std::string path) : btf_(b), path_(std::move(path)) {}

KernelBtf::KernelBtf(KernelBtf&& other) noexcept
    : btf_(other.btf_), base_(other.base_), module_(std::move(other.module_)),
      path_(std::move(other.path_)), enumerators_(std::move(other.enumerators_)),
      prefix_cache_(std::move(other.prefix_cache_)) {
  other.btf_ = nullptr;
  other.base_ = nullptr;
}

KernelBtf& KernelBtf::operator=(KernelBtf&& other) noexcept {
  if (this != &other) {
    btf__free(btf_);
    btf__free(base_);
    btf_ = other.btf_;
    base_ = other.base_;
    module_ = std::move(other.module_);
    other.btf_ = nullptr;
    other.base_ = nullptr;
    path_ = std::move(other.path_);
    enumerators_ = std::move(other.enumerators_);
    prefix_cache_ = std::move(other.prefix_cache_);
  }
  return *this;
}

KernelBtf::~KernelBtf() {
  btf__free(btf_); // the split BTF first: it refers to its base
  btf__free(base_);
}

llvm::Expected<KernelBtf> KernelBtf::load_with_module(const std::string& path,
                                                      const std::string& module,
                                                      const std::string& module_path) {
  auto base = load(path);
  if (!base) return base.takeError();
  struct btf* split = btf__parse_split(module_path.c_str(), base->btf_);
  int err = libbpf_get_error(split);
  if (err || !split) {
    int e = err ? -err : errno;
    return llvm::createStringError(std::error_code(e, std::generic_category()),
                                   "cannot read the BTF of module %s from %s: %s", module.c_str(),
                                   module_path.c_str(), std::strerror(e));
  }
  KernelBtf out(split, path);
  out.base_ = base->btf_;
  base->btf_ = nullptr;
  out.module_ = module;
  return out;
}

llvm::Expected<KernelBtf> KernelBtf::load(const std::string& path) {
  // btf__parse() sniffs the format: raw BTF (the sysfs file, btf__raw_data dumps) or ELF.
  struct btf* b = btf__parse(path.c_str(), nullptr);
  int err = libbpf_get_error(b);
  if (err || !b) {
    int e = err ? -err : errno;
    return llvm::createStringError(std::error_code(e, std::generic_category()),
                                   "cannot read BTF from %s: %s", path.c_str(),
                                   std::strerror(e));
  }
  return KernelBtf(b, path);
}

const struct btf_type* KernelBtf::type_by_id(uint32_t id) const {
  return btf__type_by_id(btf_, id);
}

uint32_t KernelBtf::resolve(uint32_t id) const {
  // Bounded: a malformed BTF cannot loop us forever.
  for (int depth = 0; depth < 64 && id != 0; ++depth) {
    const struct btf_type* t = type_by_id(id);
    if (!t)
      return 0;
    switch (btf_kind(t)) {
    case BTF_KIND_TYPEDEF:
    case BTF_KIND_CONST:
    case BTF_KIND_VOLATILE:
    case BTF_KIND_RESTRICT:
    case BTF_KIND_TYPE_TAG:
      id = t->type;
      break;
    default:
      return id;
    }
  }
  return id;
}

std::string KernelBtf::name_of(uint32_t id) const {
  const struct btf_type* t = type_by_id(id);
  if (!t)
    return {};
  const char* n = btf__name_by_offset(btf_, t->name_off);
  return n ? n : "";
}

bool KernelBtf::is_record(uint32_t id) const {
  const struct btf_type* t = type_by_id(resolve(id));
  return t && btf_is_composite(t);
}

std::optional<uint32_t> KernelBtf::find_record(std::string_view name) const {
  std::string n(name);
  for (int kind : {int(BTF_KIND_STRUCT), int(BTF_KIND_UNION)}) {
    int id = btf__find_by_name_kind(btf_, n.c_str(), kind);
    if (id > 0)
      return static_cast<uint32_t>(id);
  }
  int id = btf__find_by_name_kind(btf_, n.c_str(), BTF_KIND_TYPEDEF);
  if (id > 0 && is_record(id))
    return resolve(id);
  return std::nullopt;
}

std::optional<uint32_t> KernelBtf::find_type(std::string_view name) const {
  std::string n(name);
  for (int kind : {int(BTF_KIND_STRUCT), int(BTF_KIND_UNION), int(BTF_KIND_TYPEDEF),
                   int(BTF_KIND_ENUM),
                   int(BTF_KIND_ENUM64), int(BTF_KIND_INT), int(BTF_KIND_FLOAT)}) {
    int id = btf__find_by_name_kind(btf_, n.c_str(), kind);
    if (id > 0)
      return static_cast<uint32_t>(id);
  }
  return std::nullopt;
}

std::optional<uint32_t> KernelBtf::percpu_var_type(std::string_view name) const {
  int var = btf__find_by_name_kind(btf_, std::string(name).c_str(), BTF_KIND_VAR);
  int sec = btf__find_by_name_kind(btf_, ".data..percpu", BTF_KIND_DATASEC);
  if (var <= 0 || sec <= 0) return std::nullopt;
  const struct btf_type* s = btf__type_by_id(btf_, static_cast<uint32_t>(sec));
  const struct btf_var_secinfo* v = btf_var_secinfos(s);
  for (uint16_t i = 0; i < btf_vlen(s); ++i, ++v)
    if (v->type == static_cast<uint32_t>(var))
      return btf__type_by_id(btf_, static_cast<uint32_t>(var))->type;
  return std::nullopt;
}

std::optional<uint32_t> KernelBtf::func_arg_count(std::string_view name) const {
  int id = btf__find_by_name_kind(btf_, std::string(name).c_str(), BTF_KIND_FUNC);
  if (id <= 0) return std::nullopt;
  const struct btf_type* fn = btf__type_by_id(btf_, static_cast<uint32_t>(id));
  const struct btf_type* proto = fn ? btf__type_by_id(btf_, fn->type) : nullptr;
  if (!proto || !btf_is_func_proto(proto)) return std::nullopt;
  return btf_vlen(proto);
}

std::optional<uint32_t> KernelBtf::enum_type_of(std::string_view enumerator) const {
  if (!enum_value(enumerator)) return std::nullopt;
  auto it = enumerator_types_.find(std::string(enumerator));
  if (it == enumerator_types_.end()) return std::nullopt;
  return it->second;
}

std::optional<int64_t> KernelBtf::enum_value(std::string_view enumerator) const {
  if (!enumerators_) {
    // One pass over all types; vmlinux has ~100k types, so index once instead of per query.
    enumerators_ = std::make_unique<std::unordered_map<std::string, int64_t>>();
    uint32_t n = btf__type_cnt(btf_);
    for (uint32_t id = 1; id < n; ++id) {
      const struct btf_type* t = type_by_id(id);
      if (btf_is_enum(t)) {
        const struct btf_enum* e = btf_enum(t);
        for (uint16_t i = 0; i < btf_vlen(t); ++i) {
          int64_t v = btf_kflag(t) ? static_cast<int64_t>(static_cast<int32_t>(e[i].val))
                                   : static_cast<int64_t>(static_cast<uint32_t>(e[i].val));
          enumerators_->emplace(btf__name_by_offset(btf_, e[i].name_off), v);
          enumerator_types_.emplace(btf__name_by_offset(btf_, e[i].name_off), id);
        }
      } else if (btf_is_enum64(t)) {
        const struct btf_enum64* e = btf_enum64(t);
        for (uint16_t i = 0; i < btf_vlen(t); ++i)
        {
          enumerators_->emplace(btf__name_by_offset(btf_, e[i].name_off),
                                static_cast<int64_t>(btf_enum64_value(&e[i])));
          enumerator_types_.emplace(btf__name_by_offset(btf_, e[i].name_off), id);
        }
      }
    }
  }
  auto it = enumerators_->find(std::string(enumerator));
  if (it == enumerators_->end())
    return std::nullopt;
  return it->second;
}

const std::vector<uint32_t>& KernelBtf::structs_with_prefix(std::string_view prefix) const {
  std::string key(prefix);
  auto it = prefix_cache_.find(key);
  if (it != prefix_cache_.end())
    return it->second;
  std::vector<uint32_t> ids;
  uint32_t n = btf__type_cnt(btf_);
  for (uint32_t id = 1; id < n; ++id) {
    const struct btf_type* t = type_by_id(id);
    if (!btf_is_struct(t))
      continue;
    const char* name = btf__name_by_offset(btf_, t->name_off);
    if (name && std::string_view(name).starts_with(prefix))
      ids.push_back(id);
  }
  return prefix_cache_.emplace(key, std::move(ids)).first->second;
}

ast::Type KernelBtf::shallow_record(uint32_t id) const {
  const struct btf_type* t = type_by_id(id);
  ast::Type r;
  r.kind = ast::TypeKind::Record;
  r.name = name_of(id);
  r.btf_id = id;
  if (btf_is_fwd(t)) {
    r.is_union = btf_kflag(t);
    return r;
  }
  r.size = t->size;
  r.is_union = btf_is_union(t);
  return r;
}

ast::Type KernelBtf::to_ast_type(uint32_t id) const { return convert(id, false); }

ast::Type KernelBtf::expand_record(uint32_t id) const { return convert(id, false); }

ast::Type KernelBtf::convert(uint32_t id, bool shallow) const {
  id = resolve(id);
  if (id == 0)
    return ast::Type::none();
  const struct btf_type* t = type_by_id(id);
  if (!t)
    return ast::Type::none();
  switch (btf_kind(t)) {
  case BTF_KIND_INT: {
    uint8_t enc = btf_int_encoding(t);
    bool is_signed = (enc & BTF_INT_SIGNED) != 0 || name_of(id) == "char";
    return ast::Type::integer(t->size, is_signed);
  }
  case BTF_KIND_ENUM:
  case BTF_KIND_ENUM64:
    return ast::Type::integer(t->size, btf_kflag(t));
  case BTF_KIND_FLOAT:
    // The language has no floating point; keep the bits as an unsigned integer.
    return ast::Type::integer(t->size, false);
  case BTF_KIND_PTR: {
    uint32_t pointee = resolve(t->type);
    const struct btf_type* pt = type_by_id(pointee);
    if (pt && btf_is_func_proto(pt))
      return ast::Type::uint64(); // function pointer
    ast::Type p = ast::Type::simple(ast::TypeKind::Pointer, 8);
    if (pt && (btf_is_composite(pt) || btf_is_fwd(pt))) {
      p.pointee = share(shallow_record(pointee));
      p.btf_id = pointee;
    } else {
      p.pointee = share(convert(pointee, true));
    }
    return p;
  }
  case BTF_KIND_ARRAY: {
    const struct btf_array* a = btf_array(t);
    uint32_t elem = resolve(a->type);
    ast::Type e = convert(elem, shallow);
    if (e.is_integer() && e.size == 1 && name_of(elem) == "char")
      return ast::Type::string(a->nelems); // bpftrace prints char[N] fields as strings
    ast::Type arr = ast::Type::simple(ast::TypeKind::Array, e.size * a->nelems);
    arr.count = a->nelems;
    arr.pointee = share(std::move(e));
    return arr;
  }
  case BTF_KIND_STRUCT:
  case BTF_KIND_UNION: {
    ast::Type r = shallow_record(id);
    if (shallow)
      return r;
    const struct btf_member* m = btf_members(t);
    for (uint16_t i = 0; i < btf_vlen(t); ++i) {
      ast::RecordField f;
      f.name = btf__name_by_offset(btf_, m[i].name_off);
      uint32_t bits = btf_member_bit_offset(t, i);
      f.offset = bits / 8;
      f.bitfield_size = btf_member_bitfield_size(t, i);
      if (f.bitfield_size)
        f.bitfield_offset = bits % 8;
      f.type = share(convert(m[i].type, false));
      r.fields.push_back(std::move(f));
    }
    return r;
  }
  case BTF_KIND_FWD:
    return shallow_record(id);
  case BTF_KIND_FUNC_PROTO:
    return ast::Type::uint64();
  default:
    return ast::Type::none();
  }
}

bool KernelBtf::find_field_in(uint32_t rec, std::string_view name, uint32_t base_bits,
                              FieldPath& out) const {
  const struct btf_type* t = type_by_id(rec);
  if (!t || !btf_is_composite(t))
    return false;
  const struct btf_member* m = btf_members(t);
  for (uint16_t i = 0; i < btf_vlen(t); ++i) {
    const char* mname = btf__name_by_offset(btf_, m[i].name_off);
    uint32_t bits = base_bits + btf_member_bit_offset(t, i);
    if (mname && mname[0] != '\0') {
      if (name != mname)
        continue;
      out.member_indices.push_back(i);
      out.offset = bits / 8;
      out.type_id = m[i].type;
      out.type = convert(m[i].type, false);
      out.bitfield_size = btf_member_bitfield_size(t, i);
      out.bitfield_offset = out.bitfield_size ? bits % 8 : 0;
      return true;
    }
    // Anonymous member: C lets its fields be named directly (only struct/union count).
    uint32_t inner = resolve(m[i].type);
    if (!is_record(inner))
      continue;
    out.member_indices.push_back(i);
    if (find_field_in(inner, name, bits, out))
      return true;
    out.member_indices.pop_back();
  }
  return false;
}

std::optional<FieldPath> KernelBtf::find_field(uint32_t record_id, std::string_view name) const {
  FieldPath p;
  if (name.empty() || !find_field_in(resolve(record_id), name, 0, p))
    return std::nullopt;
  return p;
}

} // namespace btc::btf
