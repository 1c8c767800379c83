// cpus.h: the CPUs perf events are opened on.
//
// Input: /sys/devices/system/cpu/online, or a cpu list text. Output: CPU numbers, e.g.
// "0-3,5" -> {0, 1, 2, 3, 5}.
#pragma once

#include <string_view>
#include <vector>

namespace btc::rt {

// The CPUs in /sys/devices/system/cpu/online (at least CPU 0).
std::vector<int> online_cpus();

// CPUs listed in a cpu list such as "0-3,5" (the format of /sys/devices/system/cpu/online).
std::vector<int> parse_cpu_list(std::string_view text);

} // namespace btc::rt
