// cdecl_test.cpp: unit tests for the C declaration parser (types, layout details, lookups,
// external resolution, located diagnostics). File-driven layout tests: cdecl_golden_test.cpp.
#include "cdecl/cdecl.h"

#include <gtest/gtest.h>

namespace btc::cdecl {
namespace {

struct Result {
  CTypes types;
  diag::Diagnostics diags;
  std::string rendered;
};

ast::Type kernel_record(const char* name, uint32_t size, uint32_t id) {
  ast::Type t;
  t.kind = ast::TypeKind::Record;
  t.name = name;
  t.size = size;
  t.btf_id = id;
  ast::RecordField f;
  f.name = "first";
  f.type = std::make_shared<const ast::Type>(ast::Type::uint64());
  t.fields.push_back(f);
  return t;
}

std::vector<std::string> g_external_calls;

std::optional<ast::Type> fake_external(std::string_view name, bool is_record) {
  g_external_calls.push_back(std::string(name) + (is_record ? "/record" : "/name"));
  if (is_record && name == "path") return kernel_record("path", 16, 7);
  if (is_record && name == "task_struct") return kernel_record("task_struct", 4096, 9);
  if (!is_record && name == "pid_t") return ast::Type::integer(4, true);
  if (!is_record && name == "pid_type") return ast::Type::integer(4, false);
  return std::nullopt;
}

// Each string is one CDefinition; they are laid out one per line in the source.
Result run(std::vector<std::string> defs_text, std::vector<std::pair<std::string, std::string>> defs = {},
           const ExternalTypes& external = fake_external) {
  std::string src;
  std::vector<ast::Define> defines;
  for (auto& [n, v] : defs) {
    ast::Define d{n, v, {static_cast<uint32_t>(src.size()), 0}};
    src += "#define " + n + " " + v;
    d.range.end = static_cast<uint32_t>(src.size());
    src += "\n";
    defines.push_back(d);
  }
  std::vector<ast::CDefinition> cdefs;
  for (auto& t : defs_text) {
    ast::CDefinition d{t, {static_cast<uint32_t>(src.size()), 0}};
    src += t;
    d.range.end = static_cast<uint32_t>(src.size());
    src += "\n";
    cdefs.push_back(d);
  }
  src += "BEGIN {}\n";
  source::SourceFile file("test.bt", src);
  Result r;
  g_external_calls.clear();
  r.types = parse_c_definitions(cdefs, defines, file, external, r.diags);
  r.rendered = diag::render_all(r.diags, file);
  return r;
}

Result run1(const std::string& text) { return run({text}); }

const ast::RecordField& field(const ast::Type& rec, const std::string& name) {
  for (const auto& f : rec.fields)
    if (f.name == name) return f;
  static ast::RecordField none;
  ADD_FAILURE() << "no field " << name;
  return none;
}

TEST(Cdecl, HeaderExample) {
  auto r = run1("struct S { char c; int x : 3; union { long l; void *p; }; };");
  ASSERT_EQ(r.rendered, "");
  const ast::Type& s = r.types.records.at("struct S");
  EXPECT_EQ(s.name, "S");
  EXPECT_EQ(s.size, 16u);
  EXPECT_EQ(s.btf_id, 0u);
  EXPECT_EQ(r.types.record_aligns.at("struct S"), 8u);
  ASSERT_EQ(s.fields.size(), 3u);
  EXPECT_EQ(s.fields[1].offset, 1u);
  EXPECT_EQ(s.fields[1].bitfield_offset, 0u);
  EXPECT_EQ(s.fields[1].bitfield_size, 3u);
  EXPECT_EQ(s.fields[2].name, "");
  EXPECT_EQ(s.fields[2].offset, 8u);
  EXPECT_TRUE(s.fields[2].type->is_union);
  auto p = find_member(s, "p");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->first, 8u);
  EXPECT_EQ(p->second.kind, ast::TypeKind::Pointer);
  EXPECT_EQ(p->second.pointee->kind, ast::TypeKind::None);
  auto x = find_field(s, "x");
  ASSERT_TRUE(x);
  EXPECT_EQ(x->bitfield_size, 3u);
  EXPECT_FALSE(find_member(s, "nope"));
  EXPECT_FALSE(find_member(s, ""));
}

TEST(Cdecl, FindMemberThroughNestedAnonymousOnly) {
  auto r = run1("struct T { int a; struct { char b; union { short c; struct { char d; long e; }; }; };"
                " struct { int hidden; } named; };");
  ASSERT_EQ(r.rendered, "");
  const ast::Type& t = r.types.records.at("struct T");
  auto e = find_member(t, "e");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->first, 24u); // anon struct @8, union @8 in it, inner struct @0, e @8 inside
  EXPECT_EQ(e->second.size, 8u);
  EXPECT_EQ(find_member(t, "c")->first, 16u);
  EXPECT_EQ(find_member(t, "b")->first, 8u);
  EXPECT_FALSE(find_member(t, "hidden")); // inside a named member: t.named.hidden
  EXPECT_TRUE(find_member(t, "named"));
}

TEST(Cdecl, WhitespaceAndOptionalSemicolon) {
  auto r = run({"\n\n  struct\n  A\n{\n int\n a\n ;\n\t}\n\n", "union   B{char c;}", "struct C { int x; } ;"});
  ASSERT_EQ(r.rendered, "");
  EXPECT_EQ(r.types.records.at("struct A").size, 4u);
  EXPECT_EQ(r.types.records.at("union B").size, 1u);
  EXPECT_TRUE(r.types.records.at("union B").is_union);
  EXPECT_EQ(r.types.records.count("struct C"), 1u);
}

TEST(Cdecl, ErrorLocationsSurviveStrippedComments) {
  // The script lexer drops `//` comments and turns `/* */` into newlines plus a space.
  std::string src = "struct S { // first\n  int a; /* two\nlines */ bad_t b;\n};\nBEGIN {}\n";
  std::string text = "struct S { \n  int a; \n  bad_t b;\n};";
  source::SourceFile file("c.bt", src);
  ast::CDefinition def{text, {0, static_cast<uint32_t>(src.find(";\n") + 1)}};
  diag::Diagnostics diags;
  parse_c_definitions({def}, {}, file, fake_external, diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags.all()[0].range.begin, src.find("bad_t"));
  EXPECT_EQ(diags.all()[0].range.end, src.find("bad_t") + 5);
  EXPECT_EQ(diags.all()[0].message, "unknown type name 'bad_t'");
}

TEST(Cdecl, TextNotMatchingSourceFallsBackToDefinitionRange) {
  source::SourceFile file("c.bt", "xxxxxxxxxxxxxxxxxxxxxxxx\n");
  ast::CDefinition def{"struct S { nope_t a; };", {2, 10}};
  diag::Diagnostics diags;
  parse_c_definitions({def}, {}, file, fake_external, diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags.all()[0].range.begin, 2u);
  EXPECT_EQ(diags.all()[0].range.end, 10u);
}

TEST(Cdecl, DefinesApplyOnlyAfterTheirLine) {
  auto r = run({"struct A { char name[LEN]; };"}, {{"LEN", "(4 * 4)"}});
  ASSERT_EQ(r.rendered, "");
  EXPECT_EQ(r.types.records.at("struct A").size, 16u);
  // A define that comes after the definition does not apply to it.
  std::string src = "struct B { char name[LATE]; };\n#define LATE 8\nBEGIN {}\n";
  source::SourceFile file("t.bt", src);
  ast::CDefinition def{"struct B { char name[LATE]; };", {0, 30}};
  ast::Define late{"LATE", "8", {31, 45}};
  diag::Diagnostics diags;
  parse_c_definitions({def}, {late}, file, fake_external, diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags.all()[0].message, "use of undeclared identifier 'LATE'");
}

TEST(Cdecl, RecursiveDefinesStop) {
  auto r = run({"struct A { int x[A1]; };"}, {{"A1", "B1"}, {"B1", "A1 + 1"}});
  ASSERT_EQ(r.diags.size(), 1u);
  EXPECT_EQ(r.diags.all()[0].message, "use of undeclared identifier 'A1'");
  // The expansion is located at the name the definition wrote.
  EXPECT_NE(r.rendered.find("int x[A1]"), std::string::npos);
}

TEST(Cdecl, DefinesCanNameTypes) {
  auto r = run({"struct A { my_u32 x; char c; };"}, {{"my_u32", "unsigned int"}});
  ASSERT_EQ(r.rendered, "");
  EXPECT_FALSE(field(r.types.records.at("struct A"), "x").type->is_signed);
}

TEST(Cdecl, IntegerSpellings) {
  auto r = run1("struct I { long long a; unsigned long long b; signed char c; unsigned char d;"
                " short unsigned e; long int f; long unsigned g; signed h; unsigned i; bool j;"
                " _Bool k; __u16 l; int64_t m; const volatile int n; __int128 o; };");
  ASSERT_EQ(r.rendered, "");
  const auto& t = r.types.records.at("struct I");
  auto is = [&](const char* n, uint32_t size, bool sign) {
    const auto& f = field(t, n);
    EXPECT_EQ(f.type->size, size) << n;
    EXPECT_EQ(f.type->is_signed, sign) << n;
  };
  is("a", 8, true); is("b", 8, false); is("c", 1, true); is("d", 1, false);
  is("e", 2, false); is("f", 8, true); is("g", 8, false); is("h", 4, true);
  is("i", 4, false); is("j", 1, false); is("k", 1, false); is("l", 2, false);
  is("m", 8, true); is("n", 4, true); is("o", 16, true);
  EXPECT_EQ(field(t, "o").offset, 80u); // __int128 aligns to 16
  EXPECT_EQ(t.size, 96u);
}

TEST(Cdecl, InvalidSpecifierCombinations) {
  auto r = run1("struct A { long short x; unsigned signed y; long long long z; int ok; };");
  EXPECT_EQ(r.diags.error_count(), 3u);
  EXPECT_EQ(r.types.records.count("struct A"), 0u);
}

TEST(Cdecl, CharArraysBecomeStrings) {
  auto r = run1("typedef char name_t; struct C { char a[16]; unsigned char b[4]; signed char s[2];"
                " char grid[2][3]; name_t n[5]; char *ptrs[2]; };");
  ASSERT_EQ(r.rendered, "");
  const auto& c = r.types.records.at("struct C");
  EXPECT_EQ(field(c, "a").type->kind, ast::TypeKind::String);
  EXPECT_EQ(field(c, "a").type->size, 16u);
  EXPECT_EQ(field(c, "b").type->kind, ast::TypeKind::Array);
  EXPECT_EQ(field(c, "b").type->count, 4u);
  EXPECT_EQ(field(c, "s").type->kind, ast::TypeKind::Array);
  const auto& g = *field(c, "grid").type;
  EXPECT_EQ(g.kind, ast::TypeKind::Array);
  EXPECT_EQ(g.count, 2u);
  EXPECT_EQ(g.size, 6u);
  EXPECT_EQ(g.pointee->kind, ast::TypeKind::String);
  EXPECT_EQ(g.pointee->size, 3u);
  EXPECT_EQ(field(c, "n").type->kind, ast::TypeKind::String);
  EXPECT_EQ(field(c, "ptrs").type->pointee->kind, ast::TypeKind::Pointer);
}

TEST(Cdecl, MultiDimensionalArraysNest) {
  auto r = run1("struct M { int m[2][3][4]; };");
  ASSERT_EQ(r.rendered, "");
  const auto& m = *field(r.types.records.at("struct M"), "m").type;
  EXPECT_EQ(m.count, 2u);
  EXPECT_EQ(m.size, 96u);
  EXPECT_EQ(m.pointee->count, 3u);
  EXPECT_EQ(m.pointee->pointee->count, 4u);
  EXPECT_EQ(m.pointee->pointee->pointee->size, 4u);
}

TEST(Cdecl, FunctionPointersAreIntegers) {
  auto r = run1("typedef int handler_t(int); struct F { void (*cb)(void *, int); int (*table[3])(void);"
                " handler_t *h; long (*(*nested)(int))(char); };");
  ASSERT_EQ(r.rendered, "");
  const auto& f = r.types.records.at("struct F");
  EXPECT_TRUE(field(f, "cb").type->is_integer());
  EXPECT_EQ(field(f, "table").type->count, 3u);
  EXPECT_TRUE(field(f, "table").type->pointee->is_integer());
  EXPECT_TRUE(field(f, "h").type->is_integer());
  EXPECT_TRUE(field(f, "nested").type->is_integer());
  EXPECT_EQ(f.size, 48u);
  EXPECT_EQ(r.types.typedefs.count("handler_t"), 0u); // a function type is not a value type
}

TEST(Cdecl, FloatingPointIsRejected) {
  auto r = run({"struct F { int a; float f; };", "typedef long double ld;", "struct G { char x[1.5]; };"});
  ASSERT_EQ(r.diags.error_count(), 3u);
  for (const auto& d : r.diags.all()) EXPECT_EQ(d.message, "floating point is not supported");
  EXPECT_NE(r.rendered.find("struct F { int a; float f; };\n                  ~~~~~"), std::string::npos)
      << r.rendered;
  EXPECT_EQ(r.types.records.count("struct F"), 0u);
}

TEST(Cdecl, PointeesOfPreambleRecordsAreShallowWithFinalSize) {
  auto r = run1("struct node { struct node *next; struct later *l; struct { int a; } *anon; int v; };"
                " struct later { long x[3]; };");
  ASSERT_EQ(r.rendered, "");
  const auto& n = r.types.records.at("struct node");
  const auto& next = *field(n, "next").type;
  EXPECT_EQ(next.pointee->name, "node");
  EXPECT_EQ(next.pointee->size, 32u);
  EXPECT_TRUE(next.pointee->fields.empty());
  EXPECT_EQ(next.btf_id, 0u);
  EXPECT_EQ(field(n, "l").type->pointee->size, 24u);
  const auto& anon = *field(n, "anon").type->pointee;
  ASSERT_EQ(anon.fields.size(), 1u); // anonymous records cannot be looked up: kept whole
  auto full = resolve_record(r.types, *next.pointee);
  ASSERT_TRUE(full);
  EXPECT_EQ(full->fields.size(), 4u);
  EXPECT_FALSE(resolve_record(r.types, anon));
}

TEST(Cdecl, ExternalRecordsAndNames) {
  auto r = run1("struct K { struct path p; struct task_struct *t; pid_t pid; enum pid_type ty;"
                " struct mystery *m; };");
  ASSERT_EQ(r.rendered, "");
  const auto& k = r.types.records.at("struct K");
  EXPECT_EQ(field(k, "p").type->btf_id, 7u);
  EXPECT_EQ(field(k, "p").type->fields.size(), 1u);
  EXPECT_EQ(field(k, "t").offset, 16u);
  const auto& t = *field(k, "t").type;
  EXPECT_EQ(t.btf_id, 9u);
  EXPECT_EQ(t.pointee->btf_id, 9u);
  EXPECT_EQ(t.pointee->size, 4096u);
  EXPECT_TRUE(t.pointee->fields.empty());
  EXPECT_TRUE(field(k, "pid").type->is_signed);
  EXPECT_FALSE(field(k, "ty").type->is_signed);
  const auto& m = *field(k, "m").type;
  EXPECT_EQ(m.pointee->name, "mystery");
  EXPECT_EQ(m.pointee->size, 0u);
  EXPECT_EQ(m.btf_id, 0u);
  EXPECT_EQ(k.size, 40u);
  std::vector<std::string> want = {"path/record", "task_struct/record", "pid_t/name",
                                   "pid_type/name", "mystery/record"};
  EXPECT_EQ(g_external_calls, want);
}

TEST(Cdecl, PreambleShadowsExternal) {
  auto r = run1("struct path { int mine; }; struct U { struct path p; struct path *pp; };");
  ASSERT_EQ(r.rendered, "");
  const auto& u = r.types.records.at("struct U");
  EXPECT_EQ(field(u, "p").type->btf_id, 0u);
  EXPECT_EQ(field(u, "p").type->size, 4u);
  EXPECT_EQ(field(u, "pp").type->btf_id, 0u);
  EXPECT_TRUE(g_external_calls.empty());
}

TEST(Cdecl, NoExternalResolver) {
  auto r = run({"struct A { u32 a; struct path p; };"}, {}, ExternalTypes{});
  ASSERT_EQ(r.diags.size(), 1u);
  EXPECT_EQ(r.diags.all()[0].message, "field 'p' has incomplete type 'struct path'");
}

TEST(Cdecl, UnknownTypeNameInTypedefAndPoisonDoesNotCascade) {
  auto r = run({"typedef mystery_t alias_t;", "struct A { alias_t a; };", "struct B { struct A a; };"});
  ASSERT_EQ(r.diags.size(), 1u) << r.rendered;
  EXPECT_EQ(r.diags.all()[0].message, "unknown type name 'mystery_t'");
  EXPECT_EQ(r.types.typedefs.count("alias_t"), 0u);
}

TEST(Cdecl, TypedefForwardCompletion) {
  auto r = run1("typedef struct node node; struct node { node *next; int v; }; typedef node *node_p;"
                " struct holder { node n; node_p p; };");
  ASSERT_EQ(r.rendered, "");
  const auto& td = r.types.typedefs.at("node");
  EXPECT_EQ(td.kind, ast::TypeKind::Record);
  EXPECT_EQ(td.size, 16u);
  EXPECT_EQ(td.fields.size(), 2u);
  EXPECT_EQ(r.types.typedefs.at("node_p").pointee->size, 16u);
  EXPECT_EQ(r.types.records.at("struct holder").size, 24u);
}

TEST(Cdecl, TypedefsOfTypes) {
  auto r = run1("typedef unsigned int u32_t, *u32_p; typedef struct { char c; } anon_t;"
                " typedef u32_t again_t; typedef int arr_t[3];");
  ASSERT_EQ(r.rendered, "");
  EXPECT_FALSE(r.types.typedefs.at("u32_t").is_signed);
  EXPECT_EQ(r.types.typedefs.at("u32_p").kind, ast::TypeKind::Pointer);
  EXPECT_EQ(r.types.typedefs.at("anon_t").fields.size(), 1u);
  EXPECT_EQ(r.types.typedefs.at("again_t").size, 4u);
  EXPECT_EQ(r.types.typedefs.at("arr_t").size, 12u);
  EXPECT_TRUE(r.types.records.empty());
}

TEST(Cdecl, TypedefNameMayBeAFieldName) {
  auto r = run1("typedef int count_t; struct A { count_t count_t; unsigned u8; };");
  ASSERT_EQ(r.rendered, "");
  EXPECT_EQ(r.types.records.at("struct A").fields[1].name, "u8");
}

TEST(Cdecl, EnumTypesAndValues) {
  auto r = run1("enum E { A, B = 10, C, D = B + C * 2 }; enum N { M = -5, M2 }; enum W { BIG = 1UL << 40 };"
                " enum { LOOSE = D };");
  ASSERT_EQ(r.rendered, "");
  EXPECT_EQ(r.types.enum_values.at("C"), 11);
  EXPECT_EQ(r.types.enum_values.at("D"), 32);
  EXPECT_EQ(r.types.enum_values.at("M2"), -4);
  EXPECT_EQ(r.types.enum_values.at("LOOSE"), 32);
  EXPECT_EQ(r.types.enum_values.at("BIG"), int64_t(1) << 40);
  EXPECT_FALSE(r.types.enums.at("enum E").is_signed);
  EXPECT_EQ(r.types.enums.at("enum E").size, 4u);
  EXPECT_TRUE(r.types.enums.at("enum N").is_signed);
  EXPECT_EQ(r.types.enums.at("enum W").size, 8u);
  EXPECT_EQ(r.types.enums.size(), 3u);
}

TEST(Cdecl, ConstantExpressions) {
  auto r = run1("struct S { long l; char c; }; enum X { SH = (1 << 3) | 1, TER = SH > 4 ? 100 : 200,"
                " CAST = (unsigned char)300, SZ = sizeof(struct S), AL = _Alignof(long), CH = 'A',"
                " NEG = -1, UCMP = -1 < 0u, DIV = -7 / 2, MOD = -7 % 2, NOT = !0 + ~0, XOR = 6 ^ 3,"
                " LOGIC = (1 && 0) || 1, SHR = -16 >> 2, PTR = sizeof(char *) * 2 };");
  ASSERT_EQ(r.rendered, "");
  auto v = [&](const char* n) { return r.types.enum_values.at(n); };
  EXPECT_EQ(v("SH"), 9);
  EXPECT_EQ(v("TER"), 100);
  EXPECT_EQ(v("CAST"), 44);
  EXPECT_EQ(v("SZ"), 16);
  EXPECT_EQ(v("AL"), 8);
  EXPECT_EQ(v("CH"), 65);
  EXPECT_EQ(v("UCMP"), 0); // -1 converts to a huge unsigned value
  EXPECT_EQ(v("DIV"), -3);
  EXPECT_EQ(v("MOD"), -1);
  EXPECT_EQ(v("NOT"), 0);
  EXPECT_EQ(v("XOR"), 5);
  EXPECT_EQ(v("LOGIC"), 1);
  EXPECT_EQ(v("SHR"), -4);
  EXPECT_EQ(v("PTR"), 16);
}

TEST(Cdecl, EnumForwardAndUse) {
  auto r = run1("enum later_e; struct S { enum later_e x; };");
  ASSERT_EQ(r.diags.size(), 1u);
  EXPECT_EQ(r.diags.all()[0].message, "field 'x' has incomplete type 'enum later_e'");
}

TEST(Cdecl, LaterDefinitionsSeeEarlierOnes) {
  auto r = run({"struct A { int x; };", "typedef struct A A_t;", "struct B { A_t a[2]; struct A *p; };"});
  ASSERT_EQ(r.rendered, "");
  EXPECT_EQ(r.types.records.at("struct B").size, 16u);
}

TEST(Cdecl, SyntaxErrorLosesOnlyItsDefinition) {
  auto r = run({"struct A { int x y; };", "struct B { int ok; };", "struct C { int z; ]"});
  ASSERT_EQ(r.diags.error_count(), 2u) << r.rendered;
  EXPECT_NE(r.rendered.find("expected ';' after the member declaration, found 'y'"), std::string::npos);
  EXPECT_NE(r.rendered.find("found ']'"), std::string::npos);
  EXPECT_EQ(r.types.records.count("struct A"), 0u);
  EXPECT_EQ(r.types.records.count("struct B"), 1u);
}

TEST(Cdecl, SyntaxErrorAtEndOfDefinition) {
  auto r = run1("struct A { int x;");
  ASSERT_EQ(r.diags.size(), 1u);
  EXPECT_EQ(r.diags.all()[0].message,
            "syntax error in C definition: expected '}' to end the struct, found end of definition");
}

TEST(Cdecl, UnknownAttributesAreIgnored) {
  auto r = run1("struct __attribute__((preserve_access_index)) A { int *__attribute__((btf_type_tag(\"user\"))) p;"
                " int x __attribute__((deprecated, unused)); } __attribute__((__aligned__(16)));");
  ASSERT_EQ(r.rendered, "");
  EXPECT_EQ(r.types.records.at("struct A").size, 16u);
  EXPECT_EQ(r.types.record_aligns.at("struct A"), 16u);
}

TEST(Cdecl, BadAlignment) {
  auto r = run1("struct A { int x __attribute__((aligned(3))); };");
  ASSERT_EQ(r.diags.size(), 1u);
  EXPECT_EQ(r.diags.all()[0].message, "requested alignment is not a positive power of 2");
}

TEST(Cdecl, VariablesAreIgnoredWithAWarning) {
  auto r = run1("struct A { int x; } a_var;");
  EXPECT_FALSE(r.diags.has_errors());
  ASSERT_EQ(r.diags.size(), 1u);
  EXPECT_EQ(r.diags.all()[0].severity, diag::Severity::Warning);
  EXPECT_EQ(r.types.records.count("struct A"), 1u);
}

TEST(Cdecl, ForwardDeclarationsAreNotRecords) {
  auto r = run1("struct fwd; union ufwd;");
  ASSERT_EQ(r.rendered, "");
  EXPECT_TRUE(r.types.records.empty());
}

TEST(Cdecl, BitfieldErrors) {
  auto r = run({"struct A { int *p : 3; };", "struct B { int x : -1; };", "struct C { bool b : 2; };"});
  ASSERT_EQ(r.diags.size(), 3u) << r.rendered;
  EXPECT_EQ(r.diags.all()[0].message, "bit-field 'p' has non-integer type 'int *'");
  EXPECT_EQ(r.diags.all()[1].message, "bit-field 'x' has negative width (-1)");
  EXPECT_EQ(r.diags.all()[2].message,
            "width of bit-field 'b' (2 bits) exceeds the width of its type (1 bit)");
}

TEST(Cdecl, DuplicateThroughAnonymousMembers) {
  auto r = run1("struct A { union { int a; }; struct { char a; }; };");
  ASSERT_EQ(r.diags.size(), 1u);
  EXPECT_EQ(r.diags.all()[0].message, "duplicate member 'a'");
}

TEST(Cdecl, DeepNestingIsAnErrorNotACrash) {
  std::string parens(5000, '(');
  auto r = run1("struct A { int x[" + parens + "1]; };");
  ASSERT_EQ(r.diags.size(), 1u);
  EXPECT_EQ(r.diags.all()[0].message, "C definition is nested too deeply");
  std::string nested;
  for (int i = 0; i < 1000; ++i) nested += "struct { ";
  auto r2 = run1("struct B { " + nested);
  EXPECT_TRUE(r2.diags.has_errors());
}

TEST(Cdecl, EveryPrefixParsesWithoutCrashing) {
  const std::string text =
      "typedef struct n { unsigned int a : 3, : 0; union { long l; char *p[2]; }; "
      "int (*f)(int); enum e { X = 1 << 2, Y } k; char s[sizeof(long) * 2]; "
      "struct n *next; } __attribute__((packed, aligned(8))) n_t;";
  for (size_t n = 0; n <= text.size(); ++n) {
    auto r = run1(text.substr(0, n));
    (void)r;
  }
  auto full = run1(text);
  EXPECT_EQ(full.rendered, "");
  EXPECT_EQ(full.types.records.at("struct n").size, 56u); // gcc: `:0` still aligns in a packed struct
}

TEST(Cdecl, DumpLayoutFormat) {
  auto r = run1("struct S { char c; int x : 3; }; typedef struct S S_t; enum E { ONE = 1 };");
  EXPECT_EQ(dump_layout(r.types),
            "struct S size 4 align 4\n"
            "  c @0 size 1 int8\n"
            "  x @1 bits 8+3 int32\n"
            "typedef S_t = struct S size 4\n"
            "enum E = unsigned int32\n"
            "enumerator ONE = 1\n");
}

} // namespace
} // namespace btc::cdecl
