// config_test.cpp: the .rodata config layout.
#include "session/config.h"

#include <gtest/gtest.h>

#include <cstring>

namespace btc::rt {
namespace {

TEST(ConfigTest, WritesLayout) {
  abi::Manifest m;
  m.max_positional = 3;
  m.strlen = 8;
  m.config.size = 80;
  m.config.start_ns = 0;
  m.config.num_args = 8;
  m.config.int_args = 16;  // 3 x i64
  m.config.str_args = 40;  // 3 x char[8]
  m.config.target_pid = abi::kNoIndex;
  std::vector<uint8_t> rodata(m.config.size, 0xee);
  std::string err;
  ConfigValues values;
  values.start_ns = 123;
  ASSERT_TRUE(write_config(m, {"42", "hello world", "0x10"}, values, rodata, err)) << err;
  auto i64_at = [&](size_t off) {
    int64_t v;
    std::memcpy(&v, rodata.data() + off, 8);
    return v;
  };
  EXPECT_EQ(i64_at(0), 123);
  EXPECT_EQ(i64_at(8), 3);
  EXPECT_EQ(i64_at(16), 42);
  EXPECT_EQ(i64_at(24), 0); // "hello world" is not numeric
  EXPECT_EQ(i64_at(32), 16);
  EXPECT_STREQ(reinterpret_cast<const char*>(rodata.data() + 40), "42");
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(rodata.data() + 48)), "hello w"); // strlen-1
  EXPECT_STREQ(reinterpret_cast<const char*>(rodata.data() + 56), "0x10");
  EXPECT_EQ(rodata[64], 0xee); // untouched beyond the layout
}

TEST(ConfigTest, MissingPositionalsAreZeroAndEmpty) {
  abi::Manifest m;
  m.max_positional = 2;
  m.strlen = 4;
  m.config.size = 32;
  m.config.num_args = 0;
  m.config.int_args = 8;
  m.config.str_args = 24;
  std::vector<uint8_t> rodata(32, 0xee);
  std::string err;
  ASSERT_TRUE(write_config(m, {}, {}, rodata, err)) << err;
  EXPECT_EQ(rodata[0], 0);
  EXPECT_EQ(rodata[8], 0);
  EXPECT_EQ(rodata[16], 0);
  EXPECT_EQ(rodata[24], 0);
  EXPECT_EQ(rodata[28], 0);
}

TEST(ConfigTest, ProcessIdsAndHelperErrorLevel) {
  abi::Manifest m;
  m.config.size = 32;
  m.config.target_pid = 0;
  m.config.child_pid = 8;
  m.config.helper_errors = 16;
  std::vector<uint8_t> rodata(32, 0xee);
  ConfigValues values;
  values.target_pid = 1234;
  values.child_pid = 5678;
  values.helper_errors = 2;
  std::string err;
  ASSERT_TRUE(write_config(m, {}, values, rodata, err)) << err;
  uint64_t v[3];
  std::memcpy(v, rodata.data(), sizeof v);
  EXPECT_EQ(v[0], 1234u);
  EXPECT_EQ(v[1], 5678u);
  EXPECT_EQ(v[2], 2u);
  EXPECT_EQ(rodata[24], 0xee);
}

TEST(ConfigTest, LayoutOutsideRodataFails) {
  abi::Manifest m;
  m.config.size = 8;
  m.config.num_args = 4;
  std::vector<uint8_t> rodata(8);
  std::string err;
  EXPECT_FALSE(write_config(m, {}, {}, rodata, err));
  EXPECT_NE(err.find("does not fit"), std::string::npos);
}

} // namespace
} // namespace btc::rt
