// cparser.cpp: declarations: specifiers, declarators, typedefs and type-name lookup.
//
// Input: one definition's tokens. Output: typedefs and (through crecord.cpp) records/enums
// registered in the Parser. Example: `typedef unsigned int u32_t;` -> typedefs["u32_t"] =
// unsigned int32 (align 4).
#include "cdecl/cparser.h"

#include <algorithm>
#include <cstring>

namespace btc::cdecl {

namespace {

struct BuiltinName {
  const char* name;
  uint32_t size;
  bool is_signed;
};
// Fixed-width names every bpftrace tool may use without headers (kernel and <stdint.h>).
const BuiltinName kBuiltinNames[] = {
    {"u8", 1, false},       {"u16", 2, false},       {"u32", 4, false},
    {"u64", 8, false},      {"s8", 1, true},         {"s16", 2, true},
    {"s32", 4, true},       {"s64", 8, true},        {"__u8", 1, false},
    {"__u16", 2, false},    {"__u32", 4, false},     {"__u64", 8, false},
    {"__s8", 1, true},      {"__s16", 2, true},      {"__s32", 4, true},
    {"__s64", 8, true},     {"uint8_t", 1, false},   {"uint16_t", 2, false},
    {"uint32_t", 4, false}, {"uint64_t", 8, false},  {"int8_t", 1, true},
    {"int16_t", 2, true},   {"int32_t", 4, true},    {"int64_t", 8, true},
    {"size_t", 8, false},   {"ssize_t", 8, true},    {"uintptr_t", 8, false},
    {"intptr_t", 8, true},  {"ptrdiff_t", 8, true},  {"__be16", 2, false},
    {"__be32", 4, false},   {"__be64", 8, false},    {"__le16", 2, false},
    {"__le32", 4, false},   {"__le64", 8, false},    {"__int128_t", 16, true},
    {"__uint128_t", 16, false},
};

const char* const kQualifiers[] = {
    "const",    "volatile",  "restrict",     "__restrict", "__restrict__", "__const",
    "__const__", "__volatile", "__volatile__", "__extension__", "inline", "__inline",
    "__inline__", "static",   "extern",       "register",   "auto",         "_Thread_local",
    "__thread", "__user",     "__kernel",     "__iomem",    "__rcu",        "__percpu",
    "__force",  "__bitwise",  "__must_check",
};

bool is_qualifier(const Token& t) {
  if (t.kind != TokKind::Ident) return false;
  for (const char* q : kQualifiers)
    if (t.text == q) return true;
  return false;
}

TypeInfo integer_info(uint32_t size, bool is_signed, std::string spelling) {
  TypeInfo t;
  t.type = ast::Type::integer(size, is_signed);
  t.align = size;
  t.spelling = std::move(spelling);
  return t;
}

} // namespace

uint32_t natural_align(const ast::Type& t) {
  switch (t.kind) {
  case ast::TypeKind::Integer: return std::clamp<uint32_t>(t.size, 1, 16);
  case ast::TypeKind::Pointer: return 8;
  case ast::TypeKind::Array: return t.pointee ? natural_align(*t.pointee) : 1;
  case ast::TypeKind::Record: {
    uint32_t a = 1;
    for (const auto& f : t.fields)
      if (f.type) a = std::max(a, natural_align(*f.type));
    bool packed = false;
    for (const auto& f : t.fields)
      if (f.type && f.bitfield_size == 0 && f.offset % natural_align(*f.type) != 0) packed = true;
    if (packed) return 1;
    while (a > 1 && t.size % a != 0) a /= 2;
    return a;
  }
  case ast::TypeKind::None: case ast::TypeKind::String: case ast::TypeKind::Buffer:
  case ast::TypeKind::Tuple: case ast::TypeKind::Ctx: case ast::TypeKind::Ksym:
  case ast::TypeKind::Usym: case ast::TypeKind::Inet: case ast::TypeKind::Username:
  case ast::TypeKind::Probe: case ast::TypeKind::Kstack: case ast::TypeKind::Ustack:
  case ast::TypeKind::Timestamp: case ast::TypeKind::MacAddr: case ast::TypeKind::CgroupPath:
  case ast::TypeKind::Strerror: case ast::TypeKind::Count: case ast::TypeKind::Sum:
  case ast::TypeKind::Min: case ast::TypeKind::Max: case ast::TypeKind::Avg:
  case ast::TypeKind::Stats: case ast::TypeKind::Hist: case ast::TypeKind::Lhist:
  case ast::TypeKind::Tseries:
    return 1;
  }
  return 1;
}

std::string spell(const ast::Type& t) { return ast::type_name(t); }

// ---- tokens ----------------------------------------------------------------------------

const Token& Parser::peek(size_t n) const {
  size_t i = std::min(pos_ + n, toks_.size() - 1);
  return toks_[i];
}

bool Parser::is_punct(const char* p) const {
  return cur().kind == TokKind::Punct && cur().text == p;
}

bool Parser::is_ident(const char* word) const {
  return cur().kind == TokKind::Ident && cur().text == word;
}

bool Parser::accept(const char* p) {
  if (!is_punct(p)) return false;
  ++pos_;
  return true;
}

bool Parser::syntax_error(const std::string& msg) {
  const Token& t = cur();
  std::string found = t.kind == TokKind::End ? "end of definition" : "'" + t.text + "'";
  error(t.range, "syntax error in C definition: " + msg + ", found " + found);
  return false;
}

bool Parser::enter() {
  if (++depth_ <= 200) return true;
  error(cur().range, "C definition is nested too deeply");
  return false;
}

bool Parser::expect(const char* p, const std::string& context) {
  if (accept(p)) return true;
  return syntax_error("expected '" + std::string(p) + "'" + (context.empty() ? "" : " " + context));
}

// ---- definitions -----------------------------------------------------------------------

void Parser::collect_tags(const std::vector<Token>& toks) {
  for (size_t i = 0; i + 1 < toks.size(); ++i) {
    if (toks[i].kind != TokKind::Ident || (toks[i].text != "struct" && toks[i].text != "union"))
      continue;
    size_t j = i + 1;
    // Skip attributes between the keyword and the tag.
    while (j < toks.size() && toks[j].kind == TokKind::Ident &&
           (toks[j].text == "__attribute__" || toks[j].text == "__attribute" ||
            toks[j].text == "__packed" || toks[j].text == "__aligned")) {
      ++j;
      if (j < toks.size() && toks[j].text == "(") {
        int depth = 0;
        for (; j < toks.size(); ++j) {
          if (toks[j].kind == TokKind::Punct && toks[j].text == "(") ++depth;
          if (toks[j].kind == TokKind::Punct && toks[j].text == ")" && --depth == 0) break;
        }
        ++j;
      }
    }
    if (j + 1 < toks.size() && toks[j].kind == TokKind::Ident && toks[j + 1].text == "{")
      preamble_tags_.insert(toks[i].text + " " + toks[j].text);
  }
}

void Parser::parse_definition(std::vector<Token> toks) {
  toks_ = std::move(toks);
  pos_ = 0;
  while (cur().kind != TokKind::End) {
    if (accept(";")) continue;
    if (!parse_top_declaration()) return; // syntax error: the rest of the definition is lost
  }
}

bool Parser::parse_top_declaration() {
  Specs s;
  if (!parse_specifiers(s, false)) return false;
  if (accept(";") || cur().kind == TokKind::End) {
    if (s.is_typedef) diags_.warning(s.range, "typedef requires a name");
    else if (!s.declared_tag) diags_.warning(s.range, "declaration does not declare anything");
    return true;
  }
  if (s.declared_tag && (is_ident("struct") || is_ident("union") || is_ident("enum") ||
                         is_ident("typedef")))
    return syntax_error("expected ';' after the definition");
  while (true) {
    Declarator d;
    if (!parse_declarator(d, false)) return false;
    if (!parse_attributes(d.attrs)) return false;
    if (is_punct("=")) return syntax_error("initializers are not supported in C definitions");
    TypeInfo t;
    bool ok = apply_ops(s.type, d, t);
    if (s.is_typedef) {
      if (ok) {
        if (d.attrs.aligned) t.align = d.attrs.aligned;
        define_typedef(d.name, t, d.name_range);
      }
    } else {
      diags_.warning(d.name_range, "declaration of '" + d.name +
                                       "' ignored: only types are used from C definitions");
    }
    if (!accept(",")) break;
  }
  if (accept(";") || cur().kind == TokKind::End) return true;
  return syntax_error("expected ';' after the declaration");
}

void Parser::define_typedef(const std::string& name, const TypeInfo& t, source::SourceRange r) {
  auto it = typedefs_.find(name);
  if (it != typedefs_.end()) {
    const TypeInfo& old = it->second;
    if (!old.poisoned && !t.poisoned &&
        (!ast::same_type(old.type, t.type) || old.type.size != t.type.size ||
         old.is_function != t.is_function)) {
      error(r, "typedef redefinition with different types ('" + old.spelling + "' vs '" +
                   t.spelling + "')");
    }
    return;
  }
  typedefs_[name] = t;
}

// ---- specifiers ------------------------------------------------------------------------

bool Parser::is_attribute_start() const {
  if (cur().kind != TokKind::Ident) return false;
  const std::string& w = cur().text;
  return w == "__attribute__" || w == "__attribute" || w == "__packed" || w == "__aligned" ||
         w == "_Alignas" || w == "alignas";
}

// Zero or more attributes; only packed and aligned matter for layout, the rest are skipped.
bool Parser::parse_attributes(Attrs& a, bool* seen) {
  while (is_attribute_start()) {
    if (seen) *seen = true;
    std::string w = cur().text;
    source::SourceRange at = cur().range;
    ++pos_;
    if (w == "__packed") {
      a.packed = true;
      continue;
    }
    if (w == "__aligned" || w == "_Alignas" || w == "alignas") {
      if (!expect("(", "after " + w)) return false;
      Value v;
      if (starts_type_name()) {
        TypeInfo t;
        if (!parse_type_name(t)) return false;
        v.v = t.align;
      } else if (!parse_const_expr(v)) {
        return false;
      }
      if (!expect(")", "after the alignment")) return false;
      if (v.v <= 0 || (v.v & (v.v - 1)) != 0) {
        error(at, "requested alignment is not a positive power of 2");
        continue;
      }
      a.aligned = std::max<uint32_t>(a.aligned, static_cast<uint32_t>(v.v));
      continue;
    }
    // __attribute__((name, name(args), ...))
    if (!expect("(", "after __attribute__") || !expect("(", "after __attribute__")) return false;
    while (!is_punct(")")) {
      if (cur().kind != TokKind::Ident) return syntax_error("expected an attribute name");
      std::string name = cur().text;
      source::SourceRange nr = cur().range;
      ++pos_;
      if (name.size() > 4 && name.starts_with("__") && name.ends_with("__"))
        name = name.substr(2, name.size() - 4);
      if (name == "packed") {
        a.packed = true;
      } else if (name == "aligned") {
        uint32_t n = 16; // the largest alignment any x86-64 type needs
        if (accept("(")) {
          Value v;
          if (!parse_const_expr(v) || !expect(")", "after the alignment")) return false;
          if (v.v <= 0 || (v.v & (v.v - 1)) != 0) {
            error(nr, "requested alignment is not a positive power of 2");
            n = 0;
          } else {
            n = static_cast<uint32_t>(v.v);
          }
        }
        a.aligned = std::max(a.aligned, n);
      } else if (accept("(")) {
        int depth = 1;
        while (depth > 0) {
          if (cur().kind == TokKind::End) return syntax_error("expected ')' in attribute");
          if (is_punct("(")) ++depth;
          if (is_punct(")")) --depth;
          ++pos_;
        }
      }
      if (!accept(",")) break;
    }
    if (!expect(")", "after the attribute list") || !expect(")", "after the attribute list"))
      return false;
  }
  return true;
}

std::optional<TypeInfo> Parser::lookup_type_name(const std::string& name) {
  auto it = typedefs_.find(name);
  if (it != typedefs_.end()) return it->second;
  for (const auto& b : kBuiltinNames)
    if (name == b.name) return integer_info(b.size, b.is_signed, name);
  if (name == "bool") return integer_info(1, false, "bool");
  if (external_) {
    if (auto t = external_(name, false)) {
      TypeInfo ti;
      ti.type = *t;
      ti.align = natural_align(*t);
      ti.spelling = name;
      return ti;
    }
  }
  return std::nullopt;
}

bool Parser::starts_type_name() const {
  const Token& t = cur();
  if (t.kind != TokKind::Ident) return false;
  static const char* const kw[] = {"void",   "char",     "short",    "int",     "long",
                                   "signed", "unsigned", "__signed__", "__signed", "_Bool",
                                   "bool",   "float",    "double",   "struct",  "union",
                                   "enum",   "__int128", "_Complex"};
  for (const char* k : kw)
    if (t.text == k) return true;
  if (is_qualifier(t)) return true;
  if (typedefs_.count(t.text)) return true;
  for (const auto& b : kBuiltinNames)
    if (t.text == b.name) return true;
  return false;
}

bool Parser::parse_specifiers(Specs& s, bool member) {
  int longs = 0;
  bool is_short = false, is_signed = false, is_unsigned = false, named = false;
  std::string base; // char int void bool float int128 complex
  source::SourceRange base_range{};
  bool any = false;
  s.range = cur().range;
  auto mark = [&](const Token& t) {
    s.range = source::SourceRange::join(s.range, t.range);
    any = true;
  };
  auto have_type = [&] { return named || !base.empty() || longs || is_short || is_signed || is_unsigned; };
  auto combine_error = [&](const Token& t) {
    error(t.range, "cannot combine '" + t.text + "' with the previous type specifiers");
    s.type.poisoned = true;
  };
  while (true) {
    const Token& t = cur();
    if (is_attribute_start()) {
      if (!parse_attributes(s.attrs)) return false;
      continue;
    }
    if (t.kind != TokKind::Ident) break;
    const std::string& w = t.text;
    if (is_qualifier(t)) {
      mark(t);
      ++pos_;
      continue;
    }
    if (w == "_Atomic" && peek(1).text != "(") {
      ++pos_;
      continue;
    }
    if (w == "typedef") {
      if (member) return syntax_error("'typedef' is not allowed in a struct member");
      s.is_typedef = true;
      mark(t);
      ++pos_;
      continue;
    }
    if (w == "struct" || w == "union" || w == "enum") {
      if (have_type()) combine_error(t);
      source::SourceRange kw = t.range;
      mark(t);
      ++pos_;
      named = true;
      bool ok = w == "enum" ? parse_enum(s, kw) : parse_record(s, w == "union", kw);
      if (!ok) return false;
      s.range = source::SourceRange::join(s.range, toks_[pos_ - 1].range);
      continue;
    }
    if (w == "long") {
      if (++longs > 2 || is_short) combine_error(t);
    } else if (w == "short") {
      if (is_short || longs) combine_error(t);
      is_short = true;
    } else if (w == "signed" || w == "__signed__" || w == "__signed") {
      if (is_signed || is_unsigned) combine_error(t);
      is_signed = true;
    } else if (w == "unsigned") {
      if (is_signed || is_unsigned) combine_error(t);
      is_unsigned = true;
    } else if (w == "void" || w == "char" || w == "int" || w == "_Bool" || w == "bool" ||
               w == "float" || w == "double" || w == "__int128" || w == "_Complex") {
      if (!base.empty() || named) combine_error(t);
      // `long double` and `double` are both floating point; `bool` may be a typedef name.
      base = w;
      base_range = t.range;
    } else if (!have_type()) {
      // A typedef name (preamble, fixed-width builtin or external).
      auto ti = lookup_type_name(w);
      if (!ti) {
        error(t.range, "unknown type name '" + w + "'");
        s.type = integer_info(4, true, w);
        s.type.poisoned = true;
      } else {
        bool poisoned = s.type.poisoned;
        s.type = *ti;
        s.type.poisoned |= poisoned;
      }
      named = true;
    } else {
      break; // the declarator's name
    }
    mark(t);
    ++pos_;
  }
  if (named) return true;
  if (!any && base.empty() && !longs && !is_short && !is_signed && !is_unsigned)
    return syntax_error("expected a type");
  if (!have_type()) return syntax_error("type specifier missing");
  bool poisoned = s.type.poisoned;
  bool int_mods = longs || is_short || is_signed || is_unsigned;
  if (base == "float" || base == "double" || base == "_Complex") {
    error(base_range, "floating point is not supported");
    s.type = integer_info(8, false, base);
    s.type.poisoned = true;
    return true;
  }
  if (base == "void" || base == "_Bool" || base == "bool") {
    if (int_mods) {
      error(base_range, "'" + base + "' cannot be signed, unsigned, short or long");
      poisoned = true;
    }
    if (base == "void") {
      s.type = TypeInfo{};
      s.type.is_void = true;
      s.type.complete = false;
      s.type.spelling = "void";
    } else {
      s.type = integer_info(1, false, base);
    }
  } else if (base == "char") {
    if (longs || is_short) {
      error(base_range, "'char' cannot be short or long");
      poisoned = true;
    }
    s.type = integer_info(1, !is_unsigned, is_unsigned ? "unsigned char"
                                                         : is_signed ? "signed char" : "char");
    s.type.plain_char = !is_signed && !is_unsigned;
  } else if (base == "__int128") {
    if (longs || is_short) {
      error(base_range, "'__int128' cannot be short or long");
      poisoned = true;
    }
    s.type = integer_info(16, !is_unsigned, is_unsigned ? "unsigned __int128" : "__int128");
  } else {
    uint32_t size = is_short ? 2 : longs ? 8 : 4;
    std::string sp = std::string(is_unsigned ? "unsigned " : "") +
                     (is_short ? "short" : longs == 2 ? "long long" : longs ? "long" : "int");
    s.type = integer_info(size, !is_unsigned, sp);
  }
  s.type.poisoned = poisoned;
  return true;
}

// ---- declarators -----------------------------------------------------------------------

bool Parser::parse_declarator(Declarator& d, bool abstract) {
  Leave leave{depth_};
  if (!enter()) return false;
  std::vector<DeclOp> ptrs;
  while (is_punct("*")) {
    ptrs.push_back({OpKind::Pointer, -1, cur().range});
    ++pos_;
    while (is_qualifier(cur()) || is_attribute_start()) {
      if (is_attribute_start()) {
        Attrs ignored;
        if (!parse_attributes(ignored)) return false;
      } else {
        ++pos_;
      }
    }
  }
  Declarator inner;
  bool has_inner = false;
  if (cur().kind == TokKind::Ident && !abstract) {
    d.name = cur().text;
    d.name_range = cur().range;
    ++pos_;
  } else if (is_punct("(") &&
             (!abstract || peek(1).text == "*" || peek(1).text == "(" || peek(1).text == "[")) {
    ++pos_;
    if (!parse_declarator(inner, abstract)) return false;
    if (!expect(")", "to close the declarator")) return false;
    has_inner = true;
    d.name = inner.name;
    d.name_range = inner.name_range;
  } else if (!abstract) {
    return syntax_error("expected a name");
  }
  std::vector<DeclOp> suffixes;
  while (true) {
    if (is_punct("[")) {
      source::SourceRange r = cur().range;
      ++pos_;
      DeclOp op{OpKind::Array, -1, r};
      if (!is_punct("]")) {
        Value v;
        source::SourceRange er = cur().range;
        if (!parse_const_expr(v)) return false;
        source::SourceRange size_range = source::SourceRange::join(er, toks_[pos_ - 1].range);
        if (v.v < 0 && !v.is_unsigned) {
          error(size_range, "array size is negative");
          return false;
        }
        if (static_cast<uint64_t>(v.v) > UINT32_MAX) {
          error(size_range, "array is too large");
          return false;
        }
        op.count = v.v;
      }
      op.range = source::SourceRange::join(r, cur().range);
      if (!expect("]", "to close the array size")) return false;
      suffixes.push_back(op);
    } else if (is_punct("(")) {
      source::SourceRange r = cur().range;
      int depth = 0;
      do {
        if (cur().kind == TokKind::End) return syntax_error("expected ')' after the parameters");
        if (is_punct("(")) ++depth;
        if (is_punct(")")) --depth;
        ++pos_;
      } while (depth > 0);
      suffixes.push_back({OpKind::Function, -1, r});
    } else {
      break;
    }
  }
  d.ops = ptrs;
  for (auto it = suffixes.rbegin(); it != suffixes.rend(); ++it) d.ops.push_back(*it);
  if (has_inner) d.ops.insert(d.ops.end(), inner.ops.begin(), inner.ops.end());
  if (!has_inner && d.name.empty() && !d.ops.empty()) d.name_range = d.ops.front().range;
  return true;
}

TypeInfo Parser::pointer_to(const TypeInfo& t) {
  TypeInfo p;
  p.align = 8;
  p.poisoned = t.poisoned;
  p.spelling = t.spelling + " *";
  if (t.is_function) {
    p.type = ast::Type::uint64();
    return p;
  }
  p.type = ast::Type::simple(ast::TypeKind::Pointer, 8);
  ast::Type pointee = t.type;
  if (t.is_void) {
    pointee = ast::Type::none();
  } else if (pointee.kind == ast::TypeKind::Record && !pointee.name.empty()) {
    std::string key = std::string(pointee.is_union ? "union " : "struct ") + pointee.name;
    if (pointee.btf_id == 0 && !preamble_tags_.count(key) && external_) {
      if (auto ext = external_(pointee.name, true); ext && ext->kind == ast::TypeKind::Record)
        pointee = *ext;
    }
    pointee.fields.clear(); // shallow, as BTF pointers are
    p.type.btf_id = pointee.btf_id;
  }
  p.type.pointee = std::make_shared<const ast::Type>(std::move(pointee));
  return p;
}

bool Parser::complete_type(TypeInfo& t) {
  if (t.complete || t.is_void || t.poisoned) return t.complete;
  ast::Type& ty = t.type;
  if (ty.kind == ast::TypeKind::Record) {
    std::string key = std::string(ty.is_union ? "union " : "struct ") + ty.name;
    auto it = records_.find(key);
    if (it != records_.end() && it->second.defined) {
      t = it->second.info;
      return true;
    }
    if (it != records_.end() && it->second.poisoned) {
      t.poisoned = true;
      return false;
    }
    if (preamble_tags_.count(key) || !external_) return false; // defined later: incomplete here
    auto ext = external_(ty.name, true);
    if (!ext || ext->kind != ast::TypeKind::Record) return false;
    t.type = *ext;
    t.align = natural_align(*ext);
    t.complete = true;
    return true;
  }
  if (ty.kind == ast::TypeKind::None && !t.is_function && !ty.name.empty()) { // enum tag
    std::string tag = ty.name;
    auto it = enums_.find("enum " + tag);
    if (it != enums_.end()) {
      t = it->second;
      return true;
    }
    if (!external_) return false;
    auto ext = external_(tag, false);
    if (!ext || ext->kind != ast::TypeKind::Integer) return false;
    t.type = *ext;
    t.align = natural_align(*ext);
    t.complete = true;
    return true;
  }
  return false;
}

bool Parser::apply_ops(const TypeInfo& base, const Declarator& d, TypeInfo& out) {
  TypeInfo t = base;
  for (size_t i = 0; i < d.ops.size(); ++i) {
    const DeclOp& op = d.ops[i];
    switch (op.kind) {
    case OpKind::Pointer:
      t = pointer_to(t);
      break;
    case OpKind::Function:
      if (t.is_function || t.type.kind == ast::TypeKind::Array ||
          t.type.kind == ast::TypeKind::String) {
        error(op.range, "a function cannot return a function or an array");
        return false;
      }
      t = TypeInfo{};
      t.is_function = true;
      t.complete = false;
      t.spelling = "function";
      break;
    case OpKind::Array: {
      if (t.is_function) {
        error(op.range, "'" + d.name + "' declared as an array of functions");
        return false;
      }
      if (!t.complete && !complete_type(t)) {
        if (!t.poisoned)
          error(op.range, "array has incomplete element type '" + t.spelling + "'");
        return false;
      }
      bool last = i + 1 == d.ops.size() || d.ops[i + 1].kind == OpKind::Pointer;
      if (op.count < 0 && !last) {
        error(op.range, "array has incomplete element type");
        return false;
      }
      uint32_t count = op.count < 0 ? 0 : static_cast<uint32_t>(op.count);
      if (t.type.size && static_cast<uint64_t>(count) * t.type.size > UINT32_MAX) {
        error(op.range, "array is too large");
        return false;
      }
      TypeInfo a;
      a.align = t.align;
      a.poisoned = t.poisoned;
      a.spelling = t.spelling + "[" + (op.count < 0 ? "" : std::to_string(count)) + "]";
      if (t.plain_char && t.type.kind == ast::TypeKind::Integer && t.type.size == 1) {
        a.type = ast::Type::string(count); // bpftrace prints char[N] as a string
      } else {
        a.type = ast::Type::simple(ast::TypeKind::Array, t.type.size * count);
        a.type.count = count;
        a.type.pointee = std::make_shared<const ast::Type>(t.type);
      }
      t = std::move(a);
      break;
    }
    }
  }
  if (!t.complete && !t.is_void && !t.is_function) complete_type(t);
  out = std::move(t);
  return true;
}

bool Parser::parse_type_name(TypeInfo& out) {
  Specs s;
  if (!parse_specifiers(s, true)) return false;
  Declarator d;
  if (!parse_declarator(d, true)) return false;
  return apply_ops(s.type, d, out);
}

} // namespace btc::cdecl
