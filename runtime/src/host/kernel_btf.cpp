// kernel_btf.cpp: the kernel BTF source of a tool (see kernel_btf.h).
#include "host/kernel_btf.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <cstdlib>
#include <unistd.h>

namespace btc::rt {

KernelBtf kernel_btf() {
  const char* env = std::getenv("BPFTRACE_BTF");
  if (env && *env) return {env, true};
  return {kSysfsVmlinuxBtf, false};
}

std::string check_kernel_btf(const KernelBtf& src) {
  if (!src.custom) {
    if (access(src.path.c_str(), R_OK) == 0) return "";
    return "ERROR: the running kernel has no BTF (" + src.path +
           " is missing); btc tools need a kernel built with CONFIG_DEBUG_INFO_BTF, or "
           "BPFTRACE_BTF naming a BTF file for this kernel\n";
  }
  btf* b = btf__parse(src.path.c_str(), nullptr);
  int err = static_cast<int>(libbpf_get_error(b));
  if (err == 0) {
    btf__free(b);
    return "";
  }
  char why[128];
  libbpf_strerror(err, why, sizeof why); // also names libbpf's own codes (not BTF, bad format)
  return "ERROR: BPFTRACE_BTF: cannot read BTF from '" + src.path + "': " + why + "\n";
}

btf* load_kernel_btf(const KernelBtf& src) {
  btf* b = src.custom ? btf__parse(src.path.c_str(), nullptr) : btf__load_vmlinux_btf();
  return libbpf_get_error(b) ? nullptr : b;
}

} // namespace btc::rt
