// crecord.cpp: struct/union bodies, their x86-64 SysV layout, and enum definitions.
//
// Layout rules (gcc/clang on x86-64): members are placed at their alignment (1 when packed,
// raised by aligned(N)); a bitfield goes at the next free bit unless it would straddle a
// storage unit of its declared type, in which case it starts at the next unit; `:0` skips to
// the declared type's alignment; unnamed bitfields do not raise the record's alignment; the
// size is rounded up to the record's alignment.
// Example: `struct { char a; int b : 4; int c : 30; }` -> a @0, b @1 bits 0:4 (bit 8),
// c @4 bits 0:30 (bits 12..41 would straddle the int at 0), size 8, align 4.
#include "cdecl/cparser.h"

#include <algorithm>
#include <set>

namespace btc::cdecl {

namespace {

uint64_t align_up(uint64_t v, uint64_t a) { return a ? (v + a - 1) / a * a : v; }

std::string record_key(bool is_union, const std::string& tag) {
  return std::string(is_union ? "union " : "struct ") + tag;
}

// Names a record makes visible (its own and those of its anonymous members).
void visible_names(const ast::Type& rec, std::vector<std::string>& out) {
  for (const auto& f : rec.fields) {
    if (!f.name.empty()) out.push_back(f.name);
    else if (f.type && f.type->kind == ast::TypeKind::Record) visible_names(*f.type, out);
  }
}

} // namespace

TypeInfo Parser::record_ref(const std::string& tag, bool is_union, source::SourceRange r) {
  std::string key = record_key(is_union, tag);
  TypeInfo t;
  t.type.kind = ast::TypeKind::Record;
  t.type.name = tag;
  t.type.is_union = is_union;
  t.complete = false;
  t.spelling = key;
  auto other = records_.find(record_key(!is_union, tag));
  if (other != records_.end() && (other->second.defined || other->second.poisoned)) {
    error(r, "use of '" + tag + "' with tag type that does not match previous declaration");
    t.poisoned = true;
    return t;
  }
  auto it = records_.find(key);
  if (it != records_.end() && it->second.defined) return it->second.info;
  if (it != records_.end() && it->second.poisoned) t.poisoned = true;
  return t;
}

// The optional tag after `struct`/`union`/`enum`; `tag_range` stays the keyword's without one.
void Parser::parse_optional_tag(std::string& tag, source::SourceRange& tag_range) {
  if (cur().kind != TokKind::Ident) return;
  tag = cur().text;
  tag_range = cur().range;
  ++pos_;
}

bool Parser::parse_record(Specs& s, bool is_union, source::SourceRange kw) {
  Leave leave{depth_};
  if (!enter()) return false;
  Attrs attrs;
  if (!parse_attributes(attrs)) return false;
  std::string tag;
  source::SourceRange tag_range = kw;
  parse_optional_tag(tag, tag_range);
  s.declared_tag = true;
  if (!is_punct("{")) {
    if (tag.empty())
      return syntax_error(std::string("expected a tag or '{' after '") +
                          (is_union ? "union" : "struct") + "'");
    s.type = record_ref(tag, is_union, tag_range);
    return true;
  }
  std::string key = record_key(is_union, tag);
  bool redefinition = false;
  if (!tag.empty()) {
    auto other = records_.find(record_key(!is_union, tag));
    auto it = records_.find(key);
    if (other != records_.end() && (other->second.defined || other->second.poisoned)) {
      error(tag_range, "use of '" + tag + "' with tag type that does not match previous declaration");
      redefinition = true;
    } else if (it != records_.end() && (it->second.defined || it->second.poisoned)) {
      error(tag_range, "redefinition of '" + key + "'");
      redefinition = true;
    }
  }
  ++pos_; // '{'
  std::vector<Member> members;
  while (!accept("}")) {
    if (cur().kind == TokKind::End)
      return syntax_error(std::string("expected '}' to end the ") + (is_union ? "union" : "struct"));
    if (accept(";")) continue;
    if (!parse_member_declaration(members, is_union)) return false;
  }
  if (!parse_attributes(attrs)) return false;
  TypeInfo rec;
  rec.type.kind = ast::TypeKind::Record;
  rec.type.name = tag;
  rec.type.is_union = is_union;
  rec.spelling = tag.empty() ? std::string(is_union ? "union" : "struct") + " <anonymous>" : key;
  if (!layout_record(members, is_union, attrs, rec)) rec.poisoned = true;
  if (!tag.empty() && !redefinition) {
    RecordEntry& e = records_[key];
    if (rec.poisoned) {
      e.poisoned = true;
    } else {
      e.info = rec;
      e.defined = true;
      record_order_.push_back(key);
    }
  }
  if (redefinition) rec.poisoned = true;
  s.type = rec;
  s.anonymous_record = tag.empty();
  return true;
}

bool Parser::parse_member_declaration(std::vector<Member>& members, bool is_union) {
  Specs ms;
  if (!parse_specifiers(ms, true)) return false;
  if (accept(";")) {
    if (ms.anonymous_record) {
      Member m;
      m.range = ms.range;
      m.type = ms.type;
      m.attrs = ms.attrs;
      members.push_back(std::move(m));
    } else if (!ms.declared_tag) {
      diags_.warning(ms.range, "declaration does not declare anything");
    }
    return true;
  }
  while (true) {
    Declarator d;
    Member m;
    m.attrs = ms.attrs;
    source::SourceRange start = cur().range;
    if (!is_punct(":") && !parse_declarator(d, false)) return false;
    if (!parse_attributes(m.attrs)) return false;
    m.name = d.name;
    m.range = d.name.empty() ? start : d.name_range;
    std::string shown = d.name.empty() ? "<unnamed>" : d.name;
    TypeInfo t;
    if (!apply_ops(ms.type, d, t)) {
      t = TypeInfo{};
      t.type = ast::Type::integer(4, true);
      t.poisoned = true;
    }
    if (accept(":")) {
      source::SourceRange wr = cur().range;
      Value w;
      if (!parse_const_expr(w)) return false;
      wr = source::SourceRange::join(wr, toks_[pos_ - 1].range);
      m.bitfield = true;
      uint32_t tbits = t.type.size * 8;
      if (t.spelling == "bool" || t.spelling == "_Bool") tbits = 1;
      if (t.poisoned) {
      } else if (t.type.kind != ast::TypeKind::Integer || t.is_function) {
        error(m.range, "bit-field '" + shown + "' has non-integer type '" + t.spelling + "'");
        t.poisoned = true;
      } else if (w.v < 0 && !w.is_unsigned) {
        error(wr, "bit-field '" + shown + "' has negative width (" + std::to_string(w.v) + ")");
        t.poisoned = true;
      } else if (static_cast<uint64_t>(w.v) > tbits) {
        error(wr, "width of bit-field '" + shown + "' (" + std::to_string(w.v) +
                      " bits) exceeds the width of its type (" + std::to_string(tbits) + " bit" +
                      (tbits == 1 ? "" : "s") + ")");
        t.poisoned = true;
      } else if (w.v == 0 && !d.name.empty()) {
        error(m.range, "named bit-field '" + shown + "' has zero width");
        t.poisoned = true;
      } else {
        m.width = static_cast<uint32_t>(w.v);
      }
    } else {
      m.flexible = !d.ops.empty() && d.ops.back().kind == OpKind::Array && d.ops.back().count < 0;
      if (t.poisoned) {
      } else if (t.is_function) {
        error(m.range, "field '" + shown + "' declared as a function");
        t.poisoned = true;
      } else if (!t.complete) {
        error(m.range, "field '" + shown + "' has incomplete type '" + t.spelling + "'");
        t.poisoned = true;
      } else if (m.flexible && is_union) {
        error(m.range, "flexible array member '" + shown + "' in a union");
        t.poisoned = true;
      }
    }
    if (!parse_attributes(m.attrs)) return false;
    m.type = std::move(t);
    members.push_back(std::move(m));
    if (accept(",")) continue;
    // The last member may go without its ';' (clang only warns, and 0.17 accepts it).
    if (is_punct("}")) return true;
    return expect(";", "after the member declaration");
  }
}

bool Parser::layout_record(std::vector<Member>& members, bool is_union, const Attrs& attrs,
                           TypeInfo& rec) {
  bool ok = true;
  // Duplicate names, also through anonymous members.
  std::set<std::string> seen;
  for (const Member& m : members) {
    std::vector<std::string> names;
    if (!m.name.empty()) names.push_back(m.name);
    else if (!m.bitfield && m.type.type.kind == ast::TypeKind::Record) visible_names(m.type.type, names);
    for (const auto& n : names) {
      if (!seen.insert(n).second) {
        error(m.range, "duplicate member '" + n + "'");
        ok = false;
      }
    }
  }
  bool any_named = false;
  uint64_t bit = 0, size_bits = 0;
  uint32_t align = 1;
  for (size_t i = 0; i < members.size(); ++i) {
    Member& m = members[i];
    if (m.type.poisoned) ok = false;
    uint32_t tsize = m.type.type.size;
    uint32_t talign = std::max<uint32_t>(m.type.align, 1);
    bool packed = attrs.packed || m.attrs.packed;
    if (m.flexible && i + 1 != members.size()) {
      error(m.range, "flexible array member '" + m.name + "' not at end of struct");
      ok = false;
    } else if (m.flexible && !any_named) {
      error(m.range, "flexible array member '" + m.name + "' in a struct with no named members");
      ok = false;
    }
    ast::RecordField f;
    f.name = m.name;
    f.type = std::make_shared<const ast::Type>(m.type.type);
    if (m.bitfield) {
      uint64_t w = m.width;
      if (w == 0) { // `:0`: the next bitfield starts at a new unit of the declared type
        if (!is_union) bit = align_up(bit, uint64_t(talign) * 8);
        continue;
      }
      uint64_t off = 0;
      if (is_union) {
        size_bits = std::max(size_bits, w);
      } else {
        uint64_t unit = uint64_t(tsize) * 8;
        if (!packed && unit && bit / unit != (bit + w - 1) / unit) bit = align_up(bit, unit);
        off = bit;
        bit += w;
      }
      if (m.name.empty()) continue; // padding: no field, no alignment
      align = std::max(align, packed ? 1u : talign);
      f.offset = static_cast<uint32_t>(off / 8);
      f.bitfield_offset = static_cast<uint32_t>(off % 8);
      f.bitfield_size = static_cast<uint32_t>(w);
    } else {
      uint32_t ma = packed ? 1 : talign;
      if (m.attrs.aligned) ma = std::max(ma, m.attrs.aligned);
      uint64_t off = 0;
      if (is_union) {
        size_bits = std::max(size_bits, uint64_t(tsize) * 8);
      } else {
        bit = align_up(bit, uint64_t(ma) * 8);
        off = bit;
        bit += uint64_t(tsize) * 8;
      }
      align = std::max(align, ma);
      f.offset = static_cast<uint32_t>(off / 8);
    }
    any_named = any_named || !m.name.empty();
    rec.type.fields.push_back(std::move(f));
  }
  if (!is_union) size_bits = bit;
  if (attrs.aligned) align = std::max(align, attrs.aligned);
  uint64_t size = align_up((size_bits + 7) / 8, align);
  if (size > UINT32_MAX) {
    error(members.empty() ? source::SourceRange{} : members.back().range, "struct is too large");
    ok = false;
    size = 0;
  }
  rec.type.size = static_cast<uint32_t>(size);
  rec.align = align;
  return ok;
}

bool Parser::parse_enum(Specs& s, source::SourceRange kw) {
  Attrs attrs;
  if (!parse_attributes(attrs)) return false;
  std::string tag;
  source::SourceRange tag_range = kw;
  parse_optional_tag(tag, tag_range);
  std::string key = "enum " + tag;
  s.declared_tag = true;
  if (!is_punct("{")) {
    if (tag.empty()) return syntax_error("expected a tag or '{' after 'enum'");
    auto it = enums_.find(key);
    if (it != enums_.end()) {
      s.type = it->second;
    } else {
      s.type = TypeInfo{}; // forward-declared (or external) enum: completed on use
      s.type.type.name = tag;
      s.type.complete = false;
      s.type.spelling = key;
    }
    return true;
  }
  bool redefinition = !tag.empty() && enums_.count(key);
  if (redefinition) error(tag_range, "redefinition of '" + key + "'");
  ++pos_; // '{'
  int64_t next = 0;
  bool next_unsigned = false;
  int64_t min = 0, max = 0;
  bool any = false, huge = false;
  while (!accept("}")) {
    if (cur().kind != TokKind::Ident) return syntax_error("expected an enumerator name");
    std::string name = cur().text;
    source::SourceRange nr = cur().range;
    ++pos_;
    Attrs ignored;
    if (!parse_attributes(ignored)) return false;
    if (accept("=")) {
      Value v;
      if (!parse_const_expr(v)) return false;
      next = v.v;
      next_unsigned = v.is_unsigned;
    }
    if (enum_values_.count(name)) {
      error(nr, "redefinition of enumerator '" + name + "'");
    } else {
      enum_values_[name] = next;
    }
    if (next_unsigned && next < 0) huge = true; // above INT64_MAX
    else {
      min = any ? std::min(min, next) : next;
      max = any ? std::max(max, next) : next;
    }
    any = true;
    next = static_cast<int64_t>(static_cast<uint64_t>(next) + 1);
    if (!accept(",")) {
      if (!expect("}", "after the enumerators")) return false;
      break;
    }
  }
  if (!parse_attributes(attrs)) return false;
  bool is_signed = min < 0 && !huge;
  uint32_t size;
  if (huge) {
    size = 8;
  } else if (is_signed) {
    size = (min >= INT32_MIN && max <= INT32_MAX) ? 4 : 8;
    if (attrs.packed)
      size = (min >= INT8_MIN && max <= INT8_MAX) ? 1 : (min >= INT16_MIN && max <= INT16_MAX) ? 2 : size;
  } else {
    size = max <= static_cast<int64_t>(UINT32_MAX) ? 4 : 8;
    if (attrs.packed) size = max <= UINT8_MAX ? 1 : max <= UINT16_MAX ? 2 : size;
  }
  TypeInfo e;
  e.type = ast::Type::integer(size, is_signed);
  e.align = size;
  e.spelling = tag.empty() ? "enum <anonymous>" : key;
  if (!tag.empty() && !redefinition) enums_[key] = e;
  s.type = e;
  return true;
}

} // namespace btc::cdecl
