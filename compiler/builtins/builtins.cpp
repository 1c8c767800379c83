// builtins.cpp: the tables behind find_var / find_function (spec sections 6, 7.1, 7.2).
#include "builtins/builtins.h"

#include <array>
#include <cctype>

namespace btc::builtins {
namespace {

// clang-format off
const std::array<VarDesc, 28> kVars = {{
  {VarId::Pid, "pid", true}, {VarId::Tid, "tid", true}, {VarId::Uid, "uid", true},
  {VarId::Gid, "gid", true}, {VarId::Nsecs, "nsecs", true}, {VarId::Elapsed, "elapsed", true},
  {VarId::Cpu, "cpu", true}, {VarId::Numaid, "numaid", true}, {VarId::Comm, "comm", true},
  {VarId::Kstack, "kstack", true}, {VarId::Ustack, "ustack", true},
  {VarId::Arg, "arg", true}, {VarId::Sarg, "sarg", true}, {VarId::Retval, "retval", true},
  {VarId::Func, "func", true}, {VarId::Probe, "probe", true},
  {VarId::Curtask, "curtask", true}, {VarId::Rand, "rand", true},
  {VarId::Cgroup, "cgroup", true}, {VarId::Cpid, "cpid", true},
  {VarId::Username, "username", true}, {VarId::Args, "args", true}, {VarId::Ctx, "ctx", true},
  {VarId::Jiffies, "jiffies", true}, {VarId::Ncpus, "ncpus", true},
  {VarId::Usermode, "usermode", true}, {VarId::Probetype, "probetype", true},
  {VarId::DwUstack, "dw_ustack", true},
}};

const std::array<FuncDesc, 76> kFuncs = {{
  {CallFn::Printf, "printf", 1, 128, false, true},
  {CallFn::Print, "print", 1, 3, false, true},
  {CallFn::Time, "time", 0, 1, false, true},
  {CallFn::Exit, "exit", 0, 1, false, true},
  {CallFn::Str, "str", 1, 2, false, true},
  {ValueFn::Buf, "buf", 1, 2, false, true},
  {ValueFn::Ksym, "ksym", 1, 1, false, true},
  {ValueFn::Usym, "usym", 1, 1, false, true},
  {ValueFn::Kaddr, "kaddr", 1, 1, false, true},
  {ValueFn::Uaddr, "uaddr", 1, 1, false, true},
  {ValueFn::Reg, "reg", 1, 1, false, true},
  {ValueFn::Kstack, "kstack", 0, 2, false, true},
  {ValueFn::Ustack, "ustack", 0, 2, false, true},
  {ValueFn::DwUstack, "dw_ustack", 0, 2, false, true},
  {ValueFn::System, "system", 1, 128, true, true},
  {ValueFn::Cat, "cat", 1, 128, false, true},
  {ValueFn::Cgroupid, "cgroupid", 1, 1, false, true},
  {ValueFn::CgroupPath, "cgroup_path", 1, 2, false, true},
  {ValueFn::Ntop, "ntop", 1, 2, false, true},
  {ValueFn::Pton, "pton", 1, 1, false, true},
  {ValueFn::Macaddr, "macaddr", 1, 1, false, true},
  {CallFn::Bswap, "bswap", 1, 1, false, true},
  {ValueFn::Signal, "signal", 1, 1, true, true},
  {ValueFn::Override, "override", 1, 1, true, true},
  {CallFn::Strncmp, "strncmp", 3, 3, false, true},
  {ValueFn::Strcontains, "strcontains", 2, 2, false, true},
  {CallFn::Sizeof, "sizeof", 1, 1, false, true},
  {ValueFn::Path, "path", 1, 1, false, true},
  {ValueFn::Kptr, "kptr", 1, 1, false, true},
  {ValueFn::Uptr, "uptr", 1, 1, false, true},
  {ValueFn::Strerror, "strerror", 1, 1, false, true},
  {ValueFn::Skboutput, "skboutput", 4, 4, false, false},
  {ValueFn::Unwatch, "unwatch", 1, 1, false, true},
  {ValueFn::Debugf, "debugf", 1, 4, false, true},
  {ValueFn::Join, "join", 1, 2, false, true},
  {ValueFn::Strftime, "strftime", 2, 2, false, true},
  {ValueFn::Getopt, "getopt", 1, 3, false, true},
  {ValueFn::SyscallName, "syscall_name", 1, 1, false, true},
  {ValueFn::SignalName, "signal_name", 1, 1, false, true},
  {ValueFn::Errorf, "errorf", 1, 128, false, true},
  {ValueFn::Warnf, "warnf", 1, 128, false, true},
  {ValueFn::StaticAssert, "static_assert", 2, 2, false, true},
  {ValueFn::Strlen, "strlen", 1, 1, false, true},
  {ValueFn::Len, "len", 1, 1, false, true},
  {ValueFn::SignalThread, "signal_thread", 1, 1, true, true},
  {ValueFn::Strcap, "strcap", 1, 1, false, true},
  {ValueFn::Memcmp, "memcmp", 3, 3, false, true},
  {ValueFn::KfuncExist, "kfunc_exist", 1, 1, false, true},
  {ValueFn::KfuncAllowed, "kfunc_allowed", 1, 1, false, true},
  {ValueFn::Strstr, "strstr", 2, 2, false, true},
  {ValueFn::Typeinfo, "typeinfo", 1, 1, false, true},
  {ValueFn::SocketCookie, "socket_cookie", 1, 1, false, true},
  {ValueFn::PercpuKaddr, "percpu_kaddr", 1, 2, false, true},
  {ValueFn::WriteUser, "write_user", 3, 3, true, true},
  {ValueFn::Fail, "fail", 1, 128, false, true},
  {ValueFn::IsStr, "is_str", 1, 1, false, true},
  {ValueFn::IsPtr, "is_ptr", 1, 1, false, true},
  {ValueFn::IsArray, "is_array", 1, 1, false, true},
  {ValueFn::IsInteger, "is_integer", 1, 1, false, true},
  {ValueFn::IsUnsignedInteger, "is_unsigned_integer", 1, 1, false, true},
  {ValueFn::IsLiteral, "is_literal", 1, 1, false, true},
  {ValueFn::AssertStr, "assert_str", 1, 1, false, true},
  {ValueFn::DefaultStrLength, "default_str_length", 0, 0, false, true},
  {AggFn::Count, "count", 0, 0, false, true},
  {AggFn::Sum, "sum", 1, 1, false, true},
  {AggFn::Min, "min", 1, 1, false, true},
  {AggFn::Max, "max", 1, 1, false, true},
  {AggFn::Avg, "avg", 1, 1, false, true},
  {AggFn::Stats, "stats", 1, 1, false, true},
  {AggFn::Hist, "hist", 1, 1, false, true},
  {AggFn::Lhist, "lhist", 4, 4, false, true},
  {AggFn::Tseries, "tseries", 3, 4, false, true},
  {CallFn::Delete, "delete", 1, 2, false, true},
  {CallFn::HasKey, "has_key", 1, 2, false, true},
  {CallFn::Clear, "clear", 1, 1, false, true},
  {CallFn::Zero, "zero", 1, 1, false, true},
}};
// clang-format on

} // namespace

const VarDesc* find_var(std::string_view name, uint32_t* index) {
  // arg0..arg9, sarg0..sarg9
  for (std::string_view prefix : {"arg", "sarg"}) {
    if (name.size() == prefix.size() + 1 && name.starts_with(prefix) &&
        std::isdigit(static_cast<unsigned char>(name.back()))) {
      if (index) *index = static_cast<uint32_t>(name.back() - '0');
      return find_var(prefix);
    }
  }
  if (name == "stack") return find_var("kstack"); // seed spelling dropped by 0.17
  for (const auto& v : kVars)
    if (v.name == name) return &v;
  return nullptr;
}

const FuncDesc* find_function(std::string_view name) {
  if (name == "sym") return find_function("ksym"); // seed spelling dropped by 0.17
  for (const auto& f : kFuncs)
    if (f.name == name) return &f;
  return nullptr;
}

bool is_builtin_word(std::string_view name) {
  // Builtin variables of newer bpftrace versions (`config` is left out: a modern keyword).
  static constexpr std::string_view kNewer[] = {"has_cpid", "pcomm", "ppid", "leader_comm",
                                                "leader_tid"};
  // `arg` and `sarg` alone are the table's prefixes of arg0..arg9 / sarg0..sarg9, not words.
  if (const VarDesc* v = find_var(name))
    return v->name != name || (v->id != VarId::Arg && v->id != VarId::Sarg);
  for (auto n : kNewer)
    if (n == name) return true;
  return false;
}

bool is_function_word(std::string_view name) {
  return find_function(name) != nullptr;
}

std::optional<std::string_view> refused_function(std::string_view name) {
  struct Refused {
    std::string_view name, why;
  };
  // clang-format off
  static constexpr Refused kRefused[] = {
    {"typeof", "typeof(...) names a type: write it in a cast or a let declaration"},
  };
  // clang-format on
  for (const auto& r : kRefused)
    if (r.name == name) return r.why;
  return std::nullopt;
}

} // namespace btc::builtins
