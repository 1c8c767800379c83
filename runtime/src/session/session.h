// session.h: one run of a generated tool, from the embedded BPF object to the exit-time map
// dump: check environment -> open -> configure .rodata -> load -> plan attach points ->
// "Attaching N probes..." -> BEGIN -> attach -> poll events -> detach -> END -> drain ->
// "\n\n" -> print maps. Every kernel resource is held by an RAII member.
#pragma once

#include "btc/abi.h"
#include "session/options.h"

#include <cstdint>
#include <span>

namespace btc::rt {

// Runs the tool; returns the process exit status (0 on a normal stop, 1 on errors).
int run_session(const abi::Manifest& manifest, const Options& options,
                std::span<const uint8_t> bpf_object);

} // namespace btc::rt
