// main.cpp: btc's command line (CLI11) -> CompileOptions -> compile().
//   btc FILE -o OUT | btc -e 'PROG' -o OUT | btc - -o OUT
//   --emit=ast|ir|bpf-obj|skel|manifest  --btf FILE  -I DIR  --include FILE  --unsafe  -v
//   btc --link-runtime OUT (used by the build: links the tool runtime executable)
#include "driver/compile.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>

int main(int argc, char** argv) {
  btc::driver::CompileOptions o;
  // bpftrace's environment knobs are honoured as defaults; the options below override them.
  for (const char* name : {"BPFTRACE_STRLEN", "BPFTRACE_MAX_STRLEN"})
    if (const char* s = std::getenv(name)) {
      o.strlen = static_cast<unsigned>(std::atoi(s));
      o.strlen_given = true;
    }
  for (const char* name : {"BPFTRACE_MAP_KEYS_MAX", "BPFTRACE_MAX_MAP_KEYS"})
    if (const char* s = std::getenv(name)) {
      o.map_keys_max = static_cast<unsigned>(std::atoi(s));
      o.map_keys_given = true;
    }
  CLI::App app{"btc: ahead-of-time compiler for bpftrace scripts"};
  app.set_version_flag(
      "--version",
      std::string("btc " BTC_VERSION " (the bpftrace 0.17 and 0.26 languages, LLVM 19)"));
  std::string input;
  app.add_option("file", input, "bpftrace script (\"-\" reads stdin)");
  app.add_option("-e", o.program_text, "program text");
  app.add_option("-o,--output", o.output, "output executable");
  std::vector<std::string> emits;
  std::map<std::string, btc::driver::Emit> emit_names = {
      {"ast", btc::driver::Emit::Ast},           {"ir", btc::driver::Emit::Ir},
      {"bpf-obj", btc::driver::Emit::BpfObj},    {"skel", btc::driver::Emit::Skel},
      {"manifest", btc::driver::Emit::Manifest}, {"man", btc::driver::Emit::Man}};
  app.add_option("--emit", emits,
                 "write an intermediate artifact: ast, ir, bpf-obj, skel, manifest, or man (the "
                 "tool's man page, OUT.8) (to OUT.<ext> beside -o OUT, else to stdout)")
      ->allow_extra_args(false)
      ->check(CLI::IsMember({"ast", "ir", "bpf-obj", "skel", "manifest", "man"}));
  app.add_option("--btf", o.btf_path, "kernel BTF to compile against")->check(CLI::ExistingFile);
  app.add_option("-I", o.include_dirs, "header search directory")->allow_extra_args(false);
  app.add_option("--module-btf", o.module_btfs,
                 "NAME=FILE: BTF of kernel module NAME (its .ko or a BTF dump) for "
                 "fentry/fexit/rawtracepoint probes of that module (default: "
                 "/sys/kernel/btf/NAME)")
      ->allow_extra_args(false);
  app.add_option("--include", o.include_files, "header to include before the script")
      ->allow_extra_args(false);
  app.add_flag("--unsafe", o.unsafe, "allow unsafe functions (system, signal, override)");
  int k_count = 0;
  app.add_flag("-k", k_count,
               "make the tool warn by default when a BPF helper call fails (-kk: also probe "
               "reads), as bpftrace's -k/-kk");
  std::string target_name;
  app.add_option("--target", target_name,
                 "architecture of the tool: x86_64 or aarch64 (default: this machine's)")
      ->check(CLI::IsMember({"x86_64", "aarch64"}));
  app.add_flag("-v,--verbose", o.verbose, "verbose output");
  app.add_flag("--debug", o.debug,
               "keep the runtime's symbol table in the tool (for perf or gdb on the tool "
               "itself; ~0.5 MB larger)");
  app.add_option("--strlen", o.strlen, "bytes of str() results (BPFTRACE_STRLEN)")
      ->check(CLI::Range(1, 200));
  app.add_option("--map-keys-max", o.map_keys_max, "max entries of each map")
      ->check(CLI::PositiveNumber);
  // Hidden: the build links the tool runtime executable (btc-runtime) with this.
  std::string runtime_out;
  app.add_option("--link-runtime", runtime_out, "")->group("");
  CLI11_PARSE(app, argc, argv);
  if (!target_name.empty()) o.target = btc::targets::find_target(target_name);
  if (!runtime_out.empty())
    return btc::driver::link_runtime(runtime_out, *o.target, o.verbose, o.debug);
  o.strlen_given = o.strlen_given || app.count("--strlen") > 0;
  o.map_keys_given = o.map_keys_given || app.count("--map-keys-max") > 0;

  if (!input.empty() && !o.program_text.empty()) {
    std::cerr << "btc: error: give either a script file or -e PROG, not both\n";
    return 1;
  }
  if (input.empty() && o.program_text.empty()) {
    std::cerr << "btc: error: no program given (a script file, - for stdin, or -e PROG)\n"
              << app.help();
    return 1;
  }
  if (o.strlen < 1 || o.strlen > 200) {
    std::cerr << "btc: error: 'BPFTRACE_STRLEN' " << o.strlen
              << " exceeds the current maximum of 200 bytes.\n";
    return 1;
  }
  if (o.map_keys_max < 1) {
    std::cerr << "btc: error: BPFTRACE_MAP_KEYS_MAX must be a positive number\n";
    return 1;
  }
  o.helper_errors = static_cast<unsigned>(std::min(k_count, 2));
  o.input_path = input;
  for (const auto& e : emits) o.emits.push_back(emit_names.at(e));
  return btc::driver::compile(o);
}
