// libbpf_log.h: libbpf's own messages. Silent by default (captured in memory so error
// reports can name the failing program); with -v forwarded to stderr as they arrive, which
// includes the verifier log when a program is rejected.
#pragma once

#include <string>
#include <string_view>

namespace btc::rt {

void install_libbpf_log(bool verbose);
// Everything libbpf printed so far (warnings and info; debug too with -v).
const std::string& libbpf_log();
// Suffix for error messages: how to see the details.
std::string libbpf_log_hint(bool verbose);
// When libbpf could not apply a CO-RE relocation (the running kernel lacks a type or field the
// script uses), a sentence naming it, e.g. "this kernel has no field 'struct task_struct.foo'";
// "" otherwise.
std::string core_failure_hint();
// The verifier's reason for rejecting the last program in a libbpf log (the last line of the
// "-- BEGIN PROG LOAD LOG --" block that is not an instruction dump or statistics), e.g.
// "program of this type cannot use helper bpf_override_return#58"; "" when there is none.
std::string verifier_reason(std::string_view log);

} // namespace btc::rt
