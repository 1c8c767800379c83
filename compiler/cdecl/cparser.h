// cparser.h: the recursive-descent C declaration parser behind parse_c_definitions.
//
// Input: token lists of the preamble's definitions (see ctoken.h), in source order.
// Output: records laid out for x86-64 SysV, typedefs, enums and enumerator values (CTypes).
// One Parser instance sees all definitions, so later ones may use earlier ones. A syntax
// error abandons the rest of its definition; semantic errors (unknown type, duplicate member,
// incomplete field) are reported and the affected record is left out ("poisoned") so that
// uses of it do not report again.
// Example: tokens of `typedef struct { int a; } T;` -> typedefs["T"] = Record{"", 4, [a@0]}.
#pragma once

#include "cdecl/cdecl.h"
#include "cdecl/ctoken.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace btc::cdecl {

// A type while parsing: the ast::Type plus what C layout and checking need beyond it.
struct TypeInfo {
  ast::Type type;
  uint32_t align = 1;
  bool plain_char = false;   // plain `char`: arrays of it become strings
  bool complete = true;      // false: void, forward-declared record or enum
  bool is_void = false;
  bool is_function = false;  // a function type (only usable behind a pointer)
  bool poisoned = false;     // came from an erroneous declaration: report nothing more
  std::string spelling;      // for messages: "struct X", "void", "int"
};

struct Attrs {
  bool packed = false;
  uint32_t aligned = 0;      // 0: none
};

// A constant expression's value (C integer semantics, 64-bit).
struct Value {
  int64_t v = 0;
  bool is_unsigned = false;
};

enum class OpKind { Pointer, Array, Function };
struct DeclOp {
  OpKind kind = OpKind::Pointer;
  int64_t count = -1;        // Array: element count, -1 for `[]`
  source::SourceRange range;
};
// A declarator: ops applied in order to the specifiers' type give the declared type.
struct Declarator {
  std::string name;
  source::SourceRange name_range;
  std::vector<DeclOp> ops;
  Attrs attrs;
};

struct Specs {
  TypeInfo type;
  bool is_typedef = false;
  bool declared_tag = false;      // struct/union/enum with a tag or a body
  bool anonymous_record = false;  // an untagged struct/union definition
  Attrs attrs;
  source::SourceRange range;
};

struct Member {
  std::string name;
  source::SourceRange range;      // the name, or the whole member when unnamed
  TypeInfo type;
  bool bitfield = false;
  uint32_t width = 0;             // bits
  Attrs attrs;
  bool flexible = false;          // `T x[]`
};

class Parser {
public:
  Parser(const std::vector<ast::Define>& defines, const ExternalTypes& external,
         diag::Diagnostics& diags)
      : defines_(defines), external_(external), diags_(diags) {}

  // Tags defined (with a body) anywhere in the preamble: pointers to them stay preamble
  // records even when used before the definition.
  void collect_tags(const std::vector<Token>& toks);
  void parse_definition(std::vector<Token> toks);
  CTypes finish();
  // Evaluates `toks` (ending with End) as one constant expression; false if it is not one.
  bool evaluate(std::vector<Token> toks, Value& v);

private:
  // Tokens.
  const Token& cur() const { return toks_[pos_]; }
  const Token& peek(size_t n) const;
  bool is_punct(const char* p) const;
  bool is_ident(const char* word) const;
  bool accept(const char* p);
  bool expect(const char* p, const std::string& context);
  bool syntax_error(const std::string& msg); // reports at cur(), returns false
  void error(source::SourceRange r, const std::string& msg) { diags_.error(r, msg); }
  // Entering a nested construct: false (after an error) when nesting is unreasonably deep.
  bool enter();
  struct Leave {
    int& depth;
    ~Leave() { --depth; }
  };

  // Declarations (cparser.cpp).
  bool parse_top_declaration();
  bool parse_specifiers(Specs& s, bool member);
  bool parse_attributes(Attrs& a, bool* seen = nullptr);
  bool is_attribute_start() const;
  bool starts_type_name() const;
  bool parse_declarator(Declarator& d, bool abstract);
  bool apply_ops(const TypeInfo& base, const Declarator& d, TypeInfo& out);
  bool parse_type_name(TypeInfo& out); // `unsigned long *` in sizeof / casts
  TypeInfo pointer_to(const TypeInfo& t);
  std::optional<TypeInfo> lookup_type_name(const std::string& name);
  void define_typedef(const std::string& name, const TypeInfo& t, source::SourceRange r);
  // Completes a forward-declared record/enum from the preamble or the external resolver.
  bool complete_type(TypeInfo& t);

  // Records and enums (crecord.cpp).
  void parse_optional_tag(std::string& tag, source::SourceRange& tag_range);
  bool parse_record(Specs& s, bool is_union, source::SourceRange kw);
  bool parse_member_declaration(std::vector<Member>& members, bool is_union);
  bool parse_enum(Specs& s, source::SourceRange kw);
  TypeInfo record_ref(const std::string& tag, bool is_union, source::SourceRange r);
  bool layout_record(std::vector<Member>& members, bool is_union, const Attrs& attrs,
                     TypeInfo& rec);

  // Constant expressions (cexpr.cpp).
  bool parse_const_expr(Value& v);
  bool parse_conditional(Value& v);
  bool parse_binary(Value& v, int min_prec);
  bool parse_unary(Value& v);
  bool parse_primary(Value& v);

  struct RecordEntry {
    TypeInfo info;                // complete once defined
    bool defined = false;
    bool poisoned = false;
  };

  const std::vector<ast::Define>& defines_;
  const ExternalTypes& external_;
  diag::Diagnostics& diags_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
  int depth_ = 0; // nesting of declarators, expressions and records (bounded)
  std::set<std::string> preamble_tags_;             // "struct X" / "union X" with a body
  std::map<std::string, RecordEntry> records_;      // "struct X" -> entry
  std::vector<std::string> record_order_;
  std::map<std::string, TypeInfo> typedefs_;
  std::map<std::string, TypeInfo> enums_;           // "enum E" -> integer type
  std::map<std::string, int64_t> enum_values_;
};

// The alignment of a type that did not come from the preamble (BTF records carry no
// alignment: it is the largest member alignment, 1 when the layout is packed).
uint32_t natural_align(const ast::Type& t);
// The layout of a record field of type t for messages: "int32", "struct X", "string[16]".
std::string spell(const ast::Type& t);

} // namespace btc::cdecl
