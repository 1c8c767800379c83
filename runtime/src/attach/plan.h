// plan.h: a tool's attach points on this host, and the order they are attached in.
//
// Input: Manifest::probes and the session's providers. Output: AttachPoints (one per concrete
// attach point, wildcards expanded, each with the probe id the program gets as its BPF
// cookie), the probe-name table grown by the wildcard matches, and an attach order.
// Example: BEGIN, kprobe:f, tracepoint:a:b plans as 3 points attached in the order
// tracepoint:a:b, kprobe:f (BEGIN is run, not attached).
#pragma once

#include "attach/provider.h"
#include "attach/registry.h"
#include "btc/abi.h"

#include <string>
#include <vector>

namespace btc::rt {

// Expands every probe into attach points. `probe_names` starts as one entry per ProbeDesc and
// gets one entry per wildcard match. On failure `err` holds the complete message lines.
bool plan_attach_points(ProbeProviders& providers, const abi::Manifest& m,
                        std::vector<std::string>& probe_names, std::vector<AttachPoint>& out,
                        std::string& err);

// The order to attach `points` in so that blocks on one event run in script order: the kernel
// runs some kinds' programs last-attached first (ProbeProvider::runs_last_attached_first) and
// the others in attach order, so those are attached in reverse, after the rest (0.17's
// order). Indices into `points`.
std::vector<size_t> attach_order(ProbeProviders& providers, const std::vector<AttachPoint>& points);

} // namespace btc::rt
