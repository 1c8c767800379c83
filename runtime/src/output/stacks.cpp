// stacks.cpp: stack-id lookup and symbolization for kstack/ustack/usym (see stacks.h).
//
// Example: a ustack key {id 3, pid 812} reads ips {0x55..151, 0x55..16b, 0} from the stack
// map and renders "\n    leaf+24\n    mid+9\n" as a map key.
#include "output/stacks.h"

#include "output/format/value.h"
#include "host/symbols.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace btc::rt {
namespace {

bpf_object* g_object = nullptr;

KernelSymbols& kernel_symbols() {
  static KernelSymbols syms;
  static bool loaded = false;
  if (!loaded) {
    loaded = true;
    syms.load_host();
  }
  return syms;
}

UserSymbols& user_symbols() {
  static UserSymbols syms;
  return syms;
}

std::string hex_plain(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%" PRIx64, v);
  return buf;
}

} // namespace

void set_stack_object(bpf_object* obj) { g_object = obj; }

void remember_process(uint64_t pid) {
  // A -c child between fork and exec still maps this tool: nothing to remember yet.
  char self[4096], exe[4096];
  ssize_t a = readlink("/proc/self/exe", self, sizeof self);
  ssize_t b = readlink(("/proc/" + std::to_string(pid) + "/exe").c_str(), exe, sizeof exe);
  if (b <= 0 || (a == b && std::memcmp(self, exe, static_cast<size_t>(a)) == 0)) return;
  user_symbols().remember(pid);
}

std::string format_stack(const std::vector<StackFrame>& frames, bool user, abi::StackMode mode,
                         int indent) {
  if (frames.empty()) return "";
  std::string out = "\n";
  std::string pad(static_cast<size_t>(indent), ' ');
  for (const auto& f : frames) {
    std::string sym = f.found ? f.name + "+" + std::to_string(f.offset) : "";
    switch (mode) {
    case abi::StackMode::Bpftrace:
      out += pad + (f.found ? sym : hex_address(f.ip)) + "\n";
      break;
    case abi::StackMode::Perf:
      out += "\t" + hex_plain(f.ip) + " " + (f.found ? sym : hex_address(f.ip));
      if (user) out += " (" + (f.found && !f.module.empty() ? f.module : "[unknown]") + ")";
      out += "\n";
      break;
    case abi::StackMode::Raw:
      out += hex_plain(f.ip) + "\n";
      break;
    }
  }
  return out;
}

std::string render_stack(const abi::Manifest& m, const abi::TypeDesc& type,
                         std::span<const uint8_t> bytes, int indent) {
  int64_t id = static_cast<int64_t>(load_u64(bytes, 0));
  uint64_t pid = load_u64(bytes, 8);
  if (id < 0 || type.elem >= m.stack_maps.size() || !g_object) return "";
  const abi::StackMapDesc& desc = m.stack_maps[type.elem];
  bpf_map* map = bpf_object__find_map_by_name(g_object, desc.bpf_name.c_str());
  if (!map) return "";
  std::vector<uint64_t> ips(desc.limit ? desc.limit : 1);
  uint32_t key = static_cast<uint32_t>(id);
  if (bpf_map_lookup_elem(bpf_map__fd(map), &key, ips.data()) != 0) return "";
  std::vector<StackFrame> frames;
  for (uint64_t ip : ips) {
    if (ip == 0) break;
    StackFrame f;
    f.ip = ip;
    if (desc.user) {
      auto r = user_symbols().resolve(pid, ip);
      f.found = r.found;
      f.name = r.sym.name;
      f.offset = r.sym.offset;
      f.module = r.path;
    } else if (auto hit = kernel_symbols().lookup(ip)) {
      f.found = true;
      f.name = hit->name;
      f.offset = hit->offset;
    }
    frames.push_back(std::move(f));
  }
  return format_stack(frames, desc.user, desc.mode, indent);
}

std::string render_usym(uint64_t addr, uint64_t pid) {
  auto r = user_symbols().resolve(pid, addr);
  return r.found ? r.sym.name : hex_address(addr);
}

} // namespace btc::rt
