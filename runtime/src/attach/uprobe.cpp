// uprobe.cpp: the uprobe/uretprobe provider: the binary resolved on this host (path, `lib*`
// through ld.so.cache, $PATH command, -p PID's own files), wildcards expanded against its ELF
// function symbols, one uprobe per attach point at the symbol's file offset.
//
// Example: uprobe:/tmp/t:wor* with /tmp/t defining work1 and work2 becomes two AttachPoints
// "uprobe:/tmp/t:work1" and "uprobe:/tmp/t:work2", each attached at the symbol's file offset
// with its probe-name id as the BPF cookie.
#include "attach/program_copies.h"
#include "attach/provider.h"
#include "host/symbols.h"

#include <bpf/libbpf.h>

#include <memory>

namespace btc::rt {
namespace {

class UprobeProvider final : public ProbeProvider {
public:
  bool runs_last_attached_first(const abi::ProbeDesc&) const override { return true; }
  bool traces_user_space() const override { return true; }

  bool prepare(const PrepareInput& in, const abi::Manifest&, const abi::ProbeDesc&,
               std::string&) override {
    target_pid_ = in.target_pid; // -p PID: a probe without BIN traces the process's executable
    return true;
  }

  bool plan(const abi::Manifest&, const abi::ProbeDesc& p, std::vector<std::string>& probe_names,
            std::vector<AttachPoint>& out, std::string& err) override {
    std::string kind(abi::probe_kind_name(p.spec.kind));
    std::string target = p.spec.target;
    if (target.empty() && target_pid_ > 0) target = "/proc/" + std::to_string(target_pid_) + "/exe";
    std::string path = resolve_uprobe_binary(target, err, kind, nullptr, target_pid_);
    if (path.empty()) {
      err = "ERROR: " + err + "\n";
      return false;
    }
    // -p into another mount namespace: 0.17 names the probe by the path it attached to
    // (uprobe:/proc/PID/root/BIN:FUNC).
    std::string shown = p.spec.target;
    if (!p.spec.target.empty() && path != p.spec.target && path.rfind("/proc/", 0) == 0 &&
        p.spec.target.rfind("/proc/", 0) != 0)
      shown = path;
    if (!p.spec.wildcard) {
      std::string prefix = kind + ":" + p.spec.target;
      if (shown != p.spec.target && p.spec.text.rfind(prefix, 0) == 0)
        probe_names[p.probe_id] = kind + ":" + shown + p.spec.text.substr(prefix.size());
      out.push_back({&p, path, p.spec.func, probe_names[p.probe_id], p.probe_id, false});
      return true;
    }
    ElfSymbols elf;
    if (!elf.load(path, err)) {
      err = "ERROR: " + err + "\n";
      return false;
    }
    std::vector<std::string> names = elf.functions_matching(p.spec.func);
    if (names.empty()) {
      if (p.spec.optional) return true; // one of several attach points: dropped, as in 0.17
      err = "ERROR: No matches for " + kind + ":" + shown + ":" + p.spec.func + "\n";
      return false;
    }
    for (auto& name : names) {
      auto id = static_cast<uint32_t>(probe_names.size());
      probe_names.push_back(kind + ":" + shown + ":" + name);
      out.push_back({&p, path, name, probe_names.back(), id, true});
    }
    return true;
  }

  bool attach(const AttachInput& in, const AttachPoint& point, std::vector<LinkPtr>& links,
              std::string& err) override {
    const abi::ProbeDesc& p = *point.probe;
    bpf_program* prog = program_for(in, point, err);
    if (!prog) return false;
    ElfSymbols elf;
    if (!elf.load(point.target, err)) return false;
    uint64_t vaddr = p.spec.offset;
    if (!point.func.empty()) {
      const ElfSymbol* sym = elf.find(point.func);
      if (!sym) {
        err = "symbol '" + point.func + "' not found in " + point.target;
        return false;
      }
      vaddr = sym->addr + p.spec.offset;
    }
    auto file_off = elf.file_offset(vaddr);
    if (!file_off) {
      err = "address 0x" + std::to_string(vaddr) + " is not mapped by " + point.target;
      return false;
    }
    LIBBPF_OPTS(bpf_uprobe_opts, opts, .bpf_cookie = point.id,
                .retprobe = p.spec.kind == abi::ProbeKind::Uretprobe);
    // -p PID: every process's hits reach the program, whose target_pid check keeps only the
    // target's (a per-task uprobe perf event saw no hits from an already running target here).
    pid_t pid = -1;
    bpf_link* link =
        bpf_program__attach_uprobe_opts(prog, pid, point.target.c_str(), *file_off, &opts);
    return keep_link(link, links, err);
  }

private:
  int64_t target_pid_ = 0; // -p PID, learnt before load (not known to --list)
};

} // namespace

std::unique_ptr<ProbeProvider> make_uprobe_provider() {
  return std::make_unique<UprobeProvider>();
}

} // namespace btc::rt
