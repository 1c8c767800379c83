// cpus.cpp: online CPUs and cpu lists (see cpus.h).
#include "host/cpus.h"

#include "host/text_file.h"

#include <cstdio>
#include <string>

namespace btc::rt {

std::vector<int> online_cpus() {
  std::string text = read_text_file("/sys/devices/system/cpu/online");
  std::vector<int> cpus = parse_cpu_list(text.substr(0, text.find('\n')));
  if (cpus.empty()) cpus.push_back(0);
  return cpus;
}

std::vector<int> parse_cpu_list(std::string_view text) {
  std::vector<int> cpus;
  Lines parts(text, ',');
  for (std::string_view view; parts.next(view);) {
    std::string part(view);
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
