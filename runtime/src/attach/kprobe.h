// attach_probes.h: kprobe/kretprobe (or their fentry/fexit twins), uprobe/uretprobe and
// rawtracepoint attach points.
//
// Input: Manifest::probes, the opened (prepare_probe_programs) and later loaded bpf_object,
// this host's tracefs available_filter_functions, ELF files and ld.so.cache. Output:
// AttachPoints (wildcards expanded, cookie = probe-name table id) and bpf_links.
// Example: kprobe:vfs_read on a kernel without kprobes but with working fentry loads the
// fentry twin (attach target vfs_read) and attaches it with bpf_program__attach_trace.
#pragma once

#include "attach/plan.h"
#include "btc/abi.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

struct bpf_object;

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

// The kprobe PMU or <tracefs>/kprobe_events exists.
bool host_kprobes_available();

// Whether this kernel loads a do-nothing fentry (fexit when `ret`) program on `func`
// (vmlinux BTF loaded once, on first use).
bool host_fentry_loads(const std::string& func, bool ret);

// attach_kfunc.cpp: before load, picks a kfunc/kretfunc probe's program (fentry/fexit or
// its kprobe twin) and says which with -v; attaches the chosen one.
bool prepare_kfunc_program(const abi::ProbeDesc& p, bpf_object* obj, bool kprobes, bool verbose,
                           std::string& err);
bool attach_kfunc(bpf_object* obj, const AttachPoint& point, std::vector<LinkPtr>& links,
                  std::string& err);

// Before load: picks each kprobe/kretprobe's program (autoload/attach target) and remembers
// -p PID for uprobes. -v reports the choice.
bool prepare_probe_programs(const abi::Manifest& m, bpf_object* obj, bool verbose,
                            int64_t target_pid, std::string& err);

bool is_dynamic_probe(abi::ProbeKind kind); // kprobe, kretprobe, uprobe, uretprobe, rawtp

// Raw tracepoints of this kernel matching a '*' pattern (vmlinux BTF `btf_trace_NAME`
// typedefs; sorted, unique).
std::vector<std::string> match_raw_tracepoints(std::string_view pattern);

// Expands one dynamic probe into attach points (appending wildcard names to probe_names).
bool plan_dynamic_probe(const abi::Manifest& m, const abi::ProbeDesc& p,
                        std::vector<std::string>& probe_names, std::vector<AttachPoint>& out,
                        std::string& err);

bool attach_dynamic_probe(bpf_object* obj, const AttachPoint& point, std::vector<LinkPtr>& links,
                          std::string& err);

// After a kprobe/kretprobe on one function failed to attach: bpftrace 0.17's warning at the
// probe when this kernel lists no such traceable function (0.17 gives it when compiling on the
// traced host; a btc tool, compiled elsewhere, where it runs). "" when the function is there.
// Example: "x.bt:3:1-21: WARNING: swap_readpage is not traceable (either non-existing,
// inlined, or marked as "notrace"); attaching to it will likely fail" + source + underline.
std::string untraceable_function_warning(const abi::Manifest& m, const AttachPoint& point);

// available_filter_functions-style lines ("name [module]") from /proc/kallsyms text symbols:
// the fallback where tracefs refuses to list traceable functions.
std::string kallsyms_functions(std::string_view kallsyms);

// Function names in available_filter_functions text matching a '*' pattern (sorted, unique;
// "name [module]" lines give "name").
std::vector<std::string> match_kernel_functions(std::string_view pattern,
                                                std::string_view available_filter_functions);

} // namespace btc::rt
