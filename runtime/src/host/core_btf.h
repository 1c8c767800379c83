// core_btf.h: the kernel BTF a tool's CO-RE relocations are made against, cut down to what
// they need.
//
// A tool knows from its own object (.BTF.ext) which kernel types its relocations name
// (task_struct, trace_event_raw_sys_enter, an enum...). Before libbpf opens the object,
// CoreBtf copies just those types out of the kernel's BTF (every type of the same essential
// name and kind, libbpf's candidates, with what their layout needs: members by value in
// full, pointees as forward declarations) into a memfd, and the object is opened with
// btf_custom_path naming it. libbpf then never parses all of vmlinux BTF (5.5 MB, ~11 MiB of
// memory) unless a program needs kernel type ids (fentry, tp_btf, iter, kfuncs).
//
// When the cut-down BTF cannot stand in for the whole (a relocation kind that needs the
// kernel's own type ids, a type only a module has, a BPFTRACE_BTF file that is not raw BTF,
// no /proc), custom_path() is the normal source and reason() says why (printed with -v).
// BTC_FULL_BTF=1 takes the normal path (the CO-RE tests run both).
//
// Example: CoreBtf core(object_bytes, kernel_btf());
//          LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = core.custom_path());
#pragma once

#include "host/kernel_btf.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace btc::rt {

// A relocation's root type in the object's own BTF: libbpf looks for kernel types of the
// same kind and essential name.
struct CoreRoot {
  uint16_t kind = 0; // BTF_KIND_*
  std::string name;
  bool operator<(const CoreRoot& o) const { return kind != o.kind ? kind < o.kind : name < o.name; }
};

// The roots of the object's CO-RE relocations. False (with `why`) when some relocation
// needs more than the roots' layouts (kernel type ids, type existence or matching).
bool core_roots(std::span<const uint8_t> object, std::vector<CoreRoot>& roots, std::string& why);

// Raw BTF holding the candidates of `roots` from the BTF file at `source`, and the types
// their layouts reach by value. False (with `why`) when a root has no candidate there or the
// file cannot be read in pieces.
bool minimal_btf(const std::string& source, const std::vector<CoreRoot>& roots,
                 std::vector<uint8_t>& out, std::string& why);

class CoreBtf {
public:
  CoreBtf(std::span<const uint8_t> object, const KernelBtf& source);
  ~CoreBtf();
  CoreBtf(const CoreBtf&) = delete;
  CoreBtf& operator=(const CoreBtf&) = delete;

  // For bpf_object_open_opts::btf_custom_path: the memfd with the cut-down BTF, else the
  // source's own custom path (nullptr: libbpf finds vmlinux BTF itself).
  const char* custom_path() const;
  // What was done, for -v: "N types from PATH for M relocated types", or why not.
  const std::string& reason() const { return reason_; }
  bool minimal() const { return fd_ >= 0; }

private:
  KernelBtf source_;
  int fd_ = -1;
  std::string path_;
  std::string reason_;
};

} // namespace btc::rt
