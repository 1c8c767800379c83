// options.cpp: command-line parsing for generated tools (see options.h).
#include "session/options.h"

#include <algorithm>

namespace btc::rt {
namespace {

bool set_format(std::string_view v, Options& out, std::string& error) {
  if (v == "text") out.format = OutputFormat::Text;
  else if (v == "json") out.format = OutputFormat::Json;
  else {
    // bpftrace 0.17's words (and no usage text after them, as 0.17).
    error = "Invalid output format \"" + std::string(v) + "\"\nValid formats: 'text', 'json'";
    out.usage_error = false;
    return false;
  }
  return true;
}

bool set_buffering(std::string_view v, Options& out, std::string& error) {
  if (v == "line") out.buffering = Buffering::Line;
  else if (v == "full") out.buffering = Buffering::Full;
  else if (v == "none") out.buffering = Buffering::None;
  else {
    error = "invalid buffering mode '" + std::string(v) + "' (expected line, full or none)";
    return false;
  }
  return true;
}

bool set_pid(std::string_view v, Options& out, std::string& error) {
  int64_t pid = 0;
  bool digits = !v.empty() && v.size() <= 10;
  for (char c : v) digits = digits && c >= '0' && c <= '9';
  if (digits) {
    for (char c : v) pid = pid * 10 + (c - '0');
  }
  if (!digits || pid <= 0 || pid > 0x7fffffff) {
    error = "invalid pid '" + std::string(v) + "' (expected a positive process id)";
    return false;
  }
  out.target_pid = pid;
  return true;
}

// Applies the value of an option that takes one (-o -f -B -p -c).
bool set_value(char option, std::string_view value, Options& out, std::string& error) {
  switch (option) {
  case 'o': out.output_path = std::string(value); return true;
  case 'f': return set_format(value, out, error);
  case 'B': return set_buffering(value, out, error);
  case 'p': return set_pid(value, out, error);
  case 'c':
    if (value.find_first_not_of(' ') == std::string_view::npos) {
      error = "option '-c' needs a command";
      return false;
    }
    out.command = std::string(value);
    return true;
  default: return false;
  }
}

bool takes_value(char c) { return c == 'o' || c == 'f' || c == 'B' || c == 'p' || c == 'c'; }

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
      else if (arg == "--list") out.list = true;
      else if (arg == "--usdt-file-activation") out.usdt_file_activation = true;
      else {
        error = "unknown option '" + std::string(arg) + "'";
        return false;
      }
      continue;
    }
    // A bundle of short options; -o -f -B -p -c consume the rest of the word or the next word.
    for (size_t j = 1; j < arg.size(); ++j) {
      char c = arg[j];
      if (c == 'h') out.help = true;
      else if (c == 'V') out.version = true;
      else if (c == 'q') out.quiet = true;
      else if (c == 'v') out.verbose = true;
      else if (c == 'l') out.list = true;
      else if (c == 'k') out.helper_errors = std::min(out.helper_errors + 1, 2);
      else if (takes_value(c)) {
        std::string_view value;
        if (j + 1 < arg.size()) value = arg.substr(j + 1);
        else if (i + 1 < argc) value = argv[++i];
        else {
          error = std::string("option '-") + c + "' requires an argument";
          return false;
        }
        if (!set_value(c, value, out, error)) return false;
        break;
      } else {
        error = std::string("unknown option '-") + c + "'";
        return false;
      }
    }
  }
  if (out.target_pid != 0 && !out.command.empty()) {
    error = "Cannot use both -c and -p.";
    return false;
  }
  return true;
}

std::string usage_text(std::string_view tool_name) {
  std::string t(tool_name);
  return "USAGE:\n"
         "    " + t + " [options] [--] [ARG...]\n"
         "\n"
         "OPTIONS:\n"
         "    -B MODE        output buffering mode ('line', 'full', 'none'; default line)\n"
         "    -f FORMAT      output format ('text', 'json')\n"
         "    -o FILE        redirect program output to FILE\n"
         "    -p PID         trace only process PID; exit when it exits\n"
         "    -c 'CMD'       run CMD (split on spaces, no shell) once the probes are attached;\n"
         "                   cpid is its pid; exit when it exits\n"
         "    --usdt-file-activation\n"
         "                   with -p: raise usdt semaphores in every process running the file\n"
         "    -k             warn when a BPF helper call fails (except probe reads)\n"
         "    -kk            warn when any BPF helper call fails\n"
         "    -q             keep messages quiet\n"
         "    -v             verbose messages (libbpf and verifier log, child exit code)\n"
         "    -l, --list     list the probes as they resolve on this host, then exit\n"
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
