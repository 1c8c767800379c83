// attach_iter.cpp: iter probe links (see attach_iter.h).
#include "output/iter_output.h"

#include "attach/program_copies.h"

#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>

namespace btc::rt {

bool attach_iter_probe(bpf_object* obj, const AttachPoint& point, std::vector<LinkPtr>& links,
                       std::string& err) {
  const abi::ProbeDesc& p = *point.probe;
  bpf_program* prog = program_for_attach(obj, p.prog_name, point.id, err);
  if (!prog) return false;
  bpf_link* link = bpf_program__attach_iter(prog, nullptr);
  return keep_link(link, links, err);
}

const abi::ProbeDesc* find_iter_probe(const abi::Manifest& m) {
  for (const auto& p : m.probes)
    if (p.kind == abi::ProbeKind::Iter) return &p;
  return nullptr;
}

std::string iter_pin_path(const std::string& pin) {
  if (!pin.empty() && pin[0] == '/') return pin;
  return "/sys/fs/bpf/" + pin;
}

} // namespace btc::rt
