// libbpf_log.h: libbpf's own messages. Silent by default (captured in memory so error
// reports can name the failing program); with -v forwarded to stderr as they arrive, which
// includes the verifier log when a program is rejected.
//
// Input: what libbpf prints while the LibbpfLog lives. Output: the captured text, and the
// sentences error reports take from it (the verifier's reason, a CO-RE failure).
#pragma once

#include <bpf/libbpf.h>

#include <cstdarg>
#include <string>
#include <string_view>

namespace btc::rt {

// Routes libbpf's print callback to itself from construction to destruction (the previous
// callback is restored then). The session owns one, constructed before anything calls libbpf.
class LibbpfLog {
public:
  explicit LibbpfLog(bool verbose);
  ~LibbpfLog();
  LibbpfLog(const LibbpfLog&) = delete;
  LibbpfLog& operator=(const LibbpfLog&) = delete;

  // Everything libbpf printed so far (warnings and info; debug too with -v).
  const std::string& text() const { return text_; }

private:
  // The callback libbpf calls; it reaches the live LibbpfLog through the one pointer
  // libbpf_log.cpp keeps (libbpf_set_print takes no user data).
  static int print(enum libbpf_print_level level, const char* fmt, va_list args);
  void record(enum libbpf_print_level level, const std::string& text);

  bool verbose_;
  std::string text_;
  libbpf_print_fn_t previous_ = nullptr;
};

// Suffix for error messages: how to see the details.
std::string libbpf_log_hint(bool verbose);
// When libbpf could not apply a CO-RE relocation (the running kernel lacks a type or field the
// script uses), a sentence naming it, e.g. "the running kernel has no 'struct
// task_struct.foo' used by the script"; "" otherwise.
std::string core_failure_hint(std::string_view log);
// The verifier's reason for rejecting the last program in a libbpf log (the last line of the
// "-- BEGIN PROG LOAD LOG --" block that is not an instruction dump or statistics), e.g.
// "program of this type cannot use helper bpf_override_return#58"; "" when there is none.
std::string verifier_reason(std::string_view log);

} // namespace btc::rt
