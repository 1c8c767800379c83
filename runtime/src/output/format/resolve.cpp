// format/resolve.cpp: HostResolver (see resolve.h).
//
// ksym: nearest symbol at or below the address, printed without offset (bpftrace's ksym()).
// cgroup_path: the cgroup v2 id is the inode number of the cgroup's directory; every mounted
// cgroup hierarchy is searched for a directory with that inode: "unified:/a/b,cpu:/". The
// cgroup2 mount is "unified" and comes first; v1 hierarchies are named after their mount
// point's last component (/sys/fs/cgroup/cpu -> cpu), sorted by name (bpftrace 0.17).
#include "output/format/resolve.h"

#include "btc/wildcard.h"
#include "host/text_file.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <ctime>

namespace btc::rt {

std::vector<CgroupHierarchy> parse_cgroup_mounts(std::string_view mountinfo) {
  std::vector<CgroupHierarchy> unified, legacy;
  Lines lines(mountinfo);
  for (std::string_view line; lines.next(line);) {
    // "36 25 0:31 / /sys/fs/cgroup/cpu rw,nosuid - cgroup cgroup rw,cpu,cpuacct"
    std::vector<std::string> fields;
    for (std::string_view w : words(line)) fields.emplace_back(w);
    auto dash = std::find(fields.begin(), fields.end(), "-");
    if (dash == fields.end() || fields.size() < 5 || dash + 1 >= fields.end()) continue;
    const std::string& fstype = *(dash + 1);
    const std::string& mount = fields[4];
    if (fstype == "cgroup2") {
      if (unified.empty()) unified.push_back({"unified", mount}); // the same tree when remounted
    } else if (fstype == "cgroup") {
      // bpftrace 0.17 names a v1 hierarchy after its mount point's last component.
      size_t slash = mount.find_last_of('/');
      legacy.push_back({slash == std::string::npos ? mount : mount.substr(slash + 1), mount});
    }
  }
  std::sort(legacy.begin(), legacy.end(),
            [](const CgroupHierarchy& a, const CgroupHierarchy& b) { return a.name < b.name; });
  unified.insert(unified.end(), legacy.begin(), legacy.end());
  return unified;
}

namespace {

// The first directory (pre-order, readdir order) under `dir` whose inode is `ino`, without
// following symbolic links or leaving the file system `dev` (nftw's FTW_PHYS | FTW_MOUNT
// walk; directories that cannot be read are not reported).
bool find_directory(const std::string& dir, dev_t dev, uint64_t ino, std::string& found) {
  DIR* d = opendir(dir.c_str());
  if (!d) return false;
  struct stat st {};
  bool hit = false;
  if (fstat(dirfd(d), &st) == 0 && st.st_ino == ino) {
    found = dir;
    hit = true;
  }
  while (!hit) {
    dirent* e = readdir(d);
    if (!e) break;
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    std::string path = dir + "/" + e->d_name;
    if (lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_dev != dev) continue;
    hit = find_directory(path, dev, ino, found);
  }
  closedir(d);
  return hit;
}

// The directory holding cgroup `id` in the hierarchy mounted at `mount` ("" when none).
bool find_cgroup(const std::string& mount, uint64_t id, std::string& found) {
  struct stat root {};
  if (lstat(mount.c_str(), &root) != 0 || !S_ISDIR(root.st_mode)) return false;
  return find_directory(mount, root.st_dev, id, found);
}

} // namespace

void HostResolver::load_kallsyms(std::string_view text) {
  ksyms_loaded_ = true;
  ksyms_.clear();
  Lines lines(text);
  for (std::string_view line; lines.next(line);) {
    std::vector<std::string_view> f = words(line); // address, type, name [module]
    if (f.size() < 3) continue;
    uint64_t a = std::strtoull(std::string(f[0]).c_str(), nullptr, 16);
    if (a == 0) continue;
    ksyms_.emplace_back(a, std::string(f[2]));
  }
  std::stable_sort(ksyms_.begin(), ksyms_.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
}

std::string HostResolver::ksym(uint64_t addr) {
  if (!ksyms_loaded_) load_kallsyms(read_text_file("/proc/kallsyms"));
  auto it = std::upper_bound(ksyms_.begin(), ksyms_.end(), addr,
                             [](uint64_t a, const auto& s) { return a < s.first; });
  if (it == ksyms_.begin()) return hex_address(addr);
  return std::prev(it)->second;
}

void HostResolver::load_passwd(std::string_view text) {
  users_loaded_ = true;
  users_.clear();
  Lines lines(text);
  for (std::string_view line; lines.next(line);) {
    // name:password:uid:gid:gecos:home:shell
    Lines f(line, ':');
    std::string_view name_v, pw, uid_v;
    if (!f.next(name_v) || !f.next(pw) || !f.next(uid_v)) continue;
    std::string name(name_v), uid(uid_v);
    char* end = nullptr;
    uint64_t id = std::strtoull(uid.c_str(), &end, 10);
    if (end && *end == '\0' && !uid.empty()) users_.emplace(id, name);
  }
}

std::string HostResolver::username(uint64_t uid) {
  if (!users_loaded_) load_passwd(read_text_file("/etc/passwd"));
  auto it = users_.find(uid);
  return it != users_.end() ? it->second : std::to_string(uid);
}

std::string HostResolver::cgroup_path(uint64_t id, std::string_view filter) {
  auto it = cgroups_.find(id);
  if (it == cgroups_.end()) {
    std::vector<std::pair<std::string, std::string>> places;
    for (const auto& h : parse_cgroup_mounts(read_text_file("/proc/self/mountinfo"))) {
      std::string found;
      if (!find_cgroup(h.mount, id, found)) continue;
      std::string rel = found.substr(std::min(found.size(), h.mount.size()));
      places.emplace_back(h.name, rel.empty() ? "/" : rel);
    }
    it = cgroups_.emplace(id, std::move(places)).first;
  }
  std::string glob(filter), out;
  for (const auto& [name, path] : it->second) {
    // 0.17 matches hierarchy names with its `*`-only wildcards (not fnmatch's ? and [...]).
    if (!glob.empty() && !wildcard_match(glob, name)) continue;
    out += (out.empty() ? "" : ",") + name + ":" + path;
  }
  return out;
}

int64_t HostResolver::boot_to_epoch_ns() {
  timespec real{}, boot{};
  clock_gettime(CLOCK_REALTIME, &real);
  clock_gettime(CLOCK_BOOTTIME, &boot);
  return (int64_t{real.tv_sec} - boot.tv_sec) * 1000000000 + (real.tv_nsec - boot.tv_nsec);
}

} // namespace btc::rt
