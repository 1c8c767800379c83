// robustness_test.cpp: the parser never crashes or hangs: every prefix, every single-byte
// deletion and pseudo-random byte mutations of valid programs, plus pathological nesting,
// must finish (the test would time out otherwise) and report errors through Diagnostics.
#include "ast/printer.h"
#include "parse/parser.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace btc::parse {
namespace {

const std::vector<std::string>& corpus() {
  static const std::vector<std::string> k = {
      "#!/usr/bin/env bpftrace\n#include <linux/sched.h>\n#define N 3\n"
      "struct S { int a; char b[4]; };\n"
      "kprobe:f, uprobe:/bin/bash:readline /pid == N && comm != \"x\"/ {\n"
      "  @m[pid, comm] = count(); $x = (struct S *)arg0; @y = $x->a + sizeof(uint32);\n"
      "  if ($x) { unroll(2) { @z++; } } else if (1) { while (1) { break; } } else { return }\n"
      "  printf(\"%d %s\\n\", (1, \"a\").0, str(args->filename));\n"
      "  @h = hist(-5 ? 1 : 2); /* c */ // d\n"
      "}\nEND { clear(@m); }\n",
      "t:syscalls:sys_enter_* /args->ret/ { @[probe] = count(); } i:s:$1 { exit(); }",
      "BEGIN { @a = 'c' + 0x1f + 1e6 + 017 + 1_000; $t = ((path *)0)->x.y[2]; ++@q; --$r; }",
      "#ifndef BPFTRACE_HAVE_BTF\nstruct x { int a; }\n#endif\nBEGIN { @ = offsetof(struct x, a); }",
  };
  return k;
}

void parse_quietly(const std::string& text) {
  source::SourceFile file("fuzz.bt", text);
  diag::Diagnostics diags;
  ast::Program prog = parse(file, diags);
  // Rendering and printing must not crash either.
  (void)diag::render_all(diags, file);
  (void)ast::print(prog);
}

TEST(Robustness, CorpusParsesCleanly) {
  for (const auto& text : corpus()) {
    source::SourceFile file("c.bt", text);
    diag::Diagnostics diags;
    parse(file, diags);
    EXPECT_FALSE(diags.has_errors()) << text << "\n" << diag::render_all(diags, file);
  }
}

TEST(Robustness, EveryPrefix) {
  for (const auto& text : corpus())
    for (size_t n = 0; n <= text.size(); ++n) parse_quietly(text.substr(0, n));
}

TEST(Robustness, EverySingleDeletion) {
  for (const auto& text : corpus())
    for (size_t i = 0; i < text.size(); ++i) parse_quietly(text.substr(0, i) + text.substr(i + 1));
}

TEST(Robustness, RandomMutations) {
  const std::string alphabet = "{}()[]/;,:\"'*$@#!~-+<>=&|^%?.\\ \n\t0aZ_x1e";
  uint64_t state = 0x9e3779b97f4a7c15ull;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  for (const auto& base : corpus()) {
    for (int round = 0; round < 400; ++round) {
      std::string text = base;
      int edits = 1 + static_cast<int>(next() % 4);
      for (int e = 0; e < edits && !text.empty(); ++e) {
        size_t pos = next() % text.size();
        char c = alphabet[next() % alphabet.size()];
        switch (next() % 3) {
        case 0: text[pos] = c; break;
        case 1: text.insert(text.begin() + static_cast<long>(pos), c); break;
        case 2: text.erase(pos, 1 + next() % 8); break;
        }
      }
      parse_quietly(text);
    }
  }
}

TEST(Robustness, DeepNestingIsAnErrorNotACrash) {
  std::string deep = "BEGIN { @ = " + std::string(100000, '(') + "1" + std::string(100000, ')') + " }";
  source::SourceFile file("deep.bt", deep);
  diag::Diagnostics diags;
  parse(file, diags);
  EXPECT_TRUE(diags.has_errors());
  std::string blocks = "BEGIN { " ;
  for (int i = 0; i < 50000; ++i) blocks += "if (1) { ";
  source::SourceFile file2("deep2.bt", blocks);
  diag::Diagnostics diags2;
  parse(file2, diags2);
  EXPECT_TRUE(diags2.has_errors());
  std::string unary = "BEGIN { @ = " + std::string(100000, '-') + "1 }";
  source::SourceFile file3("deep3.bt", unary);
  diag::Diagnostics diags3;
  parse(file3, diags3);
  EXPECT_TRUE(diags3.has_errors());
}

TEST(Robustness, GarbageInputs) {
  for (const char* s : {"", "{", "}", "/", "//", "/*", "#", "#if", "#endif", "struct", "struct {",
                        "\"", "'", "$", "@", ",", "BEGIN,", "BEGIN /", "BEGIN / 1", "BEGIN /1/",
                        "a:b:c:", "*", "*:*", "\\", "\x01\x02\xff", "BEGIN { ((((", "BEGIN { $x = }",
                        "BEGIN { @[ }", "BEGIN { (struct", "BEGIN { sizeof(", "BEGIN { offsetof(",
                        "BEGIN { 1 ? }", "BEGIN { 1 ? 2 : }", "BEGIN { @x[1,] = 1 }",
                        "BEGIN { if (1) { } else }", "BEGIN { unroll", "BEGIN {}}}}}}"})
    parse_quietly(s);
}

} // namespace
} // namespace btc::parse
