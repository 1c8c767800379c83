// tracefs.cpp: tracefs mount and tracepoint wildcard expansion (see tracefs.h).
#include "host/tracefs.h"

#include "btc/wildcard.h"

#include <dirent.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace btc::rt {
namespace {

bool is_dir(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::vector<std::string> subdirs(const std::string& path) {
  std::vector<std::string> out;
  DIR* d = opendir(path.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    if (e->d_type == DT_DIR || (e->d_type == DT_UNKNOWN && is_dir(path + "/" + name)))
      out.push_back(name);
  }
  closedir(d);
  return out;
}

} // namespace

std::string tracefs_events_dir() { return std::string(kTracefsRoot) + "/events"; }

bool ensure_tracefs(std::string& err) {
  if (is_dir(tracefs_events_dir())) return true;
  if (mount("tracefs", kTracefsRoot, "tracefs", 0, nullptr) != 0 && errno != EBUSY) {
    err = std::string("tracefs is not mounted at ") + kTracefsRoot +
          " and mounting it failed: " + std::strerror(errno);
    return false;
  }
  if (!is_dir(tracefs_events_dir())) {
    err = "tracefs has no events directory at " + tracefs_events_dir();
    return false;
  }
  return true;
}

bool glob_match(std::string_view pattern, std::string_view text) {
  return wildcard_match(pattern, text);
}

std::vector<std::string> expand_tracepoints(std::string_view pattern,
                                            const std::string& events_dir) {
  std::vector<std::string> out;
  size_t colon = pattern.find(':');
  if (colon == std::string_view::npos) return out;
  std::string_view cat_pat = pattern.substr(0, colon), ev_pat = pattern.substr(colon + 1);
  for (const auto& cat : subdirs(events_dir)) {
    if (!glob_match(cat_pat, cat)) continue;
    for (const auto& ev : subdirs(events_dir + "/" + cat))
      if (glob_match(ev_pat, ev)) out.push_back(cat + ":" + ev);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool tracepoint_exists(std::string_view target, const std::string& events_dir) {
  size_t colon = target.find(':');
  if (colon == std::string_view::npos) return false;
  return is_dir(events_dir + "/" + std::string(target.substr(0, colon)) + "/" +
                std::string(target.substr(colon + 1)));
}

} // namespace btc::rt
