// cpus.cpp: online CPUs and cpu lists (see cpus.h).
#include "host/cpus.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace btc::rt {

std::vector<int> online_cpus() {
  std::ifstream in("/sys/devices/system/cpu/online");
  std::string text;
  std::getline(in, text);
  std::vector<int> cpus = parse_cpu_list(text);
  if (cpus.empty()) cpus.push_back(0);
  return cpus;
}

std::vector<int> parse_cpu_list(std::string_view text) {
  std::vector<int> cpus;
  std::istringstream in{std::string(text)};
  for (std::string part; std::getline(in, part, ',');) {
    int lo = 0, hi = 0;
    if (std::sscanf(part.c_str(), "%d-%d", &lo, &hi) == 2) {
      for (int c = lo; c <= hi; ++c) cpus.push_back(c);
    } else if (std::sscanf(part.c_str(), "%d", &lo) == 1) {
      cpus.push_back(lo);
    }
  }
  return cpus;
}

} // namespace btc::rt
