// kernel_features.h: how this kernel lets a tool attach to kernel functions: kprobes (the
// kprobe PMU or <tracefs>/kprobe_events) and fentry/fexit (a do-nothing tracing program loads
// against the function's BTF).
//
// Test knobs (docs/testing.md): BTC_NO_KPROBES / BTC_NO_FENTRY (set, not "0") pretend the
// kernel lacks one, so the kernel suite can drive the kprobe <-> fentry fallback both ways
// on a kernel that has both.
// Example: fentry_loads(vmlinux, "vfs_read", false) is true where fentry/vfs_read loads.
#pragma once

#include <memory>
#include <string>

struct btf;

namespace btc::rt {

struct BtfDeleter {
  void operator()(btf* b) const;
};
using BtfPtr = std::unique_ptr<btf, BtfDeleter>;

// The kprobe PMU or <tracefs>/kprobe_events exists.
bool kprobes_available();

// The running kernel's own BTF (sysfs; not BPFTRACE_BTF), null when it cannot be read.
BtfPtr load_vmlinux_btf();

// Whether this kernel loads a do-nothing fentry (fexit when `ret`) program on `func`.
// `module` (non-empty): `func` is that kernel module's, typed by its BTF object.
bool fentry_loads(const btf* vmlinux, const std::string& func, bool ret,
                  const std::string& module = "");

} // namespace btc::rt
