// load_failure.h: why the kernel refused the tool's BPF object, in plain words at the script
// line when it can be found.
//
// Input: the manifest, libbpf's log of the failed load, the errno of bpf_object__load, -v.
// Output: the message ("ERROR: ..." or a located "file:line:col: ERROR: ..." with the source
// line). Example: a CO-RE relocation naming a field this kernel lacks points at `->field` in
// the script; a verifier rejection points at the probe whose program it refused.
#pragma once

#include "btc/abi.h"

#include <string>

namespace btc::rt {

std::string explain_load_failure(const abi::Manifest& m, const std::string& log, int error,
                                 bool verbose);

} // namespace btc::rt
