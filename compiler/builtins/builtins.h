// builtins.h: registry of builtin variables and functions.
//
// Each builtin is a descriptor: its name(s), an id that sema (type rule) and codegen (lowering)
// dispatch on with an exhaustive switch, arity, and flags (unsafe, implemented by this
// version). Sema looks the name up once and stores the descriptor on the AST node; the
// parser's word lists derive from these tables. No string if-chains elsewhere.
// Example: find_function("hist") -> {AggFn::Hist, 1..1 args}.
#pragma once

#include "builtins/bpf_abi.h"

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

namespace btc::builtins {

enum class VarId {
  Pid,
  Tid,
  Uid,
  Gid,
  Nsecs,
  Elapsed,
  Cpu,
  Numaid,
  Comm,
  Kstack,
  Ustack,
  Arg,
  Sarg,
  Retval,
  Func,
  Probe,
  Curtask,
  Rand,
  Cgroup,
  Cpid,
  Username,
  Args,
  Ctx,
  // bpftrace 0.2x
  Jiffies,
  Ncpus,
  Usermode,
  Probetype,
  DwUstack,
};

struct VarDesc {
  VarId id;
  std::string_view name;
  bool implemented;
};

// Functions, in three families; each phase handles every family with one exhaustive switch,
// so a new function does not build until every phase handles it.
// Calls sema types and codegen lowers where they stand (printf, str, delete, ...).
enum class CallFn {
  Printf,
  Print,
  Time,
  Exit,
  Str,
  Sizeof,
  Bswap,
  Strncmp,
  Delete,
  Clear,
  Zero,
  HasKey,
};
// Functions of a value (sema: check_functions.cpp, codegen: lower_functions.cpp).
enum class ValueFn {
  Buf,
  Ksym,
  Usym,
  Kaddr,
  Uaddr,
  Reg,
  Kstack,
  Ustack,
  DwUstack,
  System,
  Cat,
  Cgroupid,
  CgroupPath,
  Ntop,
  Pton,
  Macaddr,
  Signal,
  Override,
  Strcontains,
  Path,
  Kptr,
  Uptr,
  Strerror,
  Skboutput,
  Unwatch,
  Debugf,
  Join,
  Strftime,
  Getopt,
  SyscallName,
  SignalName,
  Errorf,
  Warnf,
  StaticAssert,
  Strlen,
  Len,
  SignalThread,
  Strcap,
  Memcmp,
  KfuncExist,
  KfuncAllowed,
  Strstr,
  Typeinfo, // sema replaces the call by a record
  SocketCookie,
  PercpuKaddr,
  WriteUser,
  Fail, // sema: an error, or (under a run-time condition) errorf + exit(1)
  // 0.26's type predicates (its stdlib's meta.bt / strings.bt), answered when compiling:
  IsStr,
  IsPtr,
  IsArray,
  IsInteger,
  IsUnsignedInteger,
  IsLiteral,
  AssertStr,        // an error unless the value is string-like
  DefaultStrLength, // the size of str()'s result (max_strlen)
};
// Aggregations: the whole right-hand side of a map assignment.
enum class AggFn { Count, Sum, Min, Max, Avg, Stats, Hist, Lhist, Tseries };
using FuncId = std::variant<CallFn, ValueFn, AggFn>;

struct FuncDesc {
  FuncId id;
  std::string_view name;
  uint8_t min_args, max_args;
  bool unsafe;        // needs --unsafe
  bool implemented;   // sema rejects unimplemented ones with "not supported yet"
  bool aggregation() const { return std::holds_alternative<AggFn>(id); }
};

// std::visit over a FuncId with one lambda per family.
template <class... F> struct Overloaded : F... { using F::operator()...; };
template <class... F> Overloaded(F...) -> Overloaded<F...>;

// Builtin variable by name; `arg0`..`arg9` / `sarg0`.. yield Arg/Sarg and set *index.
const VarDesc* find_var(std::string_view name, uint32_t* index = nullptr);
const FuncDesc* find_function(std::string_view name);
// Words the parser reads as a builtin variable: the table's, arg0..9/sarg0..9, and names of
// newer bpftrace versions, so that sema can name them precisely.
bool is_builtin_word(std::string_view name);
// Words the parser reads as a function name (the table's, and the `sym` spelling).
bool is_function_word(std::string_view name);
// Functions of bpftrace 0.2x that btc refuses, with the reason (nullopt: not one of them).
std::optional<std::string_view> refused_function(std::string_view name);

} // namespace btc::builtins
