// core_btf_test.cpp: the cut-down kernel BTF (core_btf.h) against libbpf's full parse of the
// same file: same candidates, same layouts, pointers cut to forward declarations.
#include "host/btf_file.h"
#include "host/core_btf.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <gtest/gtest.h>

#include <cstring>
#include <linux/btf.h>
#include <memory>
#include <string>
#include <unistd.h>

namespace btc::rt {
namespace {

constexpr const char* kVmlinux = "/sys/kernel/btf/vmlinux";

struct BtfFree {
  void operator()(btf* b) const { btf__free(b); }
};
using BtfPtr = std::unique_ptr<btf, BtfFree>;

#define NEED_VMLINUX()                                                                             \
  if (access(kVmlinux, R_OK) != 0) GTEST_SKIP() << kVmlinux << " is missing"

TEST(CoreBtf, EssentialNamesDropAFlavourSuffix) {
  EXPECT_EQ(btf_essential_name_len("task_struct"), 11u);
  EXPECT_EQ(btf_essential_name_len("task_struct___v2"), 11u);
  EXPECT_EQ(btf_essential_name_len("a___b___c"), 5u); // only the last suffix goes
  EXPECT_EQ(btf_essential_name_len("__u32"), 5u);
  EXPECT_EQ(btf_essential_name_len("x____y"), 6u); // four underscores: not a separator
}

TEST(CoreBtf, FindNamedGivesLibbpfsIds) {
  NEED_VMLINUX();
  BtfPtr full(btf__parse(kVmlinux, nullptr));
  ASSERT_TRUE(full);
  BtfFile file(kVmlinux);
  ASSERT_TRUE(file.ok()) << file.error();
  std::map<std::string, std::vector<std::pair<uint16_t, uint32_t>>> found;
  ASSERT_TRUE(file.find_named({"task_struct", "pid_type", "no_such_type_btc"}, found));
  EXPECT_EQ(file.type_count(), btf__type_cnt(full.get()));
  int id = btf__find_by_name_kind(full.get(), "task_struct", BTF_KIND_STRUCT);
  ASSERT_GT(id, 0);
  bool seen = false;
  for (auto [kind, i] : found["task_struct"]) seen |= (kind == BTF_KIND_STRUCT && int(i) == id);
  EXPECT_TRUE(seen);
  EXPECT_FALSE(found["pid_type"].empty());
  EXPECT_TRUE(found["no_such_type_btc"].empty());
  // Random access returns the same record libbpf indexed.
  std::vector<uint8_t> rec = file.type(static_cast<uint32_t>(id));
  ASSERT_GE(rec.size(), sizeof(btf_type));
  const btf_type* t = btf__type_by_id(full.get(), static_cast<uint32_t>(id));
  EXPECT_EQ(std::memcmp(rec.data(), t, rec.size()), 0);
  EXPECT_EQ(file.name(t->name_off), "task_struct");
  // The last type too (the walk crosses read chunks).
  uint32_t last = btf__type_cnt(full.get()) - 1;
  rec = file.type(last);
  const btf_type* lt = btf__type_by_id(full.get(), last);
  ASSERT_GE(rec.size(), sizeof(btf_type));
  EXPECT_EQ(std::memcmp(rec.data(), lt, sizeof(btf_type)), 0);
}

TEST(CoreBtf, MinimalBtfKeepsTheLayoutOfEachRoot) {
  NEED_VMLINUX();
  std::vector<uint8_t> raw;
  std::string why;
  ASSERT_TRUE(minimal_btf(kVmlinux,
                          {{BTF_KIND_STRUCT, "task_struct"},
                           {BTF_KIND_ENUM, "pid_type"},
                           {BTF_KIND_STRUCT, "trace_event_raw_sys_enter"}},
                          raw, why))
      << why;
  BtfPtr small(btf__new(raw.data(), static_cast<uint32_t>(raw.size())));
  ASSERT_TRUE(small) << "the cut-down BTF does not parse";
  BtfPtr full(btf__parse(kVmlinux, nullptr));
  ASSERT_TRUE(full);
  EXPECT_LT(raw.size(), 200u * 1024) << "far more than the roots' layouts";

  for (const char* name : {"task_struct", "trace_event_raw_sys_enter"}) {
    SCOPED_TRACE(name);
    int fid = btf__find_by_name_kind(full.get(), name, BTF_KIND_STRUCT);
    int sid = btf__find_by_name_kind(small.get(), name, BTF_KIND_STRUCT);
    ASSERT_GT(fid, 0);
    ASSERT_GT(sid, 0);
    const btf_type* f = btf__type_by_id(full.get(), fid);
    const btf_type* s = btf__type_by_id(small.get(), sid);
    ASSERT_EQ(btf_vlen(f), btf_vlen(s));
    EXPECT_EQ(f->size, s->size);
    for (uint16_t i = 0; i < btf_vlen(f); ++i) {
      const btf_member* fm = btf_members(f) + i;
      const btf_member* sm = btf_members(s) + i;
      EXPECT_STREQ(btf__name_by_offset(full.get(), fm->name_off),
                   btf__name_by_offset(small.get(), sm->name_off));
      EXPECT_EQ(fm->offset, sm->offset);
      EXPECT_EQ(btf__resolve_size(full.get(), fm->type), btf__resolve_size(small.get(), sm->type));
      const btf_type* fmt = btf__type_by_id(full.get(), btf__resolve_type(full.get(), fm->type));
      const btf_type* smt = btf__type_by_id(small.get(), btf__resolve_type(small.get(), sm->type));
      ASSERT_TRUE(fmt && smt);
      EXPECT_EQ(btf_kind(fmt), btf_kind(smt)) << btf__name_by_offset(full.get(), fm->name_off);
    }
  }
  // Pointees are forward declarations: task_struct's parent is a pointer to one.
  int sid = btf__find_by_name_kind(small.get(), "task_struct", BTF_KIND_FWD);
  EXPECT_GT(sid, 0);
  // Enums keep their values.
  int fe = btf__find_by_name_kind(full.get(), "pid_type", BTF_KIND_ENUM);
  int se = btf__find_by_name_kind(small.get(), "pid_type", BTF_KIND_ENUM);
  ASSERT_GT(fe, 0);
  ASSERT_GT(se, 0);
  EXPECT_EQ(btf_vlen(btf__type_by_id(full.get(), fe)), btf_vlen(btf__type_by_id(small.get(), se)));
}

TEST(CoreBtf, MissingRootAndNonRawFileFallBack) {
  NEED_VMLINUX();
  std::vector<uint8_t> raw;
  std::string why;
  EXPECT_FALSE(minimal_btf(kVmlinux, {{BTF_KIND_STRUCT, "no_such_struct_btc"}}, raw, why));
  EXPECT_NE(why.find("no_such_struct_btc"), std::string::npos) << why;
  why.clear();
  EXPECT_FALSE(minimal_btf("/proc/self/exe", {{BTF_KIND_STRUCT, "task_struct"}}, raw, why));
  EXPECT_NE(why.find("not raw BTF"), std::string::npos) << why;
}

TEST(CoreBtf, ObjectWithoutBtfExtHasNoRoots) {
  std::vector<uint8_t> not_elf(64, 0);
  std::vector<CoreRoot> roots;
  std::string why;
  EXPECT_TRUE(core_roots(not_elf, roots, why));
  EXPECT_TRUE(roots.empty());
}

} // namespace
} // namespace btc::rt
