// kfunc_signature_test.cpp: kfunc argument typing from BTF prototypes (synthetic BTF, plus
// vmlinux's vfs_read when the host has BTF).
#include "btf/kfunc_signature.h"

#include <bpf/btf.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

namespace btc::btf {
namespace {

// long f_scalar(struct file *file, char __user *buf, unsigned int n);
// int f_byval(struct pair p, int x);   struct pair f_ret(void);   void f_void(int a);
// int f_many(long a, long b, long c, long d, long e, long f, long g);
btf::KernelBtf make_btf() {
  struct btf* b = btf__new_empty();
  int t_int = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
  int t_long = btf__add_int(b, "long", 8, BTF_INT_SIGNED);
  int t_uint = btf__add_int(b, "unsigned int", 4, 0);
  int t_char = btf__add_int(b, "char", 1, BTF_INT_SIGNED);
  int t_file = btf__add_struct(b, "file", 8);
  btf__add_field(b, "f_flags", t_long, 0, 0);
  int t_pfile = btf__add_ptr(b, t_file);
  int t_user = btf__add_type_tag(b, "user", t_char);
  int t_pbuf = btf__add_ptr(b, t_user);
  int t_pair = btf__add_struct(b, "pair", 16);
  btf__add_field(b, "a", t_long, 0, 0);
  btf__add_field(b, "b", t_long, 64, 0);
  int p = btf__add_func_proto(b, t_long);
  btf__add_func_param(b, "file", t_pfile);
  btf__add_func_param(b, "buf", t_pbuf);
  btf__add_func_param(b, "n", t_uint);
  btf__add_func(b, "f_scalar", BTF_FUNC_GLOBAL, p);
  p = btf__add_func_proto(b, t_int);
  btf__add_func_param(b, "p", t_pair);
  btf__add_func_param(b, "x", t_int);
  btf__add_func(b, "f_byval", BTF_FUNC_GLOBAL, p);
  p = btf__add_func_proto(b, t_pair);
  btf__add_func(b, "f_ret", BTF_FUNC_GLOBAL, p);
  p = btf__add_func_proto(b, 0);
  btf__add_func_param(b, "a", t_int);
  btf__add_func(b, "f_void", BTF_FUNC_GLOBAL, p);
  p = btf__add_func_proto(b, t_int);
  for (const char* n : {"a", "b", "c", "d", "e", "f", "g"}) btf__add_func_param(b, n, t_long);
  btf__add_func(b, "f_many", BTF_FUNC_GLOBAL, p);
  uint32_t size = 0;
  const void* raw = btf__raw_data(b, &size);
  std::string path = "/tmp/btc_kfunc_btf_" + std::to_string(getpid());
  std::ofstream(path, std::ios::binary).write(static_cast<const char*>(raw), size);
  btf__free(b);
  auto k = btf::KernelBtf::load(path);
  std::remove(path.c_str());
  if (!k) std::abort();
  return std::move(*k);
}

TEST(KfuncSignature, ScalarAndPointerArgs) {
  auto k = make_btf();
  auto sig = kfunc_signature(k, "f_scalar");
  ASSERT_TRUE(sig);
  ASSERT_EQ(sig->args.size(), 3u);
  const KfuncArg* file = find_kfunc_arg(*sig, "file");
  ASSERT_TRUE(file);
  EXPECT_TRUE(file->type.is_pointer());
  ASSERT_TRUE(file->type.pointee);
  EXPECT_EQ(file->type.pointee->name, "file");
  EXPECT_EQ(file->type.as, ast::AddrSpace::Kernel);
  EXPECT_EQ(file->slot, 0u);
  const KfuncArg* buf = find_kfunc_arg(*sig, "buf");
  ASSERT_TRUE(buf);
  EXPECT_EQ(buf->type.as, ast::AddrSpace::User); // char __user *
  const KfuncArg* n = find_kfunc_arg(*sig, "n");
  ASSERT_TRUE(n);
  EXPECT_TRUE(n->type.is_integer());
  EXPECT_EQ(n->type.size, 4u);
  EXPECT_FALSE(n->type.is_signed);
  EXPECT_EQ(n->slot, 2u);
  EXPECT_EQ(sig->retval_slot, 3u);
  EXPECT_EQ(sig->retval.size, 8u);
  EXPECT_TRUE(sig->register_args);
  EXPECT_EQ(find_kfunc_arg(*sig, "nope"), nullptr);
}

TEST(KfuncSignature, StructByValueTakesTwoSlotsAndNoTwin) {
  auto k = make_btf();
  auto sig = kfunc_signature(k, "f_byval");
  ASSERT_TRUE(sig);
  EXPECT_EQ(find_kfunc_arg(*sig, "x")->slot, 2u);
  EXPECT_EQ(sig->retval_slot, 3u);
  EXPECT_FALSE(sig->register_args);
}

TEST(KfuncSignature, ReturnTypes) {
  auto k = make_btf();
  auto ret = kfunc_signature(k, "f_ret");
  ASSERT_TRUE(ret);
  EXPECT_FALSE(ret->register_args); // a struct in rax:rdx
  auto v = kfunc_signature(k, "f_void");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->retval.kind, ast::TypeKind::None);
  EXPECT_TRUE(v->register_args);
  EXPECT_EQ(v->retval_slot, 1u);
}

TEST(KfuncSignature, SeventhArgumentIsOnTheStack) {
  auto k = make_btf();
  auto sig = kfunc_signature(k, "f_many");
  ASSERT_TRUE(sig);
  EXPECT_EQ(sig->retval_slot, 7u);
  EXPECT_FALSE(sig->register_args);
  // aarch64 passes eight arguments in registers (x0..x7).
  auto arm64 = kfunc_signature(k, "f_many", 8);
  ASSERT_TRUE(arm64);
  EXPECT_TRUE(arm64->register_args);
}

TEST(KfuncSignature, UnknownFunction) {
  auto k = make_btf();
  EXPECT_FALSE(kfunc_signature(k, "missing"));
}

TEST(KfuncSignature, VmlinuxVfsRead) {
  auto k = btf::KernelBtf::load();
  if (!k) {
    llvm::consumeError(k.takeError());
    GTEST_SKIP() << "no vmlinux BTF";
  }
  auto sig = kfunc_signature(*k, "vfs_read");
  ASSERT_TRUE(sig);
  const KfuncArg* file = find_kfunc_arg(*sig, "file");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->type.pointee->name, "file");
  EXPECT_TRUE(find_kfunc_arg(*sig, "buf")->type.is_pointer()); // __user tag only with new pahole
  EXPECT_EQ(sig->retval_slot, 4u);
  EXPECT_TRUE(sig->retval.is_signed);
  EXPECT_TRUE(sig->register_args);
}

} // namespace
} // namespace btc::btf
