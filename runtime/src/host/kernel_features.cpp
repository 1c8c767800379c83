// kernel_features.cpp: kprobe and fentry availability (see kernel_features.h).
#include "host/kernel_features.h"

#include "host/tracefs.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace btc::rt {
namespace {

bool knob_set(const char* name) {
  const char* v = std::getenv(name);
  return v && *v && std::string_view(v) != "0";
}

// A file descriptor of the kernel's BTF object named `module` (a loaded module), or -1.
int module_btf_fd(const std::string& module) {
  __u32 id = 0;
  while (bpf_btf_get_next_id(id, &id) == 0) {
    int fd = bpf_btf_get_fd_by_id(id);
    if (fd < 0) continue;
    char name[64] = {};
    bpf_btf_info info = {};
    info.name = reinterpret_cast<__u64>(name);
    info.name_len = sizeof name;
    __u32 len = sizeof info;
    if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && module == name) return fd;
    close(fd);
  }
  return -1;
}

} // namespace

void BtfDeleter::operator()(btf* b) const {
  btf__free(b);
}

bool kprobes_available() {
  if (knob_set("BTC_NO_KPROBES")) return false;
  if (access("/sys/bus/event_source/devices/kprobe/type", R_OK) == 0) return true;
  return access((std::string(kTracefsRoot) + "/kprobe_events").c_str(), F_OK) == 0 ||
         access("/sys/kernel/debug/tracing/kprobe_events", F_OK) == 0;
}

BtfPtr load_vmlinux_btf() {
  btf* vmlinux = btf__load_vmlinux_btf();
  if (libbpf_get_error(vmlinux)) return nullptr;
  return BtfPtr(vmlinux);
}

bool fentry_loads(const btf* vmlinux, const std::string& func, bool ret,
                  const std::string& module) {
  if (knob_set("BTC_NO_FENTRY")) return false;
  int id = 0;
  int obj_fd = -1; // the module's BTF object (0: vmlinux)
  if (module.empty()) {
    id = btf__find_by_name_kind(vmlinux, func.c_str(), BTF_KIND_FUNC);
  } else {
    obj_fd = module_btf_fd(module);
    btf* split = btf__load_module_btf(module.c_str(), const_cast<btf*>(vmlinux));
    if (!libbpf_get_error(split) && split) {
      id = btf__find_by_name_kind(split, func.c_str(), BTF_KIND_FUNC);
      btf__free(split);
    }
  }
  if (id <= 0 || (!module.empty() && obj_fd < 0)) {
    if (obj_fd >= 0) close(obj_fd);
    return false;
  }
  const bpf_insn insns[] = {
      {BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0}, // r0 = 0
      {BPF_JMP | BPF_EXIT, 0, 0, 0, 0},
  };
  LIBBPF_OPTS(bpf_prog_load_opts, opts,
              .expected_attach_type = ret ? BPF_TRACE_FEXIT : BPF_TRACE_FENTRY,
              .attach_btf_id = static_cast<__u32>(id));
  opts.attach_btf_obj_fd = static_cast<__u32>(obj_fd < 0 ? 0 : obj_fd);
  int fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "btc_fentry_probe", "GPL", insns, 2, &opts);
  if (obj_fd >= 0) close(obj_fd);
  if (fd < 0) return false;
  close(fd);
  return true;
}

} // namespace btc::rt
