// kernel_functions.h: the kernel functions and raw tracepoints this host can trace, for
// kprobe and rawtracepoint wildcards and the "not traceable" warning.
//
// Input: <tracefs>/available_filter_functions ("name [module]" lines), /proc/kallsyms text
// symbols where tracefs lists nothing, the kernel BTF's `btf_trace_NAME` typedefs. Output:
// sorted, unique names matching a '*' pattern.
// Example: match_kernel_functions("vfs_read*", "vfs_read\nvfs_readv\nksys_read\n") ->
// {"vfs_read", "vfs_readv"}.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace btc::rt {

// available_filter_functions text (read only when `read_tracefs`: tracefs is mounted), else
// or when that is empty the kallsyms_functions() of /proc/kallsyms.
std::string traceable_functions(bool read_tracefs);

// available_filter_functions-style lines ("name [module]") from /proc/kallsyms text symbols:
// the fallback where tracefs refuses to list traceable functions.
std::string kallsyms_functions(std::string_view kallsyms);

// Function names in available_filter_functions text matching a '*' pattern (sorted, unique;
// "name [module]" lines give "name").
std::vector<std::string> match_kernel_functions(std::string_view pattern,
                                                std::string_view available_filter_functions);

// Raw tracepoints of this kernel matching a '*' pattern (kernel BTF `btf_trace_NAME`
// typedefs; sorted, unique).
std::vector<std::string> match_raw_tracepoints(std::string_view pattern);

} // namespace btc::rt
