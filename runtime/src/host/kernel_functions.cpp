// kernel_functions.cpp: traceable kernel functions and raw tracepoints (see
// kernel_functions.h).
#include "host/kernel_functions.h"

#include "host/kernel_btf.h"
#include "host/tracefs.h"

#include <bpf/btf.h>

#include "host/text_file.h"

#include <algorithm>

namespace btc::rt {

std::string traceable_functions(bool read_tracefs) {
  std::string funcs;
  if (read_tracefs)
    funcs = read_text_file(std::string(kTracefsRoot) + "/available_filter_functions");
  if (funcs.empty()) funcs = kallsyms_functions(read_text_file("/proc/kallsyms"));
  return funcs;
}

std::string kallsyms_functions(std::string_view kallsyms) {
  std::string out;
  Lines lines(kallsyms);
  for (std::string_view line; lines.next(line);) {
    // "ADDR TYPE NAME [module]": text symbols only.
    size_t s1 = line.find(' ');
    if (s1 == std::string_view::npos || s1 + 3 > line.size()) continue;
    char type = line[s1 + 1];
    if (type != 't' && type != 'T') continue;
    out += line.substr(s1 + 3);
    out += '\n';
  }
  return out;
}

std::vector<std::string> match_kernel_functions(std::string_view pattern, std::string_view text) {
  std::vector<std::string> out;
  Lines lines(text);
  for (std::string_view line; lines.next(line);) {
    std::string name(line.substr(0, line.find_first_of(" \t")));
    if (!name.empty() && glob_match(pattern, name)) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> match_raw_tracepoints(std::string_view pattern) {
  std::vector<std::string> out;
  btf* vmlinux = load_kernel_btf(kernel_btf());
  if (!vmlinux) return out;
  constexpr std::string_view kPrefix = "btf_trace_";
  for (uint32_t id = 1, n = btf__type_cnt(vmlinux); id < n; ++id) {
    const btf_type* t = btf__type_by_id(vmlinux, id);
    if (!btf_is_typedef(t)) continue;
    std::string_view name = btf__name_by_offset(vmlinux, t->name_off);
    if (!name.starts_with(kPrefix)) continue;
    name.remove_prefix(kPrefix.size());
    if (glob_match(pattern, name)) out.emplace_back(name);
  }
  btf__free(vmlinux);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

} // namespace btc::rt
