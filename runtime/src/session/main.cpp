// main.cpp: entry point of every generated tool. The tool's own .btc_payload section (written
// by the compiler, btc/payload.h) holds the BPF object and the encoded manifest; this reads
// it, decodes the manifest, parses the command line and runs the session.
#include "btc/abi.h"
#include "btc/payload.h"
#include "btc/tool_help.h"
#include "session/config.h"
#include "session/options.h"
#include "session/session.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  std::string why;
  auto payload = btc::abi::read_payload("/proc/self/exe", why);
  if (!payload) {
    std::fprintf(stderr, "ERROR: cannot read this tool's BPF program: %s\n", why.c_str());
    return 1;
  }
  auto manifest = btc::abi::decode(payload->manifest);
  if (!manifest) {
    std::fputs("ERROR: this tool's embedded program description is corrupt or was written by an "
               "incompatible btc version\n",
               stderr);
    return 1;
  }
  std::string name = manifest->tool_name;
  if (name.empty()) {
    const char* slash = std::strrchr(argv[0], '/');
    name = slash ? slash + 1 : argv[0];
  }
  btc::rt::Options options;
  std::string error;
  if (!btc::rt::parse_options(argc, argv, options, error, manifest->named_options)) {
    std::fprintf(stderr, "ERROR: %s\n%s", error.c_str(),
                 options.usage_error ? btc::abi::tool_usage(*manifest, name).c_str() : "");
    return 1;
  }
  if (options.help) {
    std::fputs(btc::abi::tool_help(*manifest, name).c_str(), stdout);
    return 0;
  }
  if (options.version) {
    std::fputs(btc::abi::tool_version(*manifest, name).c_str(), stdout);
    return 0;
  }
  // config cpp_demangle = false: the symbolizer reads 0.17's environment switch.
  if (btc::rt::config_setting(*manifest, "cpp_demangle", "true") == "false")
    setenv("BPFTRACE_NO_CPP_DEMANGLE", "1", 0);
  // Text the script took from positional parameters (kaddr(str($1)), interval:ms:$1).
  std::string bad = btc::rt::apply_positionals(*manifest, options.positionals);
  if (!bad.empty()) {
    std::fputs(bad.c_str(), stderr);
    return 1;
  }
  return btc::rt::run_session(*manifest, options, payload->bpf_object);
}
