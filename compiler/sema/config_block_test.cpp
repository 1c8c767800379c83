// config_block_test.cpp: the config variables btc applies, how it spells their names, and
// the located refusals.
#include "sema/config_block.h"

#include "parse/parser.h"

#include <gtest/gtest.h>

namespace btc::sema {
namespace {

struct Read {
  ConfigBlock block;
  std::string errors;
};

Read read(const std::string& config) {
  source::SourceFile file("t.bt", config + "\nBEGIN {}");
  diag::Diagnostics diags;
  ast::Program prog = parse::parse(file, diags);
  EXPECT_FALSE(diags.has_errors()) << diag::render_all(diags, file);
  Read r;
  r.block = read_config(prog.config, diags);
  r.errors = diag::render_all(diags, file);
  return r;
}

TEST(ConfigBlock, CompileTimeVariables) {
  Read r = read("config = { max_strlen = 100; max_map_keys = 10; stack_mode = perf; "
                "perf_rb_pages = 64; max_bpf_progs = 3; license = \"Dual BSD/GPL\" }");
  ASSERT_EQ(r.errors, "");
  EXPECT_EQ(r.block.max_strlen, 100u);
  EXPECT_EQ(r.block.max_map_keys, 10u);
  EXPECT_EQ(r.block.stack_mode, abi::StackMode::Perf);
  EXPECT_EQ(r.block.perf_rb_pages, 64u);
  EXPECT_EQ(r.block.max_bpf_progs, 3u);
  EXPECT_EQ(r.block.license, "Dual BSD/GPL");
  EXPECT_TRUE(r.block.settings.empty());
}

TEST(ConfigBlock, RuntimeSettingsAndSpellings) {
  Read r = read("config = { BPFTRACE_MISSING_PROBES = warn; PRINT_MAPS_ON_EXIT = 0; "
                "cpp_demangle = true; BPFTRACE_CAT_BYTES_MAX = 100 }");
  ASSERT_EQ(r.errors, "");
  ASSERT_EQ(r.block.settings.size(), 4u);
  EXPECT_EQ(r.block.settings[0].name, "missing_probes");
  EXPECT_EQ(r.block.settings[0].value, "warn");
  EXPECT_EQ(r.block.settings[1].name, "print_maps_on_exit");
  EXPECT_EQ(r.block.settings[1].value, "false");
  EXPECT_EQ(r.block.settings[2].value, "true");
  EXPECT_EQ(r.block.settings[3].name, "max_cat_bytes"); // 0.17's environment name
  EXPECT_EQ(r.block.settings[3].value, "100");
}

TEST(ConfigBlock, RefusalsAreLocatedAndSayWhy) {
  Read r = read("config = { lazy_symbolication = true }");
  EXPECT_NE(r.errors.find("t.bt:1:12-37: ERROR: config variable 'lazy_symbolication' has no "
                          "meaning for a compiled tool: btc's tools always symbolize when they "
                          "print"),
            std::string::npos)
      << r.errors;
}

TEST(ConfigBlock, UnstableSwitches) {
  Read r = read("config = { unstable_tseries = error; unstable_macro = enable; "
                "unstable_import = warn }");
  ASSERT_EQ(r.errors, "");
  ASSERT_EQ(r.block.unstable.size(), 1u);
  EXPECT_EQ(r.block.unstable[0].name, "tseries");
  EXPECT_EQ(r.block.unstable[0].value, "error");
  EXPECT_TRUE(read("config = { unstable_macro = error }").block.unstable.empty());
  EXPECT_NE(read("config = { unstable_tseries = maybe }")
                .errors.find("config variable 'unstable_tseries' expects one of enable, warn, "
                             "error"),
            std::string::npos);
}

TEST(ConfigBlock, BadNamesAndValues) {
  EXPECT_NE(read("config = { no_such_thing = 1 }")
                .errors.find("unknown config variable "
                             "'no_such_thing'"),
            std::string::npos);
  EXPECT_NE(read("config = { missing_probes = sometimes }")
                .errors.find("config variable 'missing_probes' expects one of error, warn, ignore"),
            std::string::npos);
  EXPECT_NE(read("config = { max_strlen = 1000 }")
                .errors.find("max_strlen 1000 exceeds btc's "
                             "maximum of 200 bytes"),
            std::string::npos);
  EXPECT_NE(read("config = { license = \"MIT\" }").errors.find("license 'MIT' is not one"),
            std::string::npos);
  EXPECT_NE(read("config = { max_probes = 1; max_probes = 2 }")
                .errors.find("config variable 'max_probes' is set twice"),
            std::string::npos);
}

} // namespace
} // namespace btc::sema
