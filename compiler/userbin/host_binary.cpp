// host_binary.cpp: see host_binary.h.
#include "userbin/host_binary.h"

#include <unistd.h>

#include <cstdlib>

namespace btc::userbin {

std::string host_binary(const std::string& target) {
  if (target.find('/') != std::string::npos) return access(target.c_str(), R_OK) == 0 ? target : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string cand = dirs.substr(start, end - start) + "/" + target;
    if (end > start && access(cand.c_str(), R_OK) == 0) return cand;
    start = end + 1;
  }
  return "";
}

} // namespace btc::userbin
