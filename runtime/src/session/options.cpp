// options.cpp: command-line parsing for generated tools (see options.h).
#include "session/options.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

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

// The value of a getopt() option as the script reads it: booleans "true"/"false", integers
// in decimal (0x.. and negative numbers accepted), strings as given.
bool check_named_value(const abi::NamedOption& o, std::string_view v, std::string& out,
                       std::string& error) {
  switch (o.kind) {
  case abi::OptionKind::Bool:
    if (v == "true" || v == "1")
      out = "true";
    else if (v == "false" || v == "0")
      out = "false";
    else {
      error = "invalid value '" + std::string(v) + "' for option --" + o.name +
              ": expected true, false, 1 or 0";
      return false;
    }
    return true;
  case abi::OptionKind::Int: {
    std::string text(v);
    char* end = nullptr;
    errno = 0;
    long long n = text.empty() ? 0 : std::strtoll(text.c_str(), &end, 0);
    if (text.empty() || *end != '\0' || errno == ERANGE) {
      error = "invalid value '" + text + "' for option --" + o.name + ": expected an integer";
      return false;
    }
    out = std::to_string(n);
    return true;
  }
  case abi::OptionKind::String:
    out = std::string(v);
    return true;
  }
  return false;
}

// `--NAME[=VALUE]` naming a getopt() option: true (with the value stored) or false when NAME
// is none of them. A bad value is an error (false with `error` set).
bool take_named(std::string_view arg, std::span<const abi::NamedOption> named, Options& out,
                std::string& error, bool& taken) {
  taken = false;
  std::string_view body = arg.substr(2);
  size_t eq = body.find('=');
  std::string_view name = body.substr(0, eq);
  for (size_t k = 0; k < named.size(); ++k) {
    if (named[k].name != name) continue;
    taken = true;
    if (eq == std::string_view::npos && named[k].kind != abi::OptionKind::Bool) {
      error = "option --" + named[k].name + " needs a value (--" + named[k].name + "=VALUE)";
      return false;
    }
    std::string_view value = eq == std::string_view::npos ? "true" : body.substr(eq + 1);
    return check_named_value(named[k], value, out.named_values[k], error);
  }
  return true;
}

// --metrics / --metrics-prefix, written `--opt VALUE` or `--opt=VALUE`: true when `arg` is
// one of them (then false in `ok` on a bad value).
bool take_long_value(std::string_view arg, int argc, const char* const* argv, int& i, Options& out,
                     std::string& error, bool& ok) {
  ok = true;
  for (std::string_view name : {"--metrics", "--metrics-prefix"}) {
    if (!arg.starts_with(name)) continue;
    std::string_view rest = arg.substr(name.size());
    if (!rest.empty() && rest[0] != '=') continue;
    std::string_view value;
    if (!rest.empty())
      value = rest.substr(1);
    else if (i + 1 < argc)
      value = argv[++i];
    else {
      error = "option '" + std::string(name) + "' requires an argument";
      ok = false;
      return true;
    }
    if (name == "--metrics") {
      ok = metrics::parse_listen_address(value, out.metrics_address, error);
      out.metrics = true;
    } else if (!metrics::valid_metric_name(value)) {
      error = "invalid --metrics-prefix '" + std::string(value) +
              "': a metric name is letters, digits, '_' and ':', not starting with a digit";
      ok = false;
    } else {
      out.metrics_prefix = std::string(value);
    }
    if (!ok) out.usage_error = false;
    return true;
  }
  return false;
}

} // namespace

bool parse_options(int argc, const char* const* argv, Options& out, std::string& error,
                   std::span<const abi::NamedOption> named) {
  out.named_values.clear();
  for (const auto& o : named) {
    std::string v;
    if (!check_named_value(o, o.default_value, v, error)) return false;
    out.named_values.push_back(v);
  }
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.size() > 2 && arg.substr(0, 2) == "--" && !named.empty()) {
      bool taken = false;
      if (!take_named(arg, named, out, error, taken)) {
        out.usage_error = false;
        return false;
      }
      if (taken) continue;
    }
    if (options_done || arg.size() < 2 || arg[0] != '-') {
      out.positionals.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg.substr(0, 2) == "--") {
      bool ok = true;
      if (take_long_value(arg, argc, argv, i, out, error, ok)) {
        if (!ok) return false;
        continue;
      }
      if (arg == "--help") out.help = true;
      else if (arg == "--version") out.version = true;
      else if (arg == "--quiet") out.quiet = true;
      else if (arg == "--verbose") out.verbose = true;
      else if (arg == "--list") out.list = true;
      else if (arg == "--usdt-file-activation") out.usdt_file_activation = true;
      else if (arg == "--test")
        out.test = true;
      else if (arg == "--bench")
        out.bench = true;
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

} // namespace btc::rt
