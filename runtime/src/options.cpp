// options.cpp: command-line parsing for generated tools (see options.h).
#include "options.h"

namespace btc::rt {
namespace {

bool set_format(std::string_view v, Options& out, std::string& error) {
  if (v == "text") out.format = OutputFormat::Text;
  else if (v == "json") out.format = OutputFormat::Json;
  else {
    error = "invalid output format '" + std::string(v) + "' (expected text or json)";
    return false;
  }
  return true;
}

} // namespace

bool parse_options(int argc, const char* const* argv, Options& out, std::string& error) {
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (options_done || arg.size() < 2 || arg[0] != '-') {
      out.positionals.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg.substr(0, 2) == "--") {
      if (arg == "--help") out.help = true;
      else if (arg == "--version") out.version = true;
      else if (arg == "--quiet") out.quiet = true;
      else if (arg == "--verbose") out.verbose = true;
      else {
        error = "unknown option '" + std::string(arg) + "'";
        return false;
      }
      continue;
    }
    // A bundle of short options; -o and -f consume the rest of the word or the next word.
    for (size_t j = 1; j < arg.size(); ++j) {
      char c = arg[j];
      if (c == 'h') out.help = true;
      else if (c == 'V') out.version = true;
      else if (c == 'q') out.quiet = true;
      else if (c == 'v') out.verbose = true;
      else if (c == 'o' || c == 'f') {
        std::string_view value;
        if (j + 1 < arg.size()) value = arg.substr(j + 1);
        else if (i + 1 < argc) value = argv[++i];
        else {
          error = std::string("option '-") + c + "' requires an argument";
          return false;
        }
        if (c == 'o') out.output_path = std::string(value);
        else if (!set_format(value, out, error)) return false;
        break;
      } else {
        error = std::string("unknown option '-") + c + "'";
        return false;
      }
    }
  }
  return true;
}

std::string usage_text(std::string_view tool_name) {
  std::string t(tool_name);
  return "USAGE:\n"
         "    " + t + " [options] [--] [ARG...]\n"
         "\n"
         "OPTIONS:\n"
         "    -f FORMAT      output format ('text', 'json')\n"
         "    -o FILE        redirect program output to FILE\n"
         "    -q             keep messages quiet\n"
         "    -v             verbose messages (libbpf and verifier log)\n"
         "    -h, --help     show this help message\n"
         "    -V, --version  " + t + " version\n"
         "\n"
         "ARG... are the script's positional parameters $1, $2, ... ($# is their count);\n"
         "use -- before values that start with '-'.\n";
}

std::string version_text(std::string_view tool_name) {
  return std::string(tool_name) + " (btc 0.1.0)\n";
}

} // namespace btc::rt
