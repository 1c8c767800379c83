// usdt.cpp: the usdt provider: resolution and attaching (see usdt.h).
//
// Resolution follows bpftrace 0.17: BIN is a path, a `lib*` name (ld.so.cache) or a $PATH
// command (resolve_uprobe_binary); with -p PID the files are taken under /proc/PID/root and
// an omitted BIN means every file the process maps. A NAME without namespace that two
// providers share is reported and skipped; a probe matching nothing is skipped silently.
#include "attach/usdt.h"

#include "attach/program_copies.h"
#include "attach/provider.h"
#include "btc/usdt.h"
#include "host/symbols.h"
#include "host/text_file.h"
#include "host/tracefs.h"
#include "host/usdt_notes.h"
#include "script/diag.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <set>

namespace btc::rt {
namespace {

struct Site {
  uint64_t file_offset = 0, sema_offset = 0;
  uint32_t slot = 0;
  abi::UsdtSpec spec{};
};

struct Match {
  std::string path; // file the uprobes go into
  std::string provider, name;
  std::string text; // "usdt:PATH:PROVIDER:NAME", as `probe` prints it
  std::vector<Site> sites;
};

// The paths matching `pattern`, a path whose components may hold `*` (not crossing '/';
// hidden entries only for a component starting with '.'), sorted, as glob(3) finds them.
// glob(3) itself would link glibc's user database and name service code into every tool.
std::vector<std::string> expand_path(const std::string& pattern) {
  std::vector<std::string> found = {pattern.starts_with('/') ? "" : "."};
  Lines parts(pattern, '/');
  for (std::string_view part; parts.next(part);) {
    if (part.empty()) continue;
    std::vector<std::string> next;
    for (const std::string& dir : found) {
      if (part.find('*') == std::string_view::npos) {
        next.push_back(dir + "/" + std::string(part));
        continue;
      }
      DIR* d = opendir(dir.empty() ? "/" : dir.c_str());
      if (!d) continue;
      while (dirent* e = readdir(d)) {
        std::string_view name = e->d_name;
        if (name == "." || name == ".." || (name[0] == '.' && part[0] != '.')) continue;
        if (glob_match(part, name)) next.push_back(dir + "/" + std::string(name));
      }
      closedir(d);
    }
    found = std::move(next);
  }
  for (std::string& f : found)
    if (f.starts_with("./") && !pattern.starts_with("./")) f.erase(0, 2);
  std::sort(found.begin(), found.end());
  return found;
}

bool is_regular(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string located(const abi::Manifest& m, const abi::ProbeDesc& p, const std::string& msg) {
  return located_message(m, p.line, p.col_begin, p.col_end, "ERROR", msg);
}

// The candidate files of a probe, as attach paths.
bool candidate_files(const abi::Manifest& m, const abi::ProbeDesc& p, const UsdtName& nm,
                     int64_t pid, std::vector<std::string>& files, std::string& err) {
  std::string root = pid > 0 ? "/proc/" + std::to_string(pid) + "/root" : "";
  if (p.spec.target.empty()) {
    if (pid <= 0) {
      err = located(m, p,
                    nm.ns.empty() ? "usdt probe type requires 2 or 3 arguments"
                                  : "usdt probe must specify at least path or pid to probe");
      return false;
    }
    for (auto& f : mapped_files(read_text_file("/proc/" + std::to_string(pid) + "/maps")))
      files.push_back(root + f);
    return true;
  }
  if (p.spec.target.find('*') != std::string::npos) {
    if (pid > 0) {
      for (auto& f : mapped_files(read_text_file("/proc/" + std::to_string(pid) + "/maps")))
        if (glob_match(p.spec.target, f)) files.push_back(root + f);
      return true;
    }
    for (const std::string& f : expand_path(p.spec.target))
      if (is_regular(f)) files.push_back(f);
    if (files.empty()) {
      err =
          located(m, p, "usdt target file '" + p.spec.target + "' does not exist or is not executable");
      return false;
    }
    return true;
  }
  std::string why;
  size_t matches = 0;
  std::string path = resolve_uprobe_binary(p.spec.target, why, "usdt", &matches, pid);
  if (path.empty()) {
    err = located(m, p, why);
    return false;
  }
  if (matches > 1)
    std::fputs(located_message(m, p.line, p.col_begin, p.col_end, "WARNING",
                               "attaching to usdt target file '" + path + "' but matched " +
                                   std::to_string(matches) + " binaries")
                   .c_str(),
               stderr);
  // The process's own file: under its root (resolve_uprobe_binary already went there when the
  // process is in another mount namespace).
  files.push_back(pid > 0 && path[0] == '/' && path.rfind("/proc/", 0) != 0 ? root + path : path);
  return true;
}

// Lowest argument index the action reads that a site with `nargs` arguments lacks.
std::optional<uint32_t> missing_arg(uint32_t mask, size_t nargs) {
  for (uint32_t i = static_cast<uint32_t>(nargs); i < 32; ++i)
    if (mask & (1u << i)) return i;
  return std::nullopt;
}

class UsdtProvider final : public ProbeProvider {
public:
  bool runs_last_attached_first(const abi::ProbeDesc&) const override { return true; }
  bool traces_user_space() const override { return true; }

  // Before load: resolves the probe (binaries, notes, argument specs), reporting ambiguous
  // names as bpftrace does. Fails on fatal errors (missing file, an argument the note does
  // not have, malformed specs).
  bool resolve(const PrepareInput& in, const abi::Manifest& m, const abi::ProbeDesc& p,
               std::string& err) override {
    pid_ = in.target_pid;
    file_activation_ = in.usdt_file_activation;
    return resolve_probe(m, p, err);
  }

  // Every usdt probe is resolved by now: sizes the spec map to all their sites (no object,
  // as in tests: no map).
  bool prepare(const PrepareInput& in, const abi::Manifest&, const abi::ProbeDesc&,
               std::string& err) override {
    bpf_map* map = in.obj ? bpf_object__find_map_by_name(in.obj, abi::kUsdtSpecMap) : nullptr;
    if (map && bpf_map__set_max_entries(map, std::max<uint32_t>(slots_, 1)) != 0) {
      err = "ERROR: cannot size the usdt argument map: " + std::string(std::strerror(errno));
      return false;
    }
    return true;
  }

  // A probe without wildcard keeps its id and gets its expanded name in `probe_names`;
  // wildcard matches get new ids. Resolved now unless resolve() did (--list).
  bool plan(const abi::Manifest& m, const abi::ProbeDesc& p, std::vector<std::string>& probe_names,
            std::vector<AttachPoint>& out, std::string& err) override {
    auto it = by_probe_.find(&p);
    if (it == by_probe_.end()) { // --list: nothing is loaded, so nothing prepared
      if (!resolve_probe(m, p, err)) return false;
      it = by_probe_.find(&p);
    }
    const auto& matches = it->second;
    if (!p.spec.wildcard && matches.size() == 1 && p.probe_id < probe_names.size()) {
      probe_names[p.probe_id] = matches[0].text;
      out.push_back({&p, matches[0].path, matches[0].provider + ":" + matches[0].name,
                     matches[0].text, p.probe_id, false,
                     static_cast<uint32_t>(matches[0].sites.size())});
      by_id_[p.probe_id] = &matches[0];
      return true;
    }
    for (const auto& match : matches) {
      auto id = static_cast<uint32_t>(probe_names.size());
      probe_names.push_back(match.text);
      out.push_back({&p, match.path, match.provider + ":" + match.name, match.text, id, true,
                     static_cast<uint32_t>(match.sites.size())});
      by_id_[id] = &match;
    }
    return true;
  }

  // Writes the spec of each site of `point` and attaches its uprobes (semaphore included).
  bool attach(const AttachInput& in, const AttachPoint& point, std::vector<LinkPtr>& links,
              std::string& err) override {
    const abi::ProbeDesc& p = *point.probe;
    auto it = by_id_.find(point.id);
    if (it == by_id_.end()) {
      err = "no usdt sites planned for " + point.text;
      return false;
    }
    bpf_map* map = bpf_object__find_map_by_name(in.obj, abi::kUsdtSpecMap);
    for (const Site& site : it->second->sites) {
      if (map && bpf_map_update_elem(bpf_map__fd(map), &site.slot, &site.spec, BPF_ANY) != 0) {
        err = "cannot write the usdt argument map: " + std::string(std::strerror(errno));
        return false;
      }
      uint64_t cookie = (uint64_t{site.slot} << 32) | point.id;
      LIBBPF_OPTS(bpf_uprobe_opts, opts, .ref_ctr_offset = site.sema_offset, .bpf_cookie = cookie);
      // --usdt-file-activation: with -p, attach for every process mapping the file (the
      // kernel then raises the semaphore in all of them; the programs still keep only PID's
      // events).
      pid_t pid = pid_ > 0 && !file_activation_ ? static_cast<pid_t>(pid_) : -1;
      // Without cookies the program is a copy per location, its constant = this cookie.
      bpf_program* site_prog = in.programs.program_for_attach(in.obj, p.prog_name, cookie, err);
      if (!site_prog) return false;
      bpf_link* link = bpf_program__attach_uprobe_opts(site_prog, pid, it->second->path.c_str(),
                                                       site.file_offset, &opts);
      if (!keep_link(link, links, err)) return false;
    }
    return true;
  }

private:
  // The sites of every (file, provider, name) probe `p` matches, kept for plan().
  bool resolve_probe(const abi::Manifest& m, const abi::ProbeDesc& p, std::string& err) {
    UsdtName nm = split_usdt_name(p.spec.func);
    std::vector<std::string> files;
    if (!candidate_files(m, p, nm, pid_, files, err)) return false;
    bool expanded = files.size() > 1 || p.spec.target.empty() || p.spec.target.find('*') != std::string::npos;
    std::vector<Match> matches;
    for (const auto& path : files) {
      UsdtFile file;
      std::string why;
      if (!file.load(path, why)) {
        if (expanded) continue;
        err = "ERROR: " + why + "\n";
        return false;
      }
      std::map<std::pair<std::string, std::string>, size_t> index;
      size_t first = matches.size();
      for (const auto& site : file.sites()) {
        if (!nm.ns.empty() && !glob_match(nm.ns, site.provider)) continue;
        if (!glob_match(nm.name, site.name)) continue;
        auto key = std::make_pair(site.provider, site.name);
        auto it = index.find(key);
        if (it == index.end()) {
          it = index.emplace(key, matches.size()).first;
          matches.push_back({path,
                             site.provider,
                             site.name,
                             "usdt:" + path + ":" + site.provider + ":" + site.name,
                             {}});
        }
        Site s{site.file_offset, site.sema_offset, slots_++, {}};
        if (p.arg_mask) {
          size_t nargs = 0;
          auto spec = file.spec_of(site, p.arg_mask, nargs, why);
          if (!spec) {
            err = "ERROR: cannot read the arguments of " + matches[it->second].text + " (\"" +
                  site.args + "\"): " + why + "\n";
            return false;
          }
          if (auto i = missing_arg(p.arg_mask, nargs)) {
            err = "ERROR: couldn't get argument " + std::to_string(*i) + " for " +
                  p.spec.text.substr(p.spec.text.find(':') + 1) + "\n";
            return false;
          }
          s.spec = *spec;
        }
        matches[it->second].sites.push_back(s);
      }
      // A bare NAME that several providers of this file define is ambiguous (0.17).
      std::set<std::string> providers;
      for (size_t i = first; i < matches.size(); ++i) providers.insert(matches[i].provider);
      if (nm.ns.empty() && nm.name.find('*') == std::string::npos && providers.size() > 1) {
        std::fprintf(stderr,
                     "ERROR: namespace for usdt:%s%s not specified, matched %zu probes\n"
                     "INFO: please specify a unique namespace or use '*' to attach to all "
                     "matched probes\n",
                     p.spec.target.empty() ? "" : (p.spec.target + ":").c_str(), nm.name.c_str(),
                     matches.size() - first);
        matches.resize(first);
      }
    }
    by_probe_[&p] = std::move(matches);
    return true;
  }

  std::map<const abi::ProbeDesc*, std::vector<Match>> by_probe_;
  std::map<uint32_t, const Match*> by_id_;
  int64_t pid_ = 0; // -p PID, learnt before load (not known to --list)
  bool file_activation_ = false;
  uint32_t slots_ = 0; // spec map entries handed out
};

} // namespace

UsdtName split_usdt_name(std::string_view func) {
  size_t colon = func.find(':');
  if (colon == std::string_view::npos) return {"", std::string(func)};
  return {std::string(func.substr(0, colon)), std::string(func.substr(colon + 1))};
}

std::vector<std::string> mapped_files(std::string_view maps) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  Lines lines(maps);
  for (std::string_view view; lines.next(view);) {
    std::string line(view);
    // start-end perms offset dev inode path
    size_t pos = 0;
    for (int field = 0; field < 5 && pos != std::string::npos; ++field) {
      pos = line.find_first_not_of(' ', pos);
      pos = pos == std::string::npos ? pos : line.find(' ', pos);
    }
    if (pos == std::string::npos) continue;
    pos = line.find_first_not_of(' ', pos);
    if (pos == std::string::npos || line[pos] != '/') continue;
    std::string path = line.substr(pos);
    if (path.ends_with(" (deleted)")) continue;
    if (seen.insert(path).second) out.push_back(path);
  }
  return out;
}

std::unique_ptr<ProbeProvider> make_usdt_provider() {
  return std::make_unique<UsdtProvider>();
}

} // namespace btc::rt
