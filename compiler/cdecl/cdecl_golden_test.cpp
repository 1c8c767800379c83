// cdecl_golden_test.cpp: file-driven tests of the C declaration parser.
//
// tests/cdecl/<name>.h holds definitions (with #define lines); <name>.layout is the expected
// dump_layout output followed by the rendered diagnostics. Files without a "// nogcc" line
// are also compiled with the system gcc (skipped when absent): every record's size, alignment
// and every field's offset/size (bit position and width for bitfields) must match ours.
// Debian's bpftrace tools (/usr/sbin/*.bt, skipped when absent) must parse without errors.
// BTC_UPDATE_GOLDENS=1 rewrites the .layout files (review the diff before committing).
#include "cdecl/cdecl.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace btc::cdecl {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Cuts one C definition starting at `start` the way the script lexer does
// (parse/lexer.cpp lex_c_definition): `//` comments dropped, `/* */` comments kept as their
// newlines plus a space, up to a ';' at depth 0 or the closing brace (plus an optional ';').
// `whole`: only a ';' at depth 0 ends it (C declarations: `typedef struct {...} T;`,
// `struct S {...} __attribute__((packed));`), which the goldens use.
size_t cut_definition(const std::string& src, size_t start, std::string& text, bool whole) {
  size_t pos = start;
  int depth = 0;
  bool opened = false;
  text.clear();
  auto at = [&](size_t k) { return k < src.size() ? src[k] : '\0'; };
  while (pos < src.size()) {
    char c = src[pos];
    if (c == '/' && at(pos + 1) == '/') {
      while (pos < src.size() && src[pos] != '\n') ++pos;
      continue;
    }
    if (c == '/' && at(pos + 1) == '*') {
      pos += 2;
      while (pos < src.size() && !(src[pos] == '*' && at(pos + 1) == '/')) {
        if (src[pos] == '\n') text += '\n';
        ++pos;
      }
      pos += 2;
      text += ' ';
      continue;
    }
    text += c;
    ++pos;
    if (c == ';' && depth == 0) return pos;
    if (c == '{') {
      ++depth;
      opened = true;
    } else if (c == '}' && depth > 0 && --depth == 0 && opened && !whole) {
      size_t save = pos;
      std::string ws;
      while (pos < src.size() && isspace(static_cast<unsigned char>(src[pos]))) ws += src[pos++];
      if (pos < src.size() && src[pos] == ';') {
        text += ws + ";";
        return pos + 1;
      }
      return save;
    }
  }
  return pos;
}

// Splits a preamble into CDefinitions and #defines as the script parser would. With
// `stop_at_probe`, the first line that starts no definition ends the preamble (a probe);
// otherwise everything that is not a directive is a definition.
void split_preamble(const std::string& src, std::vector<ast::CDefinition>& defs,
                    std::vector<ast::Define>& defines, bool stop_at_probe) {
  size_t pos = 0;
  while (pos < src.size()) {
    if (isspace(static_cast<unsigned char>(src[pos]))) {
      ++pos;
      continue;
    }
    if (src.compare(pos, 2, "//") == 0) {
      pos = src.find('\n', pos);
      if (pos == std::string::npos) break;
      continue;
    }
    if (src.compare(pos, 2, "/*") == 0) {
      pos = src.find("*/", pos + 2);
      if (pos == std::string::npos) break;
      pos += 2;
      continue;
    }
    if (src[pos] == '#') {
      size_t eol = src.find('\n', pos);
      if (eol == std::string::npos) eol = src.size();
      std::istringstream ls(src.substr(pos + 1, eol - pos - 1));
      std::string kw, name;
      ls >> kw >> name;
      if (kw == "define" && !name.empty() && name.find('(') == std::string::npos) {
        std::string value;
        std::getline(ls, value);
        value.erase(0, value.find_first_not_of(" \t"));
        defines.push_back({name, value, {static_cast<uint32_t>(pos), static_cast<uint32_t>(eol)}});
      }
      pos = eol;
      continue;
    }
    if (stop_at_probe) {
      bool starts_def = false;
      for (std::string kw : {"struct", "union", "enum", "typedef"})
        if (src.compare(pos, kw.size(), kw) == 0 && pos + kw.size() < src.size() &&
            !isalnum(static_cast<unsigned char>(src[pos + kw.size()])) &&
            src[pos + kw.size()] != '_')
          starts_def = true;
      if (!starts_def) break;
    }
    ast::CDefinition def;
    size_t end = cut_definition(src, pos, def.text, !stop_at_probe);
    def.range = {static_cast<uint32_t>(pos), static_cast<uint32_t>(end)};
    defs.push_back(std::move(def));
    pos = end;
  }
}

ast::Type record(const char* name, uint32_t size, uint32_t btf_id,
                 std::vector<std::tuple<const char*, uint32_t, ast::Type>> fields) {
  ast::Type t;
  t.kind = ast::TypeKind::Record;
  t.name = name;
  t.size = size;
  t.btf_id = btf_id;
  for (auto& [n, off, ty] : fields) {
    ast::RecordField f;
    f.name = n;
    f.offset = off;
    f.type = std::make_shared<const ast::Type>(ty);
    t.fields.push_back(std::move(f));
  }
  return t;
}

ast::Type ptr_to(ast::Type t) {
  ast::Type p = ast::Type::simple(ast::TypeKind::Pointer, 8);
  p.pointee = std::make_shared<const ast::Type>(std::move(t));
  return p;
}

// A few kernel types, as the BTF resolver would return them.
std::optional<ast::Type> fake_kernel(std::string_view name, bool is_record) {
  if (is_record) {
    if (name == "path")
      return record("path", 16, 101, {{"mnt", 0, ptr_to(ast::Type::none())},
                                      {"dentry", 8, ptr_to(ast::Type::none())}});
    if (name == "qstr")
      return record("qstr", 16, 102, {{"hash_len", 0, ast::Type::uint64()},
                                      {"name", 8, ptr_to(ast::Type::integer(1, false))}});
    if (name == "load_weight")
      return record("load_weight", 16, 103, {{"weight", 0, ast::Type::uint64()},
                                             {"inv_weight", 8, ast::Type::integer(4, false)}});
    if (name == "task_struct") return record("task_struct", 9024, 104, {});
    return std::nullopt;
  }
  if (name == "pid_t") return ast::Type::integer(4, true);
  if (name == "pid_type") return ast::Type::integer(4, false);
  if (name == "sector_t") return ast::Type::uint64();
  return std::nullopt;
}

struct Parsed {
  CTypes types;
  std::string diags;
  bool has_errors = false;
};

Parsed parse_file(const fs::path& p) {
  std::string text = read_file(p);
  source::SourceFile file(p.filename().string(), text);
  std::vector<ast::CDefinition> defs;
  std::vector<ast::Define> defines;
  split_preamble(text, defs, defines, false);
  diag::Diagnostics diags;
  Parsed out;
  out.types = parse_c_definitions(defs, defines, file, fake_kernel, diags);
  out.diags = diag::render_all(diags, file);
  out.has_errors = diags.has_errors();
  return out;
}

std::vector<fs::path> golden_headers() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(BTC_CDECL_GOLDEN_DIR))
    if (e.path().extension() == ".h") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(CdeclGolden, Layouts) {
  auto headers = golden_headers();
  ASSERT_FALSE(headers.empty());
  bool update = std::getenv("BTC_UPDATE_GOLDENS") != nullptr;
  for (const auto& h : headers) {
    SCOPED_TRACE(h.filename().string());
    Parsed p = parse_file(h);
    std::string got = dump_layout(p.types);
    if (!p.diags.empty()) got += "--- diagnostics\n" + p.diags;
    fs::path golden = h;
    golden.replace_extension(".layout");
    if (update) {
      std::ofstream(golden, std::ios::binary) << got;
      continue;
    }
    ASSERT_TRUE(fs::exists(golden)) << "missing " << golden;
    EXPECT_EQ(read_file(golden), got);
  }
}

// ---- gcc cross-check -------------------------------------------------------------------

// "S size 8 align 4" and one line per field reachable by name from each record.
void expect_fields(const ast::Type& rec, const std::string& prefix, uint64_t base,
                   std::string& out) {
  for (const auto& f : rec.fields) {
    if (!f.type) continue;
    std::string path = prefix + f.name;
    if (f.name.empty()) {
      if (f.type->kind == ast::TypeKind::Record) expect_fields(*f.type, prefix, base + f.offset, out);
      continue;
    }
    if (f.bitfield_size) {
      out += "  " + path + " bits " + std::to_string((base + f.offset) * 8 + f.bitfield_offset) +
             "+" + std::to_string(f.bitfield_size) + "\n";
      continue;
    }
    out += "  " + path + " @" + std::to_string(base + f.offset) + " size " +
           std::to_string(f.type->size) + "\n";
    if (f.type->kind == ast::TypeKind::Record)
      expect_fields(*f.type, path + ".", base + f.offset, out);
  }
}

void gcc_fields(const ast::Type& rec, const std::string& ctype, const std::string& prefix,
                std::string& code) {
  for (const auto& f : rec.fields) {
    if (!f.type) continue;
    std::string path = prefix + f.name;
    if (f.name.empty()) {
      if (f.type->kind == ast::TypeKind::Record) gcc_fields(*f.type, ctype, prefix, code);
      continue;
    }
    if (f.bitfield_size) {
      code += "  { " + ctype + " v; memset(&v, 0, sizeof v); v." + path + " = -1;\n"
              "    bits(\"" + path + "\", (unsigned char *)&v, sizeof v); }\n";
      continue;
    }
    std::string size = f.type->size == 0 ? std::string("(size_t)0") // flexible array member
                                          : "sizeof(((" + ctype + " *)0)->" + path + ")";
    code += "  printf(\"  " + path + " @%zu size %zu\\n\", offsetof(" + ctype + ", " + path +
            "), " + size + ");\n";
    if (f.type->kind == ast::TypeKind::Record) gcc_fields(*f.type, ctype, path + ".", code);
  }
}

const char* kGccPrelude = R"(#include <stdio.h>
#include <stddef.h>
#include <string.h>
#include <stdint.h>
#include <stdbool.h>
#include <sys/types.h>
typedef uint8_t u8; typedef uint16_t u16; typedef uint32_t u32; typedef uint64_t u64;
typedef int8_t s8; typedef int16_t s16; typedef int32_t s32; typedef int64_t s64;
typedef u8 __u8; typedef u16 __u16; typedef u32 __u32; typedef u64 __u64;
typedef s8 __s8; typedef s16 __s16; typedef s32 __s32; typedef s64 __s64;
typedef u16 __be16; typedef u32 __be32; typedef u64 __be64;
typedef u16 __le16; typedef u32 __le32; typedef u64 __le64;
#define __packed __attribute__((packed))
#define __aligned(x) __attribute__((aligned(x)))
static void bits(const char *name, const unsigned char *p, size_t n) {
  int first = -1, count = 0;
  for (size_t i = 0; i < n * 8; i++)
    if (p[i / 8] >> (i % 8) & 1) { if (first < 0) first = (int)i; count++; }
  printf("  %s bits %d+%d\n", name, first, count);
}
)";

bool have_gcc() { return std::system("gcc --version >/dev/null 2>&1") == 0; }

TEST(CdeclGolden, LayoutsMatchGcc) {
  if (!have_gcc()) GTEST_SKIP() << "gcc not found";
  int checked_records = 0;
  for (const auto& h : golden_headers()) {
    std::string text = read_file(h);
    if (text.find("// nogcc") != std::string::npos) continue;
    SCOPED_TRACE(h.filename().string());
    Parsed p = parse_file(h);
    ASSERT_FALSE(p.has_errors) << p.diags;
    std::string code = std::string(kGccPrelude) + "#include \"" + h.string() + "\"\nint main(void) {\n";
    std::string expected;
    auto add = [&](const std::string& label, const std::string& ctype, const ast::Type& rec,
                   uint32_t align) {
      expected += label + " size " + std::to_string(rec.size) + " align " +
                  std::to_string(align) + "\n";
      expect_fields(rec, "", 0, expected);
      code += "  printf(\"" + label + " size %zu align %zu\\n\", sizeof(" + ctype +
              "), _Alignof(" + ctype + "));\n";
      gcc_fields(rec, ctype, "", code);
      ++checked_records;
    };
    for (const auto& [key, rec] : p.types.records) add(key, key, rec, p.types.record_aligns[key]);
    for (const auto& [name, t] : p.types.typedefs) {
      if (t.kind != ast::TypeKind::Record || !t.name.empty()) continue;
      // Anonymous typedef'd records: alignment from the dump-free path (largest member).
      code += "";
      expected += "typedef " + name + " size " + std::to_string(t.size) + "\n";
      expect_fields(t, "", 0, expected);
      code += "  printf(\"typedef " + name + " size %zu\\n\", sizeof(" + name + "));\n";
      gcc_fields(t, name, "", code);
      ++checked_records;
    }
    code += "  return 0;\n}\n";
    fs::path dir = fs::temp_directory_path() / ("cdecl_gcc_" + std::to_string(getpid()));
    fs::create_directories(dir);
    fs::path src = dir / (h.stem().string() + ".c"), bin = dir / h.stem().string(),
             outp = dir / (h.stem().string() + ".out");
    std::ofstream(src) << code;
    std::string cmd = "gcc -std=gnu11 -w -o '" + bin.string() + "' '" + src.string() + "' && '" +
                      bin.string() + "' > '" + outp.string() + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << "gcc failed on " << src;
    EXPECT_EQ(read_file(outp), expected);
    fs::remove_all(dir);
  }
  EXPECT_GE(checked_records, 30);
}

// ---- Debian's bpftrace tools -------------------------------------------------------------

TEST(CdeclGolden, DebianBpftraceTools) {
  const fs::path dir = "/usr/sbin";
  std::vector<fs::path> tools;
  if (fs::exists(dir))
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".bt") tools.push_back(e.path());
  if (tools.empty()) GTEST_SKIP() << "no bpftrace tools in /usr/sbin";
  std::sort(tools.begin(), tools.end());
  int total = 0;
  for (const auto& t : tools) {
    SCOPED_TRACE(t.filename().string());
    std::string text = read_file(t);
    std::vector<ast::CDefinition> defs; // all #if branches: directives are skipped
    std::vector<ast::Define> defines;
    split_preamble(text, defs, defines, true);
    total += static_cast<int>(defs.size());
    source::SourceFile file(t.filename().string(), text);
    diag::Diagnostics diags;
    CTypes types = parse_c_definitions(defs, defines, file, fake_kernel, diags);
    EXPECT_FALSE(diags.has_errors()) << diag::render_all(diags, file);
    EXPECT_EQ(types.records.size() + types.enums.size() + types.typedefs.size() > 0,
              !defs.empty());
    if (t.filename() == "dcsnoop.bt") {
      auto it = types.records.find("struct nameidata");
      ASSERT_NE(it, types.records.end());
      EXPECT_EQ(dump_layout(types),
                "struct nameidata size 32 align 8\n"
                "  path @0 size 16 struct path\n"
                "    mnt @0 size 8 void *\n"
                "    dentry @8 size 8 void *\n"
                "  last @16 size 16 struct qstr\n"
                "    hash_len @16 size 8 unsigned int64\n"
                "    name @24 size 8 unsigned int8 *\n");
    }
    if (t.filename() == "runqlen.bt") {
      auto it = types.records.find("struct cfs_rq");
      ASSERT_NE(it, types.records.end());
      EXPECT_EQ(it->second.size, 32u);
      auto m = find_member(it->second, "h_nr_running");
      ASSERT_TRUE(m);
      EXPECT_EQ(m->first, 28u);
    }
  }
  EXPECT_GE(total, 2);
}

} // namespace
} // namespace btc::cdecl
