// addr_space_test.cpp: which memory sema says a value points into (ast::AddrSpace): decided by
// the probe kind, kept by casts, arithmetic, dereferences, fields, variables and maps,
// overridden by kptr()/uptr(). Scripts use preamble structs, so no kernel BTF is needed.
#include "parse/parser.h"
#include "sema/sema.h"

#include <gtest/gtest.h>

namespace btc::sema {
namespace {

using ast::AddrSpace;

struct Analysed {
  std::optional<ProgramInfo> info;
  std::string errors;
};

Analysed analyse_text(const std::string& text) {
  source::SourceFile file("test.bt", text);
  diag::Diagnostics diags;
  ast::Program program = parse::parse(file, diags);
  Analysed out;
  if (!diags.has_errors()) {
    SemaOptions options;
    options.source = &file;
    out.info = analyse(program, options, diags);
  }
  for (const auto& d : diags.all()) out.errors += d.message + "\n";
  return out;
}

// The type of scratch variable `var` in the first probe of `text`.
ast::Type var_type(const std::string& text, const std::string& var) {
  Analysed a = analyse_text(text);
  EXPECT_TRUE(a.info) << a.errors;
  if (!a.info) return {};
  const auto& vars = a.info->probes.at(0).vars;
  auto it = vars.find(var);
  EXPECT_NE(it, vars.end()) << var;
  return it == vars.end() ? ast::Type{} : it->second;
}

const char* kPair = "struct pair { int a; int b; struct pair *next; int *p[2]; };\n";

std::string probe(const std::string& attach, const std::string& body) {
  return std::string(kPair) + attach + " { " + body + " }";
}

TEST(AddrSpaceTest, UprobeArgumentsPointIntoTheProcess) {
  auto text = probe("uprobe:/bin/true:main", "$p = (struct pair *)arg0;");
  EXPECT_EQ(var_type(text, "$p").as, AddrSpace::User);
}

TEST(AddrSpaceTest, KprobeArgumentsPointIntoTheKernel) {
  auto text = probe("kprobe:vfs_read", "$p = (struct pair *)arg0;");
  EXPECT_EQ(var_type(text, "$p").as, AddrSpace::Kernel);
}

TEST(AddrSpaceTest, UretprobeRetvalAndUsdtArgumentsAreUser) {
  EXPECT_EQ(var_type(probe("uretprobe:/bin/true:main", "$r = retval;"), "$r").as, AddrSpace::User);
  EXPECT_EQ(var_type(probe("usdt:/bin/true:p:n", "$a = arg1;"), "$a").as, AddrSpace::User);
}

TEST(AddrSpaceTest, ProfileIntegersPointNowhereKnown) {
  // 0.17 reads these with bpf_probe_read, which picks by address.
  auto text = probe("profile:hz:99", "$p = (struct pair *)0x1000;");
  EXPECT_EQ(var_type(text, "$p").as, AddrSpace::None);
}

TEST(AddrSpaceTest, CastOfAnUnknownIntegerTakesTheProbesMemory) {
  auto text = probe("uprobe:/bin/true:main", "$p = (struct pair *)0x1000;");
  EXPECT_EQ(var_type(text, "$p").as, AddrSpace::User);
}

TEST(AddrSpaceTest, DereferenceFieldAndIndexKeepIt) {
  auto text = probe("uprobe:/bin/true:main",
                    "$p = (struct pair *)arg0; $v = *$p; $n = $p->next; $e = $p->p[1]; "
                    "$pp = (int32 **)arg0; $q = *$pp; $i = $pp[1];");
  EXPECT_EQ(var_type(text, "$v").as, AddrSpace::User); // a record copied from the process
  EXPECT_EQ(var_type(text, "$n").as, AddrSpace::User);
  EXPECT_EQ(var_type(text, "$e").as, AddrSpace::User); // an element of a pointer array
  EXPECT_EQ(var_type(text, "$q").as, AddrSpace::User); // **pp reads both levels from the process
  EXPECT_EQ(var_type(text, "$i").as, AddrSpace::User);
}

TEST(AddrSpaceTest, ArithmeticKeepsItAndMixingSpacesLosesIt) {
  auto text = probe("uprobe:/bin/true:main",
                    "$p = (struct pair *)arg0 + 1; $s = arg0 + 8; $m = arg0 + kptr(8);");
  EXPECT_EQ(var_type(text, "$p").as, AddrSpace::User);
  EXPECT_EQ(var_type(text, "$s").as, AddrSpace::User);
  EXPECT_EQ(var_type(text, "$m").as, AddrSpace::None);
}

TEST(AddrSpaceTest, KptrAndUptrOverride) {
  EXPECT_EQ(var_type(probe("uprobe:/bin/true:main", "$p = kptr((struct pair *)arg0);"), "$p").as,
            AddrSpace::Kernel);
  EXPECT_EQ(var_type(probe("kprobe:vfs_read", "$p = uptr((struct pair *)arg1);"), "$p").as,
            AddrSpace::User);
}

TEST(AddrSpaceTest, MapsKeepIt) {
  Analysed a = analyse_text(probe("uprobe:/bin/true:main", "@p = (struct pair *)arg0; @i = arg0;"));
  ASSERT_TRUE(a.info) << a.errors;
  ASSERT_EQ(a.info->maps.size(), 2u);
  for (const auto& m : a.info->maps) EXPECT_EQ(m.value_type.as, AddrSpace::User) << m.name;
}

TEST(AddrSpaceTest, PointerArithmeticForms) {
  auto text =
      probe("uprobe:/bin/true:main",
            "$p = (struct pair *)arg0; $p++; --$p; $p += 2; $d = $p - (struct pair *)arg0;");
  EXPECT_TRUE(var_type(text, "$p").is_pointer());
  EXPECT_TRUE(var_type(text, "$d").is_integer());
}

TEST(AddrSpaceTest, PointerArithmeticErrorsUseZeroSeventeensWords) {
  Analysed a = analyse_text(probe("uprobe:/bin/true:main", "$p = (int32 *)arg0; $x = $p * 2;"));
  EXPECT_NE(a.errors.find("The * operator can not be used on expressions of types int32 *, int64"),
            std::string::npos)
      << a.errors;
  a = analyse_text(probe("uprobe:/bin/true:main", "$p = (int32 *)arg0; $p *= 2;"));
  EXPECT_NE(a.errors.find("The * operator can not be used on expressions of types int32 *, int64"),
            std::string::npos)
      << a.errors;
  a = analyse_text(probe("uprobe:/bin/true:main", "$p = (int32 *)arg0; $i = 1; $x = $p[$i];"));
  EXPECT_NE(a.errors.find("The array index operator [] only accepts literal integer indices."),
            std::string::npos)
      << a.errors;
}

} // namespace
} // namespace btc::sema
