// probes.h: probe-kind descriptors and attach specs. One descriptor per kind: its names and
// aliases, the BPF section its program goes into, and which context builtins it offers. The
// behaviour of each family is its provider's (probes/provider.h, providers/).
//
// Example: parse_attach_point("t:syscalls:sys_enter_*") gives AttachSpec{kind Tracepoint,
// target "syscalls:sys_enter_*", wildcard true, text "tracepoint:syscalls:sys_enter_*"}.
#pragma once

#include "ast/type.h"
#include "btc/abi.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace btc::probes {

using abi::ProbeKind;

// Which context builtins and functions a program of this probe kind may use (spec 1.4;
// sema reports 0.17's message for the others).
struct ContextRules {
  bool argn = false;            // arg0..argN
  bool sargn = false;           // sarg0..sargN (stack arguments)
  bool retval = false;          // the retval builtin (kfunc: only kretfunc has one)
  bool func = false;            // the func builtin
  bool reg = false;             // reg("name")
  bool uaddr = false;           // uaddr("sym"): a user binary is traced
  bool override_return = false; // override()
  bool path = false;            // path(), socket_cookie(): helpers taking BTF-typed pointers
  bool signal = true;           // signal(): a task fired the probe (not BEGIN/END)
  bool module_btf = false;      // KIND:MODULE:NAME is typed from the module's BTF
  // The kernel struct `ctx` points to ("" where 0.17 refuses ctx): its fields are loaded
  // directly from the program's context.
  std::string_view ctx_record = {};
};

struct ProbeKindDesc {
  ProbeKind kind;
  std::vector<std::string_view> aliases; // short names
  std::string_view section;              // BPF ELF section of the program
  std::string_view prog_type;            // its BPF program type, as 0.17 names it
  ContextRules rules;
  // What argN, retval, reg() and casts of plain integers point into (bpftrace 0.17's rule).
  ast::AddrSpace memory;
  // What bpftrace 0.2x's probetype builtin says, when it is not name() ("special", "fentry").
  std::string_view probetype_name = {};

  // Canonical provider name ("tracepoint", "BEGIN"): btc_abi's list.
  std::string_view name() const { return abi::probe_kind_name(kind); }
  std::string_view probetype() const { return probetype_name.empty() ? name() : probetype_name; }
};

// The manifest's attach spec (btc/abi.h), plus where in its probe it was written.
struct AttachSpec : abi::AttachSpec {
  uint32_t attach_point = 0; // index of the attach point it came from in its probe
};

// The descriptor of a provider name or alias (null if none) / of a kind (its provider's,
// probes/provider.h).
const ProbeKindDesc* find_kind(std::string_view provider);
const ProbeKindDesc& describe(ProbeKind kind);

// Parses one attach point; on failure returns nullopt and sets `error` to a bpftrace-style
// message ("Invalid probe type: foo", "interval probe must have unit of time", ...).
std::optional<AttachSpec> parse_attach_point(std::string_view text, std::string& error);

// Spec 1.2 wildcard matching: `*` matches any run of characters, everything else itself
// ("sys_enter_exec*" matches "sys_enter_execve").
bool wildcard_match(std::string_view pattern, std::string_view text);

} // namespace btc::probes
