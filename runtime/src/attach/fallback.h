// fallback.h: which program a kernel-function probe attaches with. kprobe/kretprobe actions
// are compiled twice (kprobe program and fentry/fexit twin), and so are kfunc/kretfunc
// actions whose arguments are all in registers (fentry/fexit program and kprobe twin); the
// runtime loads the one this kernel supports.
//
// Input: what this kernel offers (host/kernel_features.h) and whether a twin exists. Output:
// the mechanism. Example: kprobe:vfs_read on a kernel without kprobes but with working fentry
// loads the fentry twin (attach target vfs_read) and attaches it with bpf_program__attach_trace.
#pragma once

namespace btc::rt {

enum class KprobeMechanism { Kprobe, Fentry, Unavailable };

// kprobes available -> Kprobe; else a usable fentry/fexit twin -> Fentry; else Unavailable
// (the kprobe program is still loaded so the verifier checks it; attaching then fails).
KprobeMechanism choose_kprobe_mechanism(bool kprobe_available, bool fentry_candidate);

// The reverse, for kfunc/kretfunc: fentry/fexit when this kernel loads them; else the kprobe
// twin (compiled when every argument is in a register) if kprobes work; else Unavailable
// (the twin, if any, is still loaded so the verifier checks it; attaching then fails).
KprobeMechanism choose_kfunc_mechanism(bool fentry_available, bool kprobe_available,
                                       bool has_kprobe_twin);

} // namespace btc::rt
