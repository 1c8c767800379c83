// kernel_btf_funcs_test.cpp: function prototypes and function wildcards over a synthetic BTF.
#include "btf/kernel_btf.h"

#include <bpf/btf.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

namespace btc::btf {
namespace {

// long do_read(struct file *f, int n);  void do_write(void);  int do_readv(void);
KernelBtf funcs_btf() {
  struct btf* b = btf__new_empty();
  int t_int = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
  int t_long = btf__add_int(b, "long", 8, BTF_INT_SIGNED);
  int t_file = btf__add_struct(b, "file", 8);
  btf__add_field(b, "f_flags", t_long, 0, 0);
  int t_pfile = btf__add_ptr(b, t_file);
  int p1 = btf__add_func_proto(b, t_long);
  btf__add_func_param(b, "f", t_pfile);
  btf__add_func_param(b, "n", t_int);
  btf__add_func(b, "do_read", BTF_FUNC_GLOBAL, p1);
  int p2 = btf__add_func_proto(b, 0);
  btf__add_func(b, "do_write", BTF_FUNC_GLOBAL, p2);
  int p3 = btf__add_func_proto(b, t_int);
  btf__add_func(b, "do_readv", BTF_FUNC_STATIC, p3);
  uint32_t size = 0;
  const void* raw = btf__raw_data(b, &size);
  std::string path = "/tmp/btc_funcs_btf_" + std::to_string(getpid());
  std::ofstream(path, std::ios::binary).write(static_cast<const char*>(raw), size);
  btf__free(b);
  auto k = KernelBtf::load(path);
  std::remove(path.c_str());
  if (!k) std::abort();
  return std::move(*k);
}

TEST(KernelBtfFuncs, Prototype) {
  KernelBtf k = funcs_btf();
  auto p = k.func_proto("do_read");
  ASSERT_TRUE(p);
  ASSERT_EQ(p->params.size(), 2u);
  EXPECT_EQ(p->params[0].name, "f");
  EXPECT_EQ(p->params[1].name, "n");
  EXPECT_TRUE(k.to_ast_type(p->params[0].type_id).is_pointer());
  EXPECT_EQ(k.to_ast_type(p->ret_type_id).size, 8u);
  auto w = k.func_proto("do_write");
  ASSERT_TRUE(w);
  EXPECT_TRUE(w->params.empty());
  EXPECT_EQ(w->ret_type_id, 0u);
  EXPECT_FALSE(k.func_proto("nope"));
  EXPECT_FALSE(k.func_proto("file")); // a struct, not a function
}

TEST(KernelBtfFuncs, Wildcards) {
  KernelBtf k = funcs_btf();
  EXPECT_EQ(k.funcs_matching("do_read*"), (std::vector<std::string>{"do_read", "do_readv"}));
  EXPECT_EQ(k.funcs_matching("*write"), (std::vector<std::string>{"do_write"}));
  EXPECT_EQ(k.funcs_matching("do_*"),
            (std::vector<std::string>{"do_read", "do_readv", "do_write"}));
  EXPECT_TRUE(k.funcs_matching("x*").empty());
}

TEST(KernelBtfFuncs, VmlinuxVfsRead) {
  auto k = KernelBtf::load();
  if (!k) {
    llvm::consumeError(k.takeError());
    GTEST_SKIP() << "no vmlinux BTF";
  }
  auto p = k->func_proto("vfs_read");
  ASSERT_TRUE(p);
  ASSERT_EQ(p->params.size(), 4u);
  EXPECT_EQ(p->params[0].name, "file");
}

} // namespace
} // namespace btc::btf
