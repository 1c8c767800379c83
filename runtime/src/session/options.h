// options.h: the command line of a generated tool.
//
// Input: argv. Output: Options. GNU style: options and positional parameters may be mixed,
// `--` ends option parsing (needed for negative numbers), short options may be bundled
// (-qv) and take their value attached or separate (-ofile, -o file).
//   tool [-h] [--version] [-o FILE] [-q] [-f text|json] [-B line|full|none] [-v] [-k|-kk]
//        [-p PID | -c 'CMD'] [--usdt-file-activation] [--] [ARG...]
#pragma once

#include "output/output.h"

#include <cstdint>
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
  std::string command;     // -c 'CMD' (empty: none)
  std::vector<std::string> positionals;
};

// false with `error` set on a usage error.
bool parse_options(int argc, const char* const* argv, Options& out, std::string& error);

std::string usage_text(std::string_view tool_name);
std::string version_text(std::string_view tool_name);

} // namespace btc::rt
