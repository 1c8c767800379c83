// links.h: RAII holders of bpf_links, and closing many of them at once.
//
// Input: what bpf_program__attach_* returned. Output: LinkPtrs in the session's link lists
// (or a provider's own, e.g. armed watchpoints); an attach error as strerror(errno) text.
#pragma once

#include <memory>
#include <string>
#include <vector>

struct bpf_link;

namespace btc::rt {

struct LinkDeleter {
  void operator()(bpf_link* link) const;
};
using LinkPtr = std::unique_ptr<bpf_link, LinkDeleter>;

// Takes ownership of a just-attached link (appends it to `links`); false with
// err = strerror(errno) when attaching failed (`link` is null).
bool keep_link(bpf_link* link, std::vector<LinkPtr>& links, std::string& err);

// Destroys every link, from several threads when there are many: part of a tracepoint link's
// teardown (program detach, RCU waits outside the kernel's event_mutex) then overlaps
// (sys_enter_*, 360 links: 26.8 s -> 18 s here).
void destroy_links(std::vector<LinkPtr>& links);

} // namespace btc::rt
