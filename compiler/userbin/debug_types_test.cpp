// debug_types_test.cpp: DWARF types read from this test program's own debug information
// (it is built with -g): records, bitfields, arrays, pointers, function parameters.
#include "userbin/debug_types.h"

#include <gtest/gtest.h>

struct dt_pair {
  int a;
  int b;
};

struct dt_node {
  long id;
  char name[8];
  struct dt_pair p;
  int* ptrs[2];
  struct dt_node* next;
  unsigned int low : 3;
  int mid : 5;
  union {
    int u1;
    long u2;
  };
  int grid[2][3];
};

typedef struct dt_pair dt_pair_t;

extern "C" __attribute__((noinline, used)) long dt_take(struct dt_node* n, const char* s,
                                                        long count, dt_pair_t copy) {
  return n->id + count + s[0] + copy.a;
}

namespace btc::userbin {
namespace {

std::unique_ptr<DebugTypes> self() {
  auto d = DebugTypes::open("/proc/self/exe");
  EXPECT_TRUE(static_cast<bool>(d)) << (d ? "" : llvm::toString(d.takeError()));
  return d ? std::move(*d) : nullptr;
}

const ast::RecordField* field(const ast::Type& rec, const std::string& name) {
  for (const auto& f : rec.fields)
    if (f.name == name) return &f;
  return nullptr;
}

TEST(DebugTypes, FunctionParameters) {
  auto d = self();
  ASSERT_TRUE(d && d->has_debug_info());
  auto f = d->function("dt_take");
  ASSERT_TRUE(f);
  ASSERT_EQ(f->params.size(), 4u);
  EXPECT_EQ(f->params[0].name, "n");
  ASSERT_TRUE(f->params[0].type.is_pointer());
  EXPECT_EQ(f->params[0].type.pointee->kind, ast::TypeKind::Record);
  EXPECT_EQ(f->params[0].type.pointee->name, "dt_node"); // shallow: look it up by name
  EXPECT_TRUE(f->params[0].type.pointee->fields.empty());
  EXPECT_EQ(f->params[1].name, "s");
  EXPECT_TRUE(f->params[1].type.is_pointer());
  EXPECT_EQ(f->params[1].type.pointee->size, 1u);
  EXPECT_EQ(f->params[2].type.size, 8u);
  EXPECT_TRUE(f->params[2].type.is_signed);
  EXPECT_EQ(f->params[3].type.kind, ast::TypeKind::Record); // by value, through the typedef
  EXPECT_FALSE(d->function("no_such_function_here"));
}

TEST(DebugTypes, RecordLayoutMatchesTheCompiler) {
  auto d = self();
  ASSERT_TRUE(d);
  auto node = d->type("struct dt_node");
  ASSERT_TRUE(node);
  EXPECT_EQ(node->size, sizeof(dt_node));
  EXPECT_EQ(field(*node, "name")->offset, offsetof(dt_node, name));
  EXPECT_TRUE(field(*node, "name")->type->is_string());
  EXPECT_EQ(field(*node, "p")->offset, offsetof(dt_node, p));
  EXPECT_EQ(field(*node, "p")->type->name, "dt_pair");
  EXPECT_EQ(field(*node, "p")->type->fields.size(), 2u); // a member record is whole
  const auto* ptrs = field(*node, "ptrs");
  EXPECT_EQ(ptrs->type->kind, ast::TypeKind::Array);
  EXPECT_EQ(ptrs->type->count, 2u);
  EXPECT_TRUE(ptrs->type->pointee->is_pointer());
  EXPECT_EQ(field(*node, "next")->offset, offsetof(dt_node, next));
  const auto* grid = field(*node, "grid");
  EXPECT_EQ(grid->offset, offsetof(dt_node, grid));
  EXPECT_EQ(grid->type->count, 2u);
  EXPECT_EQ(grid->type->pointee->count, 3u);
  EXPECT_EQ(grid->type->size, sizeof(int) * 6);
  // The anonymous union is an unnamed member holding its fields.
  const auto* anon = field(*node, "");
  ASSERT_TRUE(anon);
  EXPECT_TRUE(anon->type->is_union);
  EXPECT_EQ(anon->offset, offsetof(dt_node, u1));
}

TEST(DebugTypes, Bitfields) {
  auto d = self();
  ASSERT_TRUE(d);
  auto node = d->type("struct dt_node");
  ASSERT_TRUE(node);
  dt_node probe{};
  probe.low = 5;
  probe.mid = -3;
  const auto* low = field(*node, "low");
  const auto* mid = field(*node, "mid");
  ASSERT_TRUE(low && mid);
  EXPECT_EQ(low->bitfield_size, 3u);
  EXPECT_EQ(mid->bitfield_size, 5u);
  // Read each bitfield back from the object's bytes at the position DWARF gives.
  auto read = [&](const ast::RecordField* f) {
    uint64_t word = 0;
    std::memcpy(&word, reinterpret_cast<const char*>(&probe) + f->offset,
                std::min<size_t>(8, sizeof probe - f->offset));
    return (word >> f->bitfield_offset) & ((1ull << f->bitfield_size) - 1);
  };
  EXPECT_EQ(read(low), 5u);
  EXPECT_EQ(read(mid), 0b11101u); // -3 in five bits
}

TEST(DebugTypes, TypedefsAndMissingNames) {
  auto d = self();
  ASSERT_TRUE(d);
  auto td = d->type("dt_pair_t");
  ASSERT_TRUE(td);
  EXPECT_EQ(td->kind, ast::TypeKind::Record);
  EXPECT_EQ(td->size, 8u);
  EXPECT_FALSE(d->type("struct no_such_struct_here"));
}

TEST(DebugTypes, ReadsTheBuildId) {
  auto d = self();
  ASSERT_TRUE(d);
  // The toolchain links a GNU build-id note (20 bytes: 40 hex digits).
  EXPECT_EQ(d->build_id().size(), 40u) << d->build_id();
}

TEST(DebugTypes, NotAnElfFile) {
  auto d = DebugTypes::open("/proc/self/status");
  EXPECT_FALSE(static_cast<bool>(d));
  if (!d) llvm::consumeError(d.takeError());
}

} // namespace
} // namespace btc::userbin
