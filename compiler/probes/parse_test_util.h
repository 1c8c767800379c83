// parse_test_util.h: helpers of the attach-point parsing tests (probes_test.cpp,
// watchpoint_test.cpp): parse text that must parse, or must fail with a message.
#pragma once

#include "probes/probes.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace btc::probes {

inline AttachSpec parse_ok(std::string_view text) {
  std::string err;
  auto s = parse_attach_point(text, err);
  EXPECT_TRUE(s.has_value()) << text << ": " << err;
  return s.value_or(AttachSpec{});
}

inline std::string parse_err(std::string_view text) {
  std::string err;
  auto s = parse_attach_point(text, err);
  EXPECT_FALSE(s.has_value()) << text;
  return err;
}

} // namespace btc::probes
