// format/resolve.h: the Resolver backed by this host (/proc/kallsyms, /etc/passwd, cgroupfs,
// the boot and wall clocks). Tables are loaded on first use and cached.
#pragma once

#include "output/format/value.h"

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
  std::string ksym(uint64_t addr) override;
  std::string username(uint64_t uid) override;
  std::string cgroup_path(uint64_t id, std::string_view filter) override;
  int64_t boot_to_epoch_ns() override;

  // Exposed for tests: parse kallsyms text / passwd text instead of the host files.
  void load_kallsyms(std::string_view text);
  void load_passwd(std::string_view text);

private:
  bool ksyms_loaded_ = false;
  std::vector<std::pair<uint64_t, std::string>> ksyms_; // sorted by address
  bool users_loaded_ = false;
  std::map<uint64_t, std::string> users_;
  // Per cgroup id: (hierarchy name, path in it) for each hierarchy holding the cgroup.
  std::map<uint64_t, std::vector<std::pair<std::string, std::string>>> cgroups_;
};

} // namespace btc::rt
