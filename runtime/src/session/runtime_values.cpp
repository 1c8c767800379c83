// runtime_values.cpp: kaddr()/cgroupid()/uaddr() values resolved on the running host (see
// runtime_values.h).
#include "session/runtime_values.h"

#include "host/kernel_btf.h"
#include "host/symbols.h"

#include "script/diag.h"
#include "script/positionals.h"
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <linux/bpf.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>

namespace btc::rt {
namespace {

bool put_u64(std::span<uint8_t> rodata, uint32_t offset, uint64_t value) {
  if (offset > rodata.size() || rodata.size() - offset < 8) return false;
  std::memcpy(rodata.data() + offset, &value, 8);
  return true;
}

std::string_view next_field(std::string_view line, size_t& pos) {
  while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
  size_t start = pos;
  while (pos < line.size() && line[pos] != ' ' && line[pos] != '\t') ++pos;
  return line.substr(start, pos - start);
}

} // namespace

std::optional<uint64_t> user_symbol_address(const std::string& binary_and_symbol) {
  size_t colon = binary_and_symbol.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  std::string err;
  std::string path = resolve_uprobe_binary(binary_and_symbol.substr(0, colon), err);
  if (path.empty()) return std::nullopt;
  ElfSymbols elf;
  if (!elf.load(path, err, true)) return std::nullopt;
  const ElfSymbol* sym = elf.find(binary_and_symbol.substr(colon + 1));
  if (!sym) return std::nullopt;
  return sym->addr;
}

std::map<std::string, uint64_t> find_kernel_symbols(std::string_view kallsyms,
                                                    const std::vector<std::string>& names) {
  std::map<std::string, uint64_t> found;
  std::set<std::string_view> wanted(names.begin(), names.end());
  size_t start = 0;
  while (start < kallsyms.size() && found.size() < wanted.size()) {
    size_t end = kallsyms.find('\n', start);
    if (end == std::string_view::npos) end = kallsyms.size();
    std::string_view line = kallsyms.substr(start, end - start);
    start = end + 1;
    size_t pos = 0;
    std::string_view addr = next_field(line, pos);
    std::string_view type = next_field(line, pos);
    std::string_view name = next_field(line, pos);
    if (addr.empty() || type.empty() || name.empty() || !wanted.count(name)) continue;
    if (found.count(std::string(name))) continue;
    std::string text(addr);
    char* stop = nullptr;
    uint64_t value = std::strtoull(text.c_str(), &stop, 16);
    if (!stop || *stop != '\0' || value == 0) continue;
    found.emplace(std::string(name), value);
  }
  return found;
}

std::optional<int> signal_number(const std::string& name) {
  int64_t n = 0;
  if (parse_integer(name, n)) {
    if (n >= 1 && n <= 64) return static_cast<int>(n);
    return std::nullopt;
  }
  std::string_view bare = name;
  if (bare.starts_with("SIG")) bare.remove_prefix(3);
  for (int sig = 1; sig < NSIG; ++sig) {
    const char* abbrev = sigabbrev_np(sig);
    if (abbrev && bare == abbrev) return sig;
  }
  return std::nullopt;
}

std::optional<uint64_t> cgroup_id(const std::string& path, std::string& err) {
  // A struct file_handle with room for the 8-byte handle cgroupfs (kernfs) returns.
  alignas(file_handle) unsigned char storage[sizeof(file_handle) + 8] = {};
  auto* handle = reinterpret_cast<file_handle*>(storage);
  handle->handle_bytes = 8;
  int mount_id = 0;
  if (name_to_handle_at(AT_FDCWD, path.c_str(), handle, &mount_id, 0) != 0) {
    err = std::strerror(errno);
    return std::nullopt;
  }
  uint64_t id = 0;
  std::memcpy(&id, storage + sizeof(file_handle), std::min<size_t>(8, handle->handle_bytes));
  return id;
}

// kfunc_exist("name"): the running kernel's BTF has a function of that name marked as a
// kfunc (BTF decl tag "bpf_kfunc", Linux 6.5+); on kernels whose BTF has no such tags at all,
// a function of that name.
bool kfunc_exists(const btf* b, const std::string& name) {
  if (!b) return false;
  bool tagged = false, any_tags = false, found = false;
  int32_t func = btf__find_by_name_kind(b, name.c_str(), BTF_KIND_FUNC);
  found = func > 0;
  uint32_t n = btf__type_cnt(b);
  for (uint32_t id = 1; id < n && found && !tagged; ++id) {
    const btf_type* t = btf__type_by_id(b, id);
    if (!btf_is_decl_tag(t)) continue;
    const char* tag = btf__name_by_offset(b, t->name_off);
    if (!tag || std::strcmp(tag, "bpf_kfunc") != 0) continue;
    any_tags = true;
    tagged = static_cast<int32_t>(t->type) == func;
  }
  return found && (tagged || !any_tags);
}

// kfunc_allowed("BPF_PROG_TYPE_X:name"): a program of that type calling the kfunc gets past the
// verifier's kfunc check. The test program (`call name; exit`) is not meant to load: any
// rejection other than "calling kernel function NAME is not allowed" means the call itself is
// permitted. TRACING programs are test-loaded as fentry on the kfunc itself.
bool kfunc_allowed(const btf* b, const std::string& arg) {
  size_t colon = arg.find(':');
  if (colon == std::string::npos) return false;
  std::string type_name = arg.substr(0, colon), name = arg.substr(colon + 1);
  static constexpr std::pair<std::string_view, bpf_prog_type> kTypes[] = {
      {"BPF_PROG_TYPE_KPROBE", BPF_PROG_TYPE_KPROBE},
      {"BPF_PROG_TYPE_TRACEPOINT", BPF_PROG_TYPE_TRACEPOINT},
      {"BPF_PROG_TYPE_PERF_EVENT", BPF_PROG_TYPE_PERF_EVENT},
      {"BPF_PROG_TYPE_RAW_TRACEPOINT", BPF_PROG_TYPE_RAW_TRACEPOINT},
      {"BPF_PROG_TYPE_TRACING", BPF_PROG_TYPE_TRACING},
  };
  const bpf_prog_type* type = nullptr;
  for (const auto& [n, t] : kTypes)
    if (n == type_name) type = &t;
  if (!type) return false;
  if (!b) return false;
  int32_t func = btf__find_by_name_kind(b, name.c_str(), BTF_KIND_FUNC);
  if (func <= 0) return false;

  const bpf_insn insns[] = {
      {.code = BPF_JMP | BPF_CALL,
       .dst_reg = 0,
       .src_reg = BPF_PSEUDO_KFUNC_CALL,
       .off = 0,
       .imm = func},
      {.code = BPF_JMP | BPF_EXIT, .dst_reg = 0, .src_reg = 0, .off = 0, .imm = 0},
  };
  std::string log(1 << 14, '\0');
  LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_level = 1, .log_size = static_cast<__u32>(log.size()),
              .log_buf = log.data());
  if (*type == BPF_PROG_TYPE_TRACING) {
    opts.expected_attach_type = BPF_TRACE_FENTRY;
    opts.attach_btf_id = static_cast<__u32>(func);
  }
  int fd = bpf_prog_load(*type, "btc_kfunc_allowed", "GPL", insns, 2, &opts);
  if (fd >= 0) {
    close(fd);
    return true;
  }
  log.resize(std::strlen(log.c_str()));
  // No verifier log: refused before the program was looked at (EPERM, no BPF at all).
  if (log.empty()) return false;
  return log.find("calling kernel function " + name + " is not allowed") == std::string::npos;
}

bool needs_kallsyms(const abi::Manifest& m) {
  for (const auto& v : m.runtime_values)
    if (v.kind == abi::ResolveKind::Kaddr) return true;
  return false;
}

std::string resolve_runtime_values(const abi::Manifest& m, std::string_view kallsyms,
                                   std::span<uint8_t> rodata) {
  std::vector<std::string> names;
  for (const auto& v : m.runtime_values)
    if (v.kind == abi::ResolveKind::Kaddr) names.push_back(v.arg);
  std::map<std::string, uint64_t> symbols;
  if (!names.empty()) symbols = find_kernel_symbols(kallsyms, names);

  // The running kernel's BTF, parsed once for every kfunc_exist/kfunc_allowed value (~50 ms).
  std::unique_ptr<btf, void (*)(btf*)> kernel_btf(nullptr, btf__free);
  auto vmlinux = [&]() -> const btf* {
    if (!kernel_btf) kernel_btf.reset(load_kernel_btf(KernelBtf{kSysfsVmlinuxBtf, false}));
    return kernel_btf.get();
  };
  std::string out;
  for (const auto& v : m.runtime_values) {
    uint64_t value = 0;
    std::string problem;
    switch (v.kind) {
    case abi::ResolveKind::Kaddr:
      if (auto it = symbols.find(v.arg); it != symbols.end()) value = it->second;
      else problem = "Failed to resolve kernel symbol: " + v.arg;
      break;
    case abi::ResolveKind::Uaddr:
      if (auto addr = user_symbol_address(v.arg)) value = *addr;
      else problem = "Could not resolve symbol: " + v.arg;
      break;
    case abi::ResolveKind::Cgroupid: {
      std::string err;
      if (auto id = cgroup_id(v.arg, err)) value = *id;
      else problem = "Failed to get `cgroupid` for path: \"" + v.arg + "\": " + err;
      break;
    }
    case abi::ResolveKind::Signal:
      if (auto sig = signal_number(v.arg)) value = static_cast<uint64_t>(*sig);
      else problem = v.arg + " is not a valid signal";
      break;
    case abi::ResolveKind::KfuncExist:
      value = kfunc_exists(vmlinux(), v.arg) ? 1 : 0;
      break;
    case abi::ResolveKind::KfuncAllowed:
      value = kfunc_allowed(vmlinux(), v.arg) ? 1 : 0;
      break;
    }
    if (problem.empty() && !put_u64(rodata, v.offset, value))
      problem = "internal error: runtime value at offset " + std::to_string(v.offset) +
                " does not fit .rodata (" + std::to_string(rodata.size()) + " bytes)";
    if (!problem.empty())
      out += located_message(m, v.line, v.col_begin, v.col_end, "ERROR", problem);
  }
  return out;
}

} // namespace btc::rt
