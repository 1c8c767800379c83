// stacks.cpp: stack-id lookup and symbolization for kstack/ustack/usym (see stacks.h).
#include "output/stacks.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include <cstring>

namespace btc::rt {

KernelSymbols& StackSymbols::kernel() {
  if (!kernel_loaded_) {
    kernel_loaded_ = true;
    kernel_.load_host();
  }
  return kernel_;
}

void StackSymbols::remember_process(uint64_t pid) {
  // A -c child between fork and exec still maps this tool: nothing to remember yet.
  char self[4096], exe[4096];
  ssize_t a = readlink("/proc/self/exe", self, sizeof self);
  ssize_t b = readlink(("/proc/" + std::to_string(pid) + "/exe").c_str(), exe, sizeof exe);
  if (b <= 0 || (a == b && std::memcmp(self, exe, static_cast<size_t>(a)) == 0)) return;
  user_.remember(pid);
}

std::vector<StackFrame> StackSymbols::frames(const abi::StackMapDesc& desc, int64_t id,
                                             uint64_t pid) {
  std::vector<StackFrame> frames;
  if (!obj_) return frames;
  bpf_map* map = bpf_object__find_map_by_name(obj_, desc.bpf_name.c_str());
  if (!map) return frames;
  std::vector<uint64_t> ips(desc.limit ? desc.limit : 1);
  // dw_ustack maps are keyed by the u64 hash of their frames, stack maps by a u32 id.
  uint32_t key = static_cast<uint32_t>(id);
  uint64_t wide_key = static_cast<uint64_t>(id);
  void* k = desc.dwarf ? static_cast<void*>(&wide_key) : static_cast<void*>(&key);
  if (bpf_map_lookup_elem(bpf_map__fd(map), k, ips.data()) != 0) return frames;
  for (uint64_t ip : ips) {
    if (ip == 0) break;
    StackFrame f;
    f.ip = ip;
    if (desc.user) {
      auto r = user_.resolve(pid, ip);
      f.found = r.found;
      f.name = r.sym.name;
      f.offset = r.sym.offset;
      f.module = r.path;
    } else if (auto hit = kernel().lookup(ip)) {
      f.found = true;
      f.name = hit->name;
      f.offset = hit->offset;
    }
    frames.push_back(std::move(f));
  }
  return frames;
}

std::optional<std::string> StackSymbols::user_symbol(uint64_t addr, uint64_t pid) {
  auto r = user_.resolve(pid, addr);
  if (!r.found) return std::nullopt;
  return r.sym.name;
}

} // namespace btc::rt
