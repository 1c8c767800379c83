// tracefs.h: tracefs access for tracepoint probes: mounting it when needed and expanding
// wildcard attach points against this host's events/<category>/<event> directories.
//
// Example: expand_tracepoints("syscalls:sys_enter_open*", dir) ->
//   {"syscalls:sys_enter_open", "syscalls:sys_enter_open_by_handle_at", "syscalls:sys_enter_openat", ...}
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace btc::rt {

inline constexpr const char* kTracefsRoot = "/sys/kernel/tracing";

// Makes sure <kTracefsRoot>/events exists, mounting tracefs there if it does not.
bool ensure_tracefs(std::string& err);

// bpftrace wildcard match: only '*' is special (matches any run of characters).
bool glob_match(std::string_view pattern, std::string_view text);

// Every "category:event" under events_dir matching `pattern` ("cat:event", '*' allowed in
// both parts), sorted.
std::vector<std::string> expand_tracepoints(std::string_view pattern, const std::string& events_dir);

// True if events_dir/<category>/<event> exists.
bool tracepoint_exists(std::string_view target, const std::string& events_dir);

std::string tracefs_events_dir();

} // namespace btc::rt
