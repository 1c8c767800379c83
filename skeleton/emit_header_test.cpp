// skeleton/emit_header_test.cpp: our .skel.h against bpftool's for the same object, and that
// it compiles (C and C++) and opens the embedded object through libbpf.
#include "emit_header.h"

#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "test_support.h"

namespace btc::skel {
namespace {

using Names = std::set<std::string>;

Names all_matches(const std::string& text, const std::string& pattern) {
  Names out;
  std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it)
    out.insert((*it)[1].str());
  return out;
}

// The variable names declared in `struct <obj>__<sec> { ... } *<sec>;`.
Names datasec_vars(const std::string& header, const std::string& obj, const std::string& sec) {
  std::smatch m;
  std::regex block("struct " + obj + "__" + sec + " \\{([^}]*)\\} \\*" + sec + ";");
  if (!std::regex_search(header, m, block))
    return {};
  return all_matches(m[1].str(), "(\\w+)(?:\\[\\d+\\])?;");
}

// What two skeleton headers must agree on, whitespace and body details aside.
struct HeaderFacts {
  Names map_fields, map_names, prog_fields, prog_names, rodata, bss, functions, members;
  std::string elf_size;
};

HeaderFacts facts(const std::string& h, const std::string& obj) {
  HeaderFacts f;
  f.map_fields = all_matches(h, "struct bpf_map \\*(\\w+);");
  f.map_names = all_matches(h, "s->maps\\[\\d+\\]\\.name = \"([^\"]+)\"");
  f.prog_fields = all_matches(h, "struct bpf_program \\*(\\w+);");
  f.prog_names = all_matches(h, "s->progs\\[\\d+\\]\\.name = \"([^\"]+)\"");
  f.rodata = datasec_vars(h, obj, "rodata");
  f.bss = datasec_vars(h, obj, "bss");
  f.functions = all_matches(h, "\\b(" + obj + "__\\w+)\\s*\\(");
  f.members = all_matches(h, obj + "::(\\w+)\\s*\\(");
  std::smatch m;
  if (std::regex_search(h, m, std::regex("\\*sz = (\\d+);")))
    f.elf_size = m[1].str();
  return f;
}

class EmitHeaderTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto obj = test::sample_object();
    ASSERT_TRUE(static_cast<bool>(obj)) << llvm::toString(obj.takeError());
    obj_ = std::move(*obj);
    auto model = build_model(obj_, "sample");
    ASSERT_TRUE(static_cast<bool>(model)) << llvm::toString(model.takeError());
    header_ = emit_header(*model, obj_);
  }

  std::vector<uint8_t> obj_;
  std::string header_;
  test::TempDir dir_;
};

TEST_F(EmitHeaderTest, DeclaresWhatBpftoolDeclares) {
  if (!test::have_program("bpftool"))
    GTEST_SKIP() << "bpftool is not installed; cannot compare with `bpftool gen skeleton`";
  ASSERT_TRUE(test::write_file(dir_.file("sample.bpf.o"), obj_));
  std::string theirs;
  int rc = test::run_command("bpftool gen skeleton " + dir_.file("sample.bpf.o") +
                                 " name sample 2>/dev/null",
                             theirs);
  ASSERT_EQ(rc, 0) << theirs;

  HeaderFacts want = facts(theirs, "sample");
  HeaderFacts got = facts(header_, "sample");
  EXPECT_EQ(got.map_fields, want.map_fields);
  EXPECT_EQ(got.map_names, want.map_names);
  EXPECT_EQ(got.prog_fields, want.prog_fields);
  EXPECT_EQ(got.prog_names, want.prog_names);
  EXPECT_EQ(got.rodata, want.rodata);
  EXPECT_EQ(got.bss, want.bss);
  EXPECT_EQ(got.functions, want.functions);
  EXPECT_EQ(got.members, want.members);
  EXPECT_EQ(got.elf_size, want.elf_size);
  // Guard against both sides being empty because a pattern stopped matching.
  EXPECT_EQ(got.rodata, Names{"btc_config"});
  EXPECT_EQ(got.map_fields,
            (Names{"events", "counts", "rodata", "bss", "rodata_str1_1"}));
  EXPECT_EQ(got.prog_names, (Names{"BEGIN_1", "profile_hz_99", "tp_openat"}));
  EXPECT_TRUE(got.functions.count("sample__open_and_load"));
}

TEST_F(EmitHeaderTest, CompilesAsCAndCxx) {
  ASSERT_TRUE(test::write_file(dir_.file("sample.skel.h"), header_));
  const std::string use = "#include \"sample.skel.h\"\n"
                          "int use(void) {\n"
                          "  struct sample *s = sample__open();\n"
                          "  if (!s)\n"
                          "    return 1;\n"
                          "  s->rodata->btc_config.target_pid = 1;\n"
                          "  sample__destroy(s);\n"
                          "  return 0;\n"
                          "}\n";
  ASSERT_TRUE(test::write_file(dir_.file("use.c"), use));
  ASSERT_TRUE(test::write_file(dir_.file("use.cpp"), use));
  bool ran = false;
  std::string out;
  if (test::have_program("cc")) {
    ran = true;
    EXPECT_EQ(test::run_command("cc -std=gnu11 -Wall -Werror -Wno-unused-function "
                                "-fsyntax-only " + dir_.file("use.c"), out), 0) << out;
  }
  if (test::have_program("c++")) {
    ran = true;
    EXPECT_EQ(test::run_command("c++ -std=c++17 -Wall -Werror -Wno-unused-function "
                                "-fsyntax-only " + dir_.file("use.cpp"), out), 0) << out;
  }
  if (!ran)
    GTEST_SKIP() << "no C or C++ compiler (cc, c++) on PATH";
}

// The embedded literal must reproduce the object byte for byte, and libbpf must open it.
TEST_F(EmitHeaderTest, EmbeddedObjectOpensWithLibbpf) {
  if (!test::have_program("c++"))
    GTEST_SKIP() << "no C++ compiler (c++) on PATH";
  ASSERT_TRUE(test::write_file(dir_.file("sample.skel.h"), header_));
  ASSERT_TRUE(test::write_file(dir_.file("sample.bpf.o"), obj_));
  const std::string prog =
      "#include <cstdio>\n#include <cstring>\n#include <vector>\n#include \"sample.skel.h\"\n"
      "int main(int argc, char** argv) {\n"
      "  FILE* f = std::fopen(argv[1], \"rb\"); std::vector<char> want(1 << 20);\n"
      "  size_t n = std::fread(want.data(), 1, want.size(), f); std::fclose(f);\n"
      "  size_t sz = 0; const void* got = sample::elf_bytes(&sz);\n"
      "  if (sz != n || std::memcmp(got, want.data(), n) != 0) return 2;\n"
      "  sample* s = sample::open(); if (!s) return 3;\n"
      "  if (!s->maps.events || !s->maps.rodata || !s->progs.BEGIN_1 || !s->rodata) return 4;\n"
      "  s->rodata->btc_config.target_pid = 42; s->bss->nr_events = 1;\n"
      "  sample::destroy(s); std::puts(\"ok\"); return 0; }\n";
  ASSERT_TRUE(test::write_file(dir_.file("open.cpp"), prog));
  std::string out;
  ASSERT_EQ(test::run_command("c++ -std=c++17 -o " + dir_.file("open") + " " +
                                  dir_.file("open.cpp") + " -lbpf",
                              out),
            0)
      << out;
  EXPECT_EQ(test::run_command(dir_.file("open") + " " + dir_.file("sample.bpf.o"), out), 0)
      << out;
  EXPECT_NE(out.find("ok"), std::string::npos) << out;
}

TEST(EmitHeaderIdent, SanitisesTheObjectName) {
  SkeletonModel model;
  model.name = "my-tool";
  std::vector<uint8_t> bytes = {0x7f, 'E', 'L', 'F', 0};
  std::string h = emit_header(model, bytes);
  EXPECT_NE(h.find("struct my_tool {"), std::string::npos);
  EXPECT_NE(h.find("s->name = \"my-tool\";"), std::string::npos);
  EXPECT_NE(h.find("#ifndef __MY_TOOL_SKEL_H__"), std::string::npos);
  EXPECT_NE(h.find("\\x7f\\x45\\x4c\\x46\\0"), std::string::npos);
}

// A variable that natural alignment would not place at its offset gets explicit padding.
TEST(EmitHeaderDatasec, PadsToTheBpfOffsets) {
  SkeletonModel model;
  model.name = "pad";
  MapModel data;
  data.name = "pad.data";
  data.ident = "data";
  data.internal = true;
  data.mmapable = true;
  data.vars = {{"a", 0, 4, 4, "int a"}, {"b", 16, 8, 8, "long b"}, {"c", 24, 4, 4, "int c"}};
  model.maps.push_back(data);
  std::string h = emit_header(model, std::vector<uint8_t>{0});
  EXPECT_NE(h.find("\tstruct pad__data {\n\t\tint a;\n\t\tchar __pad0[12];\n\t\tlong b;\n"
                   "\t\tint c;\n\t} *data;\n"),
            std::string::npos)
      << h;
  EXPECT_NE(h.find("_Static_assert(sizeof(s->data->b) == 8"), std::string::npos);
}

} // namespace
} // namespace btc::skel
