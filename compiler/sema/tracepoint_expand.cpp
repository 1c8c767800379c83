// tracepoint_expand.cpp: `args` in a probe with a wildcard tracepoint (execsnoop.bt's
// `tracepoint:syscalls:sys_enter_exec* { join(args->argv); }`).
//
// Every matched tracepoint has its own record layout, so, like bpftrace 0.17, the wildcard is
// expanded here, against this host's tracefs, into one program per tracepoint; each field read
// is then typed and CO-RE-relocated for its own record. Expanded attach points are optional:
// where the tool runs, one that is missing is skipped with a warning (0.17's multi-attach
// policy) instead of failing the tool. Without `args` the wildcard stays for the target host.
#include "sema/checker.h"

#include "btf/tracepoint.h"

#include <algorithm>
#include <filesystem>

namespace btc::sema {

std::vector<std::string> Checker::host_tracepoints(const std::string& pattern,
                                                   source::SourceRange r) {
  std::string root = options_.tracefs_root;
  if (root.empty()) {
    if (auto err = btf::ensure_tracefs(root)) {
      error(r, "args with a wildcard tracepoint needs this host's tracefs to expand " + pattern +
                   ": " + llvm::toString(std::move(err)));
      return {};
    }
  }
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  std::error_code ec;
  fs::path events = fs::path(root) / "events";
  for (const auto& cat : fs::directory_iterator(events, ec)) {
    if (!cat.is_directory(ec)) continue;
    std::string category = cat.path().filename().string();
    for (const auto& ev : fs::directory_iterator(cat.path(), ec)) {
      std::string name = category + ":" + ev.path().filename().string();
      if (!fs::exists(ev.path() / "format", ec)) continue;
      if (probes::wildcard_match(pattern, name)) out.push_back(name);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void Checker::add_expanded_tracepoints(const probes::AttachSpec& spec, const ast::AttachPoint& ap,
                                       size_t probe_index, ProbeInfo& pinfo,
                                       uint32_t& next_probe_id) {
  auto matches = host_tracepoints(spec.target, ap.range);
  if (matches.empty()) {
    error(ap.range, "tracepoint not found: " + spec.target);
    return;
  }
  for (const auto& target : matches) {
    probes::AttachSpec one = spec;
    one.target = target;
    one.text = "tracepoint:" + target;
    one.wildcard = false;
    one.optional = true;
    pinfo.kind = one.kind;
    pinfo.probe_ids.push_back(next_probe_id++);
    pinfo.prog_names.push_back("tracepoint_" + std::to_string(probe_index) + "_" +
                               std::to_string(pinfo.specs.size()));
    pinfo.alt_prog_names.emplace_back();
    pinfo.func_arg_counts.push_back(0);
    pinfo.specs.push_back(std::move(one));
  }
}

} // namespace btc::sema
