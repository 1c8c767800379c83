// kernel_btf.h: where a tool finds the running kernel's BTF for its CO-RE relocations.
//
// Normally /sys/kernel/btf/vmlinux. BPFTRACE_BTF (as in bpftrace 0.17) names a BTF file
// instead, for kernels built without CONFIG_DEBUG_INFO_BTF whose BTF comes from elsewhere
// (e.g. BTFHub, or `pahole --btf_encode_detached` on the kernel's vmlinux). fentry/fexit and
// tp_btf still need the kernel's own BTF; without it kfunc probes take their kprobe twins.
//
// Example: BPFTRACE_BTF=/boot/vmlinux-4.18.btf ./opensnoop -> relocations against that file.
#pragma once

#include <string>

struct btf;

namespace btc::rt {

inline constexpr const char* kSysfsVmlinuxBtf = "/sys/kernel/btf/vmlinux";

struct KernelBtf {
  std::string path;    // the file relocations are made against
  bool custom = false; // named by BPFTRACE_BTF
  // For bpf_object_open_opts::btf_custom_path (libbpf copies it): nullptr means sysfs.
  const char* custom_path() const { return custom ? path.c_str() : nullptr; }
};

// Reads BPFTRACE_BTF from the environment (empty: unset).
KernelBtf kernel_btf();

// "" when `src` can be read as BTF, else the tool's plain-words error.
std::string check_kernel_btf(const KernelBtf& src);

// The parsed BTF (caller frees with btf__free), or nullptr.
btf* load_kernel_btf(const KernelBtf& src);

} // namespace btc::rt
