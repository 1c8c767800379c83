// about_test.cpp: the header comment a tool's --help shows, and the script hash.
#include "manifest/about.h"

#include <gtest/gtest.h>

namespace btc::manifest {
namespace {

TEST(HeaderCommentTest, SlashCommentsAfterShebang) {
  EXPECT_EQ(header_comment("#!/usr/bin/env bpftrace\n"
                           "// opensnoop\tTrace open() syscalls.\n"
                           "// \t\tFor Linux.\n"
                           "//\n"
                           "// USAGE: opensnoop.bt\n"
                           "\n"
                           "// not part of the header\n"
                           "BEGIN {}\n"),
            "opensnoop       Trace open() syscalls.\n"
            "                For Linux.\n"
            "\n"
            "USAGE: opensnoop.bt\n");
}

TEST(HeaderCommentTest, BlockCommentMarginsRemoved) {
  EXPECT_EQ(header_comment("/*\n"
                           " * biolatency  Block I/O latency.\n"
                           " *\n"
                           " *   indented example\n"
                           " */\n"
                           "BEGIN {}\n"),
            "biolatency  Block I/O latency.\n\n  indented example\n");
  EXPECT_EQ(header_comment("/* one line */ BEGIN {}"), "one line\n");
}

TEST(HeaderCommentTest, LicenceCopyrightAndHistoryDropped) {
  EXPECT_EQ(header_comment("// tool  Does a thing.\n"
                           "//\n"
                           "// Copyright 2018 Netflix, Inc.\n"
                           "// Licensed under the Apache License, Version 2.0 (the \"License\")\n"
                           "// SPDX-License-Identifier: GPL-2.0\n"
                           "//\n"
                           "// 13-Sep-2018\tBrendan Gregg\tCreated this.\n"
                           "// 1-Feb-2019  Someone  Changed that.\n"),
            "tool  Does a thing.\n");
}

TEST(HeaderCommentTest, NoLeadingComment) {
  EXPECT_EQ(header_comment("BEGIN { printf(\"hi\\n\"); } // trailing\n"), "");
  EXPECT_EQ(header_comment(""), "");
  EXPECT_EQ(header_comment("/* never closed\n BEGIN {}"), "");
}

TEST(HeaderCommentTest, EndIsTheLineAfterTheBlock) {
  EXPECT_EQ(header_comment_end("#!/usr/bin/env bpftrace\n// a\n// b\n\nBEGIN {}\n"), 3u);
  EXPECT_EQ(header_comment_end("/*\n * a\n */\nBEGIN {}\n"), 2u); // "*/" may share code
  EXPECT_EQ(header_comment_end("BEGIN {}\n// late\n"), 0u);
}

TEST(ScriptHashTest, Sha256OfTheBytes) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

} // namespace
} // namespace btc::manifest
