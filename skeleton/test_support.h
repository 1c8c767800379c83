// skeleton/test_support.h: helpers shared by the skeleton tests.
//
// compile_bpf_ir() turns LLVM IR text (testdata/sample_prog.ll) into a BPF ELF object with
// the in-process BPF backend, the way codegen does, so the tests need no clang.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <llvm/Support/Error.h>

namespace btc::skel::test {

// The sample object: maps events (ringbuf) and counts (percpu_hash), .rodata btc_config,
// .bss nr_events, programs tp_openat, BEGIN_1, profile_hz_99.
llvm::Expected<std::vector<uint8_t>> sample_object();

llvm::Expected<std::vector<uint8_t>> compile_bpf_ir(const std::string& ir_text);

// A fresh directory under $TMPDIR, removed with its contents by the destructor.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
  std::string path_;
};

bool write_file(const std::string& path, const std::vector<uint8_t>& bytes);
bool write_file(const std::string& path, const std::string& text);
std::string read_text(const std::string& path);

// Runs `command` through /bin/sh; returns the exit status and fills `output` with stdout
// and stderr.
int run_command(const std::string& command, std::string& output);

// True when `program` is an executable found on PATH.
bool have_program(const std::string& program);

} // namespace btc::skel::test
