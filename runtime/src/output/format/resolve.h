// format/resolve.h: the Resolver backed by this host (/proc/kallsyms, /etc/passwd, cgroupfs,
// the boot and wall clocks, and the tool's stacks through StackSymbols). Tables are loaded on
// first use and cached.
#pragma once

#include "output/format/value.h"
#include "output/stacks.h"

#include <map>
#include <utility>

namespace btc::rt {

// One mounted cgroup hierarchy: its display name and mount point.
struct CgroupHierarchy {
  std::string name, mount;
};

// The cgroup hierarchies of /proc/self/mountinfo text in cgroup_path() order: the first
// cgroup2 mount as "unified", then v1 mounts named after their mount point's last component,
// sorted by name.
std::vector<CgroupHierarchy> parse_cgroup_mounts(std::string_view mountinfo);

class HostResolver final : public Resolver {
public:
  // Stacks and usym values are symbolized by `stacks` (owned by the caller).
  explicit HostResolver(StackSymbols& stacks) : stacks_(stacks) {}

  std::string ksym(uint64_t addr) override;
  std::string username(uint64_t uid) override;
  std::string cgroup_path(uint64_t id, std::string_view filter) override;
  int64_t boot_to_epoch_ns() override;
  std::vector<StackFrame> stack_frames(const abi::StackMapDesc& map, int64_t id,
                                       uint64_t pid) override {
    return stacks_.frames(map, id, pid);
  }
  std::optional<std::string> user_symbol(uint64_t addr, uint64_t pid) override {
    return stacks_.user_symbol(addr, pid);
  }

  // Exposed for tests: parse kallsyms text / passwd text instead of the host files.
  void load_kallsyms(std::string_view text);
  void load_passwd(std::string_view text);

private:
  StackSymbols& stacks_;
  bool ksyms_loaded_ = false;
  std::vector<std::pair<uint64_t, std::string>> ksyms_; // sorted by address
  bool users_loaded_ = false;
  std::map<uint64_t, std::string> users_;
  // Per cgroup id: (hierarchy name, path in it) for each hierarchy holding the cgroup.
  std::map<uint64_t, std::vector<std::pair<std::string, std::string>>> cgroups_;
};

} // namespace btc::rt
