// usdt_attach.h: usdt attach points, resolved on the host where the tool runs.
//
// Input: the manifest's usdt ProbeDescs (target = BIN as written, possibly empty or with '*';
// func = "NAME" or "NS:NAME"), -p PID, the ELF notes of the matched files. Output: one
// AttachPoint per matched (file, provider, name), each with one uprobe per probe site; the
// btc_usdt_specs map (btc/usdt.h) sized before load and filled before each attach.
// Example: usdt:/usr/bin/python3.11:gc__start -> "usdt:/usr/bin/python3.11:python:gc__start",
// one site at file offset 0x287f3, ref_ctr_offset 0x28426e, arg0 = {Deref, rsp + 112, 4, signed}.
#pragma once

#include "attach/plan.h"
#include "btc/abi.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

struct bpf_object;

namespace btc::rt {

// Before load: resolves every usdt probe (binaries, notes, argument specs), reports
// ambiguous names as bpftrace does, and sizes the spec map (`obj` may be null: no map). Fails on fatal errors (missing
// file, an argument the note does not have, malformed specs).
bool prepare_usdt_probes(const abi::Manifest& m, bpf_object* obj, int64_t target_pid,
                         std::string& err);

// --usdt-file-activation: with -p, attach for every process mapping the file (the kernel
// then raises the semaphore in all of them; the programs still keep only PID's events).
void set_usdt_file_activation(bool on);


// The attach points of one usdt probe (resolved now unless prepare_usdt_probes did, as for
// --list). A probe without wildcard keeps its id and gets its expanded name in
// `probe_names`; wildcard matches get new ids.
bool plan_usdt_probe(const abi::Manifest& m, const abi::ProbeDesc& p,
                     std::vector<std::string>& probe_names, std::vector<AttachPoint>& out,
                     std::string& err);

// Writes the spec of each site of `point` and attaches its uprobes (semaphore included).
bool attach_usdt_point(bpf_object* obj, const AttachPoint& point, std::vector<LinkPtr>& links,
                       std::string& err);

// "NS:NAME" / "NAME" split; ns empty when absent.
struct UsdtName {
  std::string ns, name;
};
UsdtName split_usdt_name(std::string_view func);

// The files mapped by a process (/proc/PID/maps text), in order, without duplicates or
// non-file mappings.
std::vector<std::string> mapped_files(std::string_view maps);

} // namespace btc::rt
