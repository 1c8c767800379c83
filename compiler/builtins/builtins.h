// builtins.h: registry of builtin variables and functions.
//
// Each builtin is a descriptor: its name(s), an id that sema (type rule) and codegen (lowering)
// dispatch on with an exhaustive switch, arity, and flags (async event, unsafe, aggregation,
// implemented by this version). Lookup is by name; no string if-chains elsewhere.
// Example: find_function("hist") -> {FuncId::Hist, 1..1 args, aggregation}.
#pragma once

#include "builtins/bpf_abi.h"

#include <cstdint>
#include <optional>
#include <string_view>

namespace btc::builtins {

enum class VarId {
  Pid, Tid, Uid, Gid, Nsecs, Elapsed, Cpu, Numaid, Comm, Kstack, Ustack, Arg, Sarg, Retval,
  Func, Probe, Curtask, Rand, Cgroup, Cpid, Username, Args, Ctx,
};

struct VarDesc {
  VarId id;
  std::string_view name;
  bool implemented;
};

enum class FuncId {
  Printf, Print, Time, Exit, Str, Buf, Ksym, Usym, Kaddr, Uaddr, Reg, Kstack, Ustack, System,
  Cat, Cgroupid, CgroupPath, Ntop, Pton, Macaddr, Bswap, Signal, Override, Strncmp,
  Strcontains, Sizeof, Path, Kptr, Uptr, Strerror, Skboutput, Unwatch, Debugf, Join, Strftime,
  // map functions
  Count, Sum, Min, Max, Avg, Stats, Hist, Lhist, Delete, Clear, Zero,
};

struct FuncDesc {
  FuncId id;
  std::string_view name;
  uint8_t min_args, max_args;
  bool aggregation;   // must be the whole right-hand side of a map assignment
  bool unsafe;        // needs --unsafe
  bool implemented;   // sema rejects unimplemented ones with "not supported yet"
};

// Builtin variable by name; `arg0`..`arg9` / `sarg0`.. yield Arg/Sarg and set *index.
const VarDesc* find_var(std::string_view name, uint32_t* index = nullptr);
const FuncDesc* find_function(std::string_view name);

// reg("name"): byte offset of an x86-64 register in struct pt_regs (also the start of
// struct bpf_perf_event_data); nullopt for a name that is not a register.
std::optional<uint32_t> pt_regs_offset(std::string_view name);

} // namespace btc::builtins
