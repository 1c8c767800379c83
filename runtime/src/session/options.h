// options.h: the command line of a generated tool.
//
// Input: argv. Output: Options. GNU style: options and positional parameters may be mixed,
// `--` ends option parsing (needed for negative numbers), short options may be bundled
// (-qv) and take their value attached or separate (-ofile, -o file).
//   tool [-h] [--version] [-o FILE] [-q] [-f text|json] [-B line|full|none] [-v] [-k|-kk]
//        [-p PID | -c 'CMD'] [--usdt-file-activation] [--metrics [ADDR]:PORT]
//        [--metrics-prefix P] [--NAME[=VALUE]...] [--] [ARG...]
// --NAME[=VALUE] sets a getopt() option of the script (also after `--`, as bpftrace reads
// `tool -- --NAME=VALUE`); its value is checked against the option's type.
#pragma once

#include "btc/abi.h"
#include "metrics/server.h"
#include "output/output.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace btc::rt {

// stdio buffering of the output stream (bpftrace -B; default line).
enum class Buffering { Line, Full, None };

struct Options {
  bool help = false;
  bool version = false;
  bool list = false;    // --list / -l: print the attach points as they resolve here, exit
  bool quiet = false;
  bool verbose = false;
  OutputFormat format = OutputFormat::Text;
  std::string output_path; // empty: stdout
  Buffering buffering = Buffering::Line;
  int helper_errors = 0;   // -k: 1, -kk: 2
  bool usage_error = true; // a failed parse should be followed by the usage text
  int64_t target_pid = 0;  // -p PID (0: none)
  bool usdt_file_activation = false; // with -p: usdt semaphores in every process of the file
  bool test = false;       // --test: run the script's test:NAME probes (0.26) instead of tracing
  bool bench = false;      // --bench: time the script's bench:NAME probes
  std::string command;     // -c 'CMD' (empty: none)
  bool metrics = false;    // --metrics [ADDR]:PORT: serve the maps to Prometheus
  metrics::ListenAddress metrics_address;
  std::string metrics_prefix; // --metrics-prefix (empty: the tool's name, sanitized)
  std::vector<std::string> positionals;
  // getopt() options: the value of each of the manifest's named options, in its order (the
  // default when not given), as checked text ("true"/"false", a decimal integer, a string).
  std::vector<std::string> named_values;
};

// false with `error` set on a usage error. `named` are the script's getopt() options.
bool parse_options(int argc, const char* const* argv, Options& out, std::string& error,
                   std::span<const abi::NamedOption> named = {});

// The usage text, with the script's getopt() options and their defaults.

} // namespace btc::rt
