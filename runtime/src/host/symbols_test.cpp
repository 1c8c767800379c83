// symbols_test.cpp: kallsyms lookup, ELF symbols of a program built with the system cc,
// ld.so.cache parsing and C++ demangling.
#include "host/symbols.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <unistd.h>

namespace btc::rt {
namespace {

TEST(KernelSymbols, NearestBelowWithDecimalOffset) {
  KernelSymbols k;
  k.load_text("ffffffff81000200 T vfs_read\nffffffff81000100 t ksys_read\n"
              "ffffffff81000300 T vfs_write\t[ext4]\n");
  auto hit = k.lookup(0xffffffff81000210);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->name, "vfs_read");
  EXPECT_EQ(hit->offset, 16u);
  EXPECT_EQ(k.lookup(0xffffffff81000100)->name, "ksys_read");
  EXPECT_EQ(k.lookup(0xffffffff81000305)->name, "vfs_write");
  EXPECT_FALSE(k.lookup(0xffffffff81000000));
}

TEST(ElfSymbols, BuiltProgram) {
  if (std::system("command -v cc >/dev/null 2>&1") != 0) GTEST_SKIP() << "no cc";
  char dir[] = "/tmp/btc_symtestXXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string src = std::string(dir) + "/t.c", bin = std::string(dir) + "/t";
  std::ofstream(src) << "int leaf_fn(int x) { return x * 3 + 1; }\n"
                        "int main(int c, char** v) { (void)v; return leaf_fn(c); }\n";
  std::string cmd = "cc -O0 -o " + bin + " " + src + " 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "cc failed";
  ElfSymbols elf;
  std::string err;
  ASSERT_TRUE(elf.load(bin, err)) << err;
  const ElfSymbol* leaf = elf.find("leaf_fn");
  ASSERT_NE(leaf, nullptr);
  auto hit = elf.lookup(leaf->addr + 4);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->name, "leaf_fn");
  EXPECT_EQ(hit->offset, 4u);
  auto names = elf.function_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "main"), names.end());
  auto off = elf.file_offset(leaf->addr);
  ASSERT_TRUE(off);
  EXPECT_EQ(elf.vaddr_of(*off), leaf->addr);
  std::system(("rm -rf " + std::string(dir)).c_str());
}

TEST(LdCache, ParsesNewFormat) {
  // Header (48 bytes) + 2 entries (24 bytes each) + strings; offsets from the header start.
  std::string img(48 + 48, '\0');
  std::memcpy(img.data(), "glibc-ld.so.cache1.1", 20);
  uint32_t n = 2;
  std::memcpy(img.data() + 20, &n, 4);
  auto add_str = [&](const std::string& s) {
    uint32_t off = static_cast<uint32_t>(img.size());
    img += s;
    img += '\0';
    return off;
  };
  uint32_t k1 = add_str("libz.so.1"), v1 = add_str("/lib/x86_64-linux-gnu/libz.so.1");
  uint32_t k2 = add_str("libc.so.6"), v2 = add_str("/lib/x86_64-linux-gnu/libc.so.6");
  auto put_entry = [&](size_t i, uint32_t key, uint32_t value) {
    int32_t flags = 0x0303;
    std::memcpy(img.data() + 48 + i * 24, &flags, 4);
    std::memcpy(img.data() + 48 + i * 24 + 4, &key, 4);
    std::memcpy(img.data() + 48 + i * 24 + 8, &value, 4);
  };
  put_entry(0, k1, v1);
  put_entry(1, k2, v2);
  EXPECT_EQ(ld_cache_lookup(img, "libc"), "/lib/x86_64-linux-gnu/libc.so.6");
  EXPECT_EQ(ld_cache_lookup(img, "libz"), "/lib/x86_64-linux-gnu/libz.so.1");
  EXPECT_EQ(ld_cache_lookup(img, "libfoo"), "");
  EXPECT_EQ(ld_cache_lookup("garbage", "libc"), "");
}

TEST(LdCache, HostCacheHasLibc) {
  std::ifstream in("/etc/ld.so.cache", std::ios::binary);
  if (!in) GTEST_SKIP() << "no /etc/ld.so.cache";
  std::string img((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string path = ld_cache_lookup(img, "libc");
  EXPECT_NE(path.find("libc.so"), std::string::npos) << path;
}

TEST(Demangle, CppNames) {
  unsetenv("BPFTRACE_NO_CPP_DEMANGLE");
  EXPECT_EQ(demangle("_Z3fooi"), "foo(int)");
  EXPECT_EQ(demangle("main"), "main");
  setenv("BPFTRACE_NO_CPP_DEMANGLE", "1", 1);
  EXPECT_EQ(demangle("_Z3fooi"), "_Z3fooi");
  unsetenv("BPFTRACE_NO_CPP_DEMANGLE");
}

} // namespace
} // namespace btc::rt
