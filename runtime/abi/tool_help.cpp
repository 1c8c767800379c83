// tool_help.cpp: a tool's --help and --version text (see btc/tool_help.h).
#include "btc/tool_help.h"

#include <algorithm>
#include <array>

namespace btc::abi {
namespace {

constexpr std::array kToolOptions = {
    ToolOptionDoc{"-B", "MODE", "output buffering mode ('line', 'full', 'none'; default line)"},
    ToolOptionDoc{"-f", "FORMAT", "output format ('text', 'json')"},
    ToolOptionDoc{"-o", "FILE", "redirect program output to FILE"},
    ToolOptionDoc{"-p", "PID", "trace only process PID; exit when it exits"},
    ToolOptionDoc{"-c", "'CMD'",
                  "run CMD (split on spaces, no shell) once the probes are attached;\n"
                  "cpid is its pid; exit when it exits"},
    ToolOptionDoc{"--usdt-file-activation", "",
                  "with -p: raise usdt semaphores in every process running the file"},
    ToolOptionDoc{"--metrics", "[ADDR]:PORT",
                  "also serve the maps to Prometheus at http://ADDR:PORT/metrics\n"
                  "(ADDR: 127.0.0.1 when omitted; 0.0.0.0 or [::] for all); count()\n"
                  "maps are counters, sum/min/max/avg and integer values gauges,\n"
                  "stats() summaries, hist/lhist histograms; maps of strings,\n"
                  "stacks, tuples or structs, with stack keys, or of tseries()\n"
                  "are not served"},
    ToolOptionDoc{"--metrics-prefix", "P",
                  "name the maps' metrics P_<map> (default: the tool's name)"},
    ToolOptionDoc{"-k", "", "warn when a BPF helper call fails (except probe reads)"},
    ToolOptionDoc{"-kk", "", "warn when any BPF helper call fails"},
    ToolOptionDoc{"-q", "", "keep messages quiet"},
    ToolOptionDoc{"-v", "", "verbose messages (libbpf and verifier log, child exit code)"},
    ToolOptionDoc{"-l, --list", "", "list the probes as they resolve on this host, then exit"},
    ToolOptionDoc{"--test", "", "run the script's test:NAME probes and report each (no tracing)"},
    ToolOptionDoc{"--bench", "", "time the script's bench:NAME probes (no tracing)"},
    ToolOptionDoc{"-h, --help", "", "show this help message"},
    ToolOptionDoc{"-V, --version", "", "show the tool's version, btc version and script hash"},
};

constexpr std::array kToolEnvironment = {
    ToolOptionDoc{"BPFTRACE_BTF", "FILE",
                  "read kernel types from FILE instead of /sys/kernel/btf/vmlinux"},
    ToolOptionDoc{"BTC_FULL_BTF", "1",
                  "let libbpf parse all of the kernel's BTF instead of the types the "
                  "program's CO-RE relocations name"},
    ToolOptionDoc{"BTC_NO_BPF_COOKIES", "1",
                  "name the firing attach point with one program copy per attach point, as "
                  "on kernels without BPF cookies"},
    ToolOptionDoc{"BPFTRACE_MAX_PROBES", "N",
                  "the most attach points a wildcard may expand to (default 512)"},
    ToolOptionDoc{"BPFTRACE_MISSING_PROBES", "MODE",
                  "what a probe that does not exist on this host does: 'error', 'warn' or "
                  "'ignore'"},
    ToolOptionDoc{"BPFTRACE_PRINT_MAPS_ON_EXIT", "false",
                  "do not print the maps when the tool ends"},
    ToolOptionDoc{"BPFTRACE_NO_CPP_DEMANGLE", "1", "print C++ user symbols mangled"},
    ToolOptionDoc{"TZ", "ZONE", "the time zone of time() and strftime()"},
};

constexpr size_t kColumn = 19; // where descriptions start in the terminal rendering

// "    LEFT           text\n" with continuation lines indented to kColumn.
std::string row(std::string left, std::string_view text) {
  left = "    " + left;
  if (left.size() < kColumn)
    left.resize(kColumn, ' ');
  else
    left += "\n" + std::string(kColumn, ' ');
  std::string out = left;
  for (char c : text) {
    out += c;
    if (c == '\n') out += std::string(kColumn, ' ');
  }
  return out + "\n";
}

} // namespace

std::span<const ToolOptionDoc> tool_option_docs() {
  return kToolOptions;
}
std::span<const ToolOptionDoc> tool_environment_docs() {
  return kToolEnvironment;
}

std::vector<PositionalDoc> positional_docs(const Manifest& m) {
  uint32_t last = m.max_positional;
  for (const Positional& p : m.positionals) last = std::max(last, p.index);
  std::vector<PositionalDoc> out;
  for (uint32_t i = 1; i <= last; ++i) out.push_back({i, false});
  for (const Positional& p : m.positionals)
    if (p.index > 0) out[p.index - 1].numeric = out[p.index - 1].numeric || p.numeric;
  return out;
}

std::string positional_text(const PositionalDoc& p) {
  return p.numeric ? "a number (0 when not given)" : "text (empty when not given)";
}

std::string named_option_flag(const NamedOption& o) {
  std::string flag = "--" + o.name;
  if (o.kind != OptionKind::Bool) flag += o.kind == OptionKind::Int ? "=NUM" : "=TEXT";
  return flag;
}

std::string named_option_text(const NamedOption& o) {
  std::string text = o.description.empty() ? std::string() : o.description + " ";
  std::string value =
      o.kind == OptionKind::String ? "\"" + o.default_value + "\"" : o.default_value;
  return text + "(" + option_kind_name(o.kind) + ", default " + value + ")";
}

std::string tool_usage(const Manifest& m, std::string_view tool_name) {
  std::string t(tool_name);
  std::string out = "USAGE:\n    " + t + " [options] [--] [ARG...]\n\nOPTIONS:\n";
  for (const ToolOptionDoc& o : kToolOptions)
    out += row(std::string(o.flags) + (o.arg.empty() ? "" : " " + std::string(o.arg)), o.text);
  if (!m.named_options.empty()) {
    out += "\nSCRIPT OPTIONS:\n";
    for (const NamedOption& o : m.named_options)
      out += row(named_option_flag(o), named_option_text(o));
  }
  std::vector<PositionalDoc> positionals = positional_docs(m);
  if (!positionals.empty()) {
    out += "\nPOSITIONAL PARAMETERS:\n";
    for (const PositionalDoc& p : positionals)
      out += row("$" + std::to_string(p.index), positional_text(p));
  }
  return out + "\nARG... are the script's positional parameters $1, $2, ... ($# is their count);\n"
               "use -- before values that start with '-'.\n";
}

std::string tool_help(const Manifest& m, std::string_view tool_name) {
  if (m.description.empty()) return tool_usage(m, tool_name);
  return m.description + "\n" + tool_usage(m, tool_name);
}

std::string tool_version(const Manifest& m, std::string_view tool_name) {
  std::string out = std::string(tool_name) + " (btc " + m.btc_version + ")\n";
  std::string script = m.source_name.empty() ? "stdin" : m.source_name;
  if (size_t slash = script.rfind('/'); slash != std::string::npos) script.erase(0, slash + 1);
  out += "script: " + script + " sha256:" + m.script_sha256 + "\n";
  return out + "target: " + m.target_arch + "\n";
}

} // namespace btc::abi
