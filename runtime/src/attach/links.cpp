// links.cpp: bpf_link ownership (see links.h).
#include "attach/links.h"

#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <thread>

namespace btc::rt {

void LinkDeleter::operator()(bpf_link* link) const {
  bpf_link__destroy(link);
}

bool keep_link(bpf_link* link, std::vector<LinkPtr>& links, std::string& err) {
  if (!link) {
    err = std::strerror(errno);
    return false;
  }
  links.emplace_back(link);
  return true;
}

void destroy_links(std::vector<LinkPtr>& links) {
  constexpr size_t kThreads = 8, kWorthIt = 16;
  if (links.size() >= kWorthIt) {
    std::vector<std::thread> threads;
    try {
      for (size_t t = 0; t < kThreads; ++t)
        threads.emplace_back([&links, t] {
          for (size_t i = t; i < links.size(); i += kThreads) links[i].reset();
        });
    } catch (const std::system_error&) {
      // No more threads: the slices that did not get one are destroyed below, serially.
    }
    for (auto& thread : threads) thread.join();
  }
  links.clear();
}

} // namespace btc::rt
