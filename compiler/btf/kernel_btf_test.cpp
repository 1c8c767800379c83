// kernel_btf_test.cpp: KernelBtf over a small synthetic BTF file (deterministic layouts) and
// over the running kernel's vmlinux BTF (names that every BTF-enabled kernel has).
#include "btf/kernel_btf.h"

#include <bpf/btf.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

namespace btc::btf {
namespace {

// struct inner { int x; };
// typedef struct { int a; } anon_t;
// enum color { RED = 1, BLUE = -2 };
// struct outer {
//   long l;                              // 0
//   union { int u1; struct { char c; unsigned short u2; }; };  // 8 (anonymous)
//   char name[16];                       // 12
//   struct inner in;                     // 28
//   struct outer *next;                  // 32
//   unsigned int flag : 3, more : 5;     // 40 bits 320.., 323..
//   enum color col;                      // 44
//   void (*fn)(void);                    // 48
//   unsigned char bytes[4];              // 56
// };
class SyntheticBtf : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    struct btf* b = btf__new_empty();
    int t_int = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
    int t_long = btf__add_int(b, "long", 8, BTF_INT_SIGNED);
    int t_char = btf__add_int(b, "char", 1, BTF_INT_SIGNED);
    int t_ushort = btf__add_int(b, "unsigned short", 2, 0);
    int t_uint = btf__add_int(b, "unsigned int", 4, 0);
    int t_uchar = btf__add_int(b, "unsigned char", 1, 0);
    int t_inner = btf__add_struct(b, "inner", 4);
    btf__add_field(b, "x", t_int, 0, 0);
    int t_anon = btf__add_struct(b, nullptr, 4);
    btf__add_field(b, "a", t_int, 0, 0);
    btf__add_typedef(b, "anon_t", t_anon);
    int t_color = btf__add_enum(b, "color", 4);
    btf__add_enum_value(b, "RED", 1);
    btf__add_enum_value(b, "BLUE", -2);
    int t_cs = btf__add_struct(b, nullptr, 4);
    btf__add_field(b, "c", t_char, 0, 0);
    btf__add_field(b, "u2", t_ushort, 16, 0);
    int t_union = btf__add_union(b, nullptr, 4);
    btf__add_field(b, "u1", t_int, 0, 0);
    btf__add_field(b, nullptr, t_cs, 0, 0);
    int t_name = btf__add_array(b, t_int, t_char, 16);
    int t_bytes = btf__add_array(b, t_int, t_uchar, 4);
    int t_proto = btf__add_func_proto(b, 0);
    int t_fnptr = btf__add_ptr(b, t_proto);
    int t_outer_fwd_ptr = btf__add_ptr(b, 0); // fixed up below once `outer` exists
    int t_outer = btf__add_struct(b, "outer", 64);
    btf__add_field(b, "l", t_long, 0, 0);
    btf__add_field(b, nullptr, t_union, 64, 0);
    btf__add_field(b, "name", t_name, 96, 0);
    btf__add_field(b, "in", t_inner, 224, 0);
    btf__add_field(b, "next", t_outer_fwd_ptr, 256, 0);
    btf__add_field(b, "flag", t_uint, 320, 3);
    btf__add_field(b, "more", t_uint, 323, 5);
    btf__add_field(b, "col", t_color, 352, 0);
    btf__add_field(b, "fn", t_fnptr, 384, 0);
    btf__add_field(b, "bytes", t_bytes, 448, 0);
    // Point `next` at struct outer.
    const_cast<struct btf_type*>(btf__type_by_id(b, t_outer_fwd_ptr))->type = t_outer;
    uint32_t size = 0;
    const void* data = btf__raw_data(b, &size);
    path_ = "/tmp/btc_btf_test_" + std::to_string(getpid()) + ".btf";
    std::ofstream(path_, std::ios::binary).write(static_cast<const char*>(data), size);
    btf__free(b);
    auto k = KernelBtf::load(path_);
    ASSERT_TRUE(static_cast<bool>(k)) << llvm::toString(k.takeError());
    btf_ = new KernelBtf(std::move(*k));
  }
  static void TearDownTestSuite() {
    delete btf_;
    std::remove(path_.c_str());
  }
  static inline KernelBtf* btf_ = nullptr;
  static inline std::string path_;
};

TEST_F(SyntheticBtf, FindsRecordsByNameAndTypedef) {
  EXPECT_TRUE(btf_->find_record("outer"));
  auto anon = btf_->find_record("anon_t");
  ASSERT_TRUE(anon);
  EXPECT_EQ(btf_->name_of(*anon), "");
  EXPECT_FALSE(btf_->find_record("color"));
  EXPECT_TRUE(btf_->find_type("color"));
  EXPECT_TRUE(btf_->find_type("anon_t"));
}

TEST_F(SyntheticBtf, EnumValues) {
  EXPECT_EQ(btf_->enum_value("RED"), 1);
  EXPECT_EQ(btf_->enum_value("BLUE"), -2);
  EXPECT_FALSE(btf_->enum_value("GREEN"));
}

TEST_F(SyntheticBtf, FindFieldThroughAnonymousMembers) {
  uint32_t outer = *btf_->find_record("outer");
  auto u2 = btf_->find_field(outer, "u2");
  ASSERT_TRUE(u2);
  EXPECT_EQ(u2->member_indices, (std::vector<uint32_t>{1, 1, 1}));
  EXPECT_EQ(u2->offset, 10u);
  EXPECT_EQ(u2->type.size, 2u);
  EXPECT_FALSE(u2->type.is_signed);
  auto u1 = btf_->find_field(outer, "u1");
  ASSERT_TRUE(u1);
  EXPECT_EQ(u1->member_indices, (std::vector<uint32_t>{1, 0}));
  EXPECT_EQ(u1->offset, 8u);
  EXPECT_FALSE(btf_->find_field(outer, "nope"));
}

TEST_F(SyntheticBtf, Bitfields) {
  uint32_t outer = *btf_->find_record("outer");
  auto more = btf_->find_field(outer, "more");
  ASSERT_TRUE(more);
  EXPECT_EQ(more->offset, 40u);
  EXPECT_EQ(more->bitfield_offset, 3u);
  EXPECT_EQ(more->bitfield_size, 5u);
}

TEST_F(SyntheticBtf, ConvertsFieldTypes) {
  ast::Type t = btf_->expand_record(*btf_->find_record("outer"));
  ASSERT_EQ(t.kind, ast::TypeKind::Record);
  EXPECT_EQ(t.size, 64u);
  ASSERT_EQ(t.fields.size(), 10u);
  EXPECT_EQ(t.fields[1].name, "");                      // anonymous union kept
  EXPECT_TRUE(t.fields[1].type->is_union);
  EXPECT_EQ(t.fields[2].type->kind, ast::TypeKind::String); // char[16]
  EXPECT_EQ(t.fields[2].type->size, 16u);
  EXPECT_EQ(t.fields[3].type->fields.size(), 1u);        // embedded record expanded
  const ast::Type& next = *t.fields[4].type;
  ASSERT_EQ(next.kind, ast::TypeKind::Pointer);
  EXPECT_EQ(next.pointee->kind, ast::TypeKind::Record);
  EXPECT_EQ(next.pointee->name, "outer");
  EXPECT_TRUE(next.pointee->fields.empty());              // shallow behind a pointer
  EXPECT_NE(next.pointee->btf_id, 0u);
  EXPECT_EQ(t.fields[7].type->kind, ast::TypeKind::Integer); // enum
  EXPECT_EQ(t.fields[8].type->kind, ast::TypeKind::Integer); // function pointer
  EXPECT_EQ(t.fields[8].type->size, 8u);
  EXPECT_EQ(t.fields[9].type->kind, ast::TypeKind::Array);   // unsigned char[4]
  EXPECT_EQ(t.fields[9].type->count, 4u);
}

TEST(KernelBtfLoad, MissingFileIsAnError) {
  auto k = KernelBtf::load("/nonexistent/btf");
  ASSERT_FALSE(static_cast<bool>(k));
  EXPECT_NE(llvm::toString(k.takeError()).find("/nonexistent/btf"), std::string::npos);
}

TEST(VmlinuxBtf, TaskStructFields) {
  auto k = KernelBtf::load();
  if (!k) {
    GTEST_SKIP() << llvm::toString(k.takeError());
  }
  auto task = k->find_record("task_struct");
  ASSERT_TRUE(task);
  auto pid = k->find_field(*task, "pid");
  ASSERT_TRUE(pid);
  EXPECT_EQ(pid->type.size, 4u);
  EXPECT_TRUE(pid->type.is_signed);
  auto comm = k->find_field(*task, "comm");
  ASSERT_TRUE(comm);
  EXPECT_EQ(comm->type.kind, ast::TypeKind::String);
  auto parent = k->find_field(*task, "real_parent");
  ASSERT_TRUE(parent);
  ASSERT_TRUE(parent->type.is_pointer());
  EXPECT_EQ(parent->type.pointee->name, "task_struct");
  EXPECT_EQ(k->enum_value("TASK_COMM_LEN"), 16);
}

} // namespace
} // namespace btc::btf

namespace btc::btf {
namespace {

std::vector<std::string> param_names(const FuncProto& p) {
  std::vector<std::string> out;
  for (const auto& a : p.params) out.push_back(a.name);
  return out;
}

// Raw tracepoint arguments: named from the event's __bpf_trace_CLASS function, `__data` dropped.
TEST(VmlinuxBtf, RawTracepointArguments) {
  auto k = KernelBtf::load();
  if (!k) GTEST_SKIP() << llvm::toString(k.takeError());
  auto sw = k->raw_tracepoint_proto("sched_switch");
  ASSERT_TRUE(sw);
  EXPECT_EQ(param_names(*sw), (std::vector<std::string>{"preempt", "prev", "next", "prev_state"}));
  auto enter = k->raw_tracepoint_proto("sys_enter");
  ASSERT_TRUE(enter);
  EXPECT_EQ(param_names(*enter), (std::vector<std::string>{"regs", "id"}));
  // An event sharing its class: sched_wakeup_new is a sched_wakeup_template event, whose
  // argument types equal other classes' (sched_process_template): named `p` either way.
  auto wake = k->raw_tracepoint_proto("sched_wakeup_new");
  ASSERT_TRUE(wake);
  EXPECT_EQ(param_names(*wake), (std::vector<std::string>{"p"}));
  EXPECT_FALSE(k->raw_tracepoint_proto("no_such_event_here"));
}

} // namespace
} // namespace btc::btf
