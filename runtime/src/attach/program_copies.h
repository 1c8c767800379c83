// program_copies.h: naming the firing attach point on kernels without BPF cookies.
//
// A program attached at several places (a wildcard expanded here) normally reads the attach
// point's id from its BPF cookie. Kernels before 5.15 have no cookies; there the compiled
// program reads abi::kAttachIdMarker instead (a .rodata knob picks the branch), and the
// runtime keeps such programs out of the main object's load and loads one copy per attach
// point from the same embedded object, sharing every map of the main object, with the
// marker's ld_imm64 rewritten to that point's id.
//
// Input: the embedded BPF object, the loaded main bpf_object, a program name and an id.
// Output: the program to attach: the main object's, or a loaded copy holding only that
// program (owned here until destruction).
// Example: tracepoint:syscalls:sys_enter_getpp* matching 2 tracepoints -> two copies of
// tracepoint_0_0 whose `probe` yields ids 3 and 4.
#pragma once

#include <bpf/libbpf.h>

#include <cstdint>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

namespace btc::rt {

// True when the kernel offers bpf_get_attach_cookie; BTC_NO_BPF_COOKIES=1 says no (a test
// knob that exercises the copies on kernels that have cookies).
bool bpf_cookies_supported();

// Replaces every `ld_imm64 rX, kAttachIdMarker` in `insns` by `ld_imm64 rX, id`; returns how
// many were replaced.
size_t patch_attach_id(std::vector<struct bpf_insn>& insns, uint64_t id);

class LibbpfLog;

// The session's program copies: owns every copy it loads (closed at destruction).
class ProgramCopies {
public:
  // `object`: the embedded BPF object, opened again (named `object_name`) for each copy;
  // `log`: where a refused copy's verifier message is read from.
  ProgramCopies(std::span<const uint8_t> object, std::string object_name, const LibbpfLog& log)
      : object_(object), object_name_(std::move(object_name)), log_(log) {}
  ProgramCopies(const ProgramCopies&) = delete;
  ProgramCopies& operator=(const ProgramCopies&) = delete;
  ~ProgramCopies();

  // Before the main object loads: programs that read the marker stop loading there (all of
  // them when `all`, else only those in `always`, e.g. wildcard raw tracepoints, whose links
  // take no cookie); returns their names (then loaded per attach point by
  // program_for_attach()).
  std::set<std::string> hold_back(bpf_object* main, bool all, const std::set<std::string>& always);
  // The BTF the copies relocate against: the main object's btf_custom_path (nullptr: libbpf's
  // own vmlinux BTF).
  void set_btf_custom_path(const char* path) { btf_path_ = path ? path : ""; }

  // Every attach path gets its program here: `name` from `obj` when it was loaded there, else
  // (held back: no cookies) a copy whose marker is patched to `id`, the cookie the attach site
  // would have passed (attach point id; usdt: location slot | id). nullptr with err ("BPF
  // program 'NAME' is missing from the object", "... was not loaded", or why the copy failed).
  bpf_program* program_for_attach(bpf_object* obj, const std::string& name, uint64_t id,
                                  std::string& err);

private:
  // Opens the embedded object again, reuses all of `main`'s maps, loads only `prog` with the
  // marker patched to `id`. nullptr with `err` on failure.
  bpf_object* copy(bpf_object* main, const std::string& prog, uint64_t id, std::string& err);

  std::span<const uint8_t> object_;
  std::string object_name_;
  std::string btf_path_; // "" = none
  const LibbpfLog& log_;
  std::set<std::string> held_; // names hold_back() kept out of the main object
  std::vector<bpf_object*> copies_;
};

} // namespace btc::rt
