// load_failure.cpp: the message for a refused BPF object (see load_failure.h).
#include "session/load_failure.h"

#include "host/libbpf_log.h"
#include "script/diag.h"

#include <cstring>

namespace btc::rt {
namespace {

// The program libbpf names in its log as the one that failed to load ("" if none).
std::string failed_program_from_log(const std::string& log) {
  for (std::string marker : {"': BPF program load failed", "': failed to load"}) {
    size_t at = log.find(marker);
    if (at == std::string::npos) continue;
    size_t start = log.rfind("prog '", at);
    if (start != std::string::npos) return log.substr(start + 6, at - start - 6);
  }
  return "";
}

} // namespace

std::string explain_load_failure(const abi::Manifest& m, const std::string& log, int error,
                                 bool verbose) {
  std::string prog = failed_program_from_log(log);
  std::string what = "the BPF object";
  for (const auto& p : m.probes)
    if (!prog.empty() && p.prog_name == prog) {
      what = "the BPF program of probe '" + p.spec.text + "' (" + prog + ")";
      break;
    }
  if (what == "the BPF object" && !prog.empty()) what = "BPF program '" + prog + "'";
  if (std::string core = core_failure_hint(log); !core.empty()) {
    // Point at the field's use in the script: the last component of the relocation spec.
    auto q = core.find('\'');
    auto q2 = core.find('\'', q + 1);
    std::string spec = q == std::string::npos ? "" : core.substr(q + 1, q2 - q - 1);
    std::string field = spec.substr(spec.rfind('.') + 1);
    for (uint32_t l = 0; !field.empty() && l < m.source_lines.size(); ++l) {
      const std::string& text = m.source_lines[l];
      for (const char* sep : {"->", "."}) {
        auto at = text.find(std::string(sep) + field);
        if (at == std::string::npos) continue;
        uint32_t col = static_cast<uint32_t>(at + std::strlen(sep) + 1);
        return located_message(m, l + 1, col, col + static_cast<uint32_t>(field.size()), "ERROR",
                               core);
      }
    }
    for (const auto& p : m.probes)
      if (!prog.empty() && p.prog_name == prog && p.line > 0)
        return located_message(m, p.line, p.col_begin, p.col_end, "ERROR",
                               core + " (in the probe starting here)");
    return "ERROR: " + core;
  }
  if (std::string why = verifier_reason(log); !why.empty()) {
    std::string msg = "the BPF verifier rejected " + what + ": " + why + libbpf_log_hint(verbose);
    for (const auto& p : m.probes)
      if (!prog.empty() && (p.prog_name == prog || p.alt_prog_name == prog) && p.line > 0)
        return located_message(m, p.line, p.col_begin, p.col_end, "ERROR", msg);
    return "ERROR: " + msg;
  }
  return "ERROR: the kernel refused to load " + what + ": " + std::strerror(error) +
         libbpf_log_hint(verbose);
}

} // namespace btc::rt
