// skeleton/model_test.cpp: build_model() on the sample object and on garbage.
#include "model.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace btc::skel {
namespace {

class ModelTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto obj = test::sample_object();
    ASSERT_TRUE(static_cast<bool>(obj)) << llvm::toString(obj.takeError());
    obj_ = std::move(*obj);
    auto model = build_model(obj_, "sample");
    ASSERT_TRUE(static_cast<bool>(model)) << llvm::toString(model.takeError());
    model_ = std::move(*model);
  }

  const MapModel* map(const std::string& ident) const {
    for (const MapModel& m : model_.maps)
      if (m.ident == ident)
        return &m;
    return nullptr;
  }

  std::vector<uint8_t> obj_;
  SkeletonModel model_;
};

TEST_F(ModelTest, ListsMapsInObjectOrderWithLibbpfNames) {
  std::vector<std::string> names;
  for (const MapModel& m : model_.maps)
    names.push_back(m.name);
  EXPECT_EQ(names, (std::vector<std::string>{"events", "counts", "sample.rodata", "sample.bss",
                                              ".rodata.str1.1"}));
}

TEST_F(ModelTest, ReadsBtfDefinedMapAttributes) {
  const MapModel* events = map("events");
  ASSERT_NE(events, nullptr);
  EXPECT_EQ(events->type_name, "ringbuf");
  EXPECT_EQ(events->max_entries, 4096u);
  EXPECT_FALSE(events->internal);

  const MapModel* counts = map("counts");
  ASSERT_NE(counts, nullptr);
  EXPECT_EQ(counts->type_name, "percpu_hash");
  EXPECT_EQ(counts->key_size, 8u);
  EXPECT_EQ(counts->value_size, 8u);
  EXPECT_EQ(counts->max_entries, 128u);
}

TEST_F(ModelTest, DescribesRodataVariables) {
  const MapModel* rodata = map("rodata");
  ASSERT_NE(rodata, nullptr);
  EXPECT_TRUE(rodata->internal);
  EXPECT_TRUE(rodata->mmapable);
  EXPECT_EQ(rodata->section, ".rodata");
  EXPECT_EQ(rodata->value_size, 16u);
  ASSERT_EQ(rodata->vars.size(), 1u);
  EXPECT_EQ(rodata->vars[0].name, "btc_config");
  EXPECT_EQ(rodata->vars[0].offset, 0u);
  EXPECT_EQ(rodata->vars[0].size, 16u);
  EXPECT_EQ(rodata->vars[0].c_decl, "struct btc_config btc_config");
}

TEST_F(ModelTest, DescribesBssVariables) {
  const MapModel* bss = map("bss");
  ASSERT_NE(bss, nullptr);
  ASSERT_EQ(bss->vars.size(), 1u);
  EXPECT_EQ(bss->vars[0].name, "nr_events");
  EXPECT_EQ(bss->vars[0].size, 8u);
  EXPECT_EQ(bss->vars[0].c_decl, "unsigned long long nr_events");
}

TEST_F(ModelTest, StringLiteralSectionIsAnInternalMapWithoutVariables) {
  const MapModel* str = map("rodata_str1_1");
  ASSERT_NE(str, nullptr);
  EXPECT_TRUE(str->internal);
  EXPECT_EQ(str->section, ".rodata.str1.1");
  EXPECT_TRUE(str->vars.empty());
}

TEST_F(ModelTest, DefinesTheNamedTypesOfVariables) {
  EXPECT_NE(model_.type_defs.find("struct btc_config {"), std::string::npos) << model_.type_defs;
  EXPECT_NE(model_.type_defs.find("target_pid;"), std::string::npos) << model_.type_defs;
}

TEST_F(ModelTest, ListsProgramsWithSectionsAndTypes) {
  ASSERT_EQ(model_.progs.size(), 3u);
  EXPECT_EQ(model_.progs[0].name, "tp_openat");
  EXPECT_EQ(model_.progs[0].section, "tracepoint/syscalls/sys_enter_openat");
  EXPECT_EQ(model_.progs[0].type_name, "tracepoint");
  EXPECT_EQ(model_.progs[1].name, "BEGIN_1");
  EXPECT_EQ(model_.progs[1].section, "raw_tp");
  EXPECT_EQ(model_.progs[1].type_name, "raw_tracepoint");
  EXPECT_EQ(model_.progs[2].name, "profile_hz_99");
  EXPECT_EQ(model_.progs[2].type_name, "perf_event");
}

TEST(ModelErrors, RejectsBytesThatAreNotABpfObject) {
  std::vector<uint8_t> garbage(256, 0x5a);
  auto model = build_model(garbage, "junk");
  ASSERT_FALSE(static_cast<bool>(model));
  std::string msg = llvm::toString(model.takeError());
  EXPECT_NE(msg.find("libbpf cannot open the BPF object 'junk'"), std::string::npos) << msg;
}

TEST(ModelIdent, ReplacesNonIdentifierCharacters) {
  EXPECT_EQ(skeleton_ident("my-tool.v2"), "my_tool_v2");
  EXPECT_EQ(skeleton_ident("ok_name9"), "ok_name9");
}

} // namespace
} // namespace btc::skel
