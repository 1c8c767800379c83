// links.cpp: bpf_link ownership (see links.h).
#include "attach/links.h"

#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>
#include <pthread.h>

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

namespace {

// One detaching thread's share: links[first], links[first + step], ...
struct Slice {
  std::vector<LinkPtr>* links;
  size_t first, step;
};

void* destroy_slice(void* arg) {
  auto* s = static_cast<Slice*>(arg);
  for (size_t i = s->first; i < s->links->size(); i += s->step) (*s->links)[i].reset();
  return nullptr;
}

} // namespace

void destroy_links(std::vector<LinkPtr>& links) {
  // The kernel takes ~80 ms to detach some links (tracepoints); in parallel they go faster.
  constexpr size_t kThreads = 8, kWorthIt = 16;
  if (links.size() >= kWorthIt) {
    pthread_t threads[kThreads];
    Slice slices[kThreads];
    size_t started = 0;
    for (; started < kThreads; ++started) {
      slices[started] = {&links, started, kThreads};
      // No more threads: the slices that did not get one are destroyed below, serially.
      if (pthread_create(&threads[started], nullptr, destroy_slice, &slices[started]) != 0) break;
    }
    for (size_t t = 0; t < started; ++t) pthread_join(threads[t], nullptr);
  }
  links.clear();
}

} // namespace btc::rt
