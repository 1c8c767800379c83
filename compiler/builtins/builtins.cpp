// builtins.cpp: the tables behind find_var / find_function (spec sections 6, 7.1, 7.2).
#include "builtins/builtins.h"

#include <array>
#include <cctype>

namespace btc::builtins {
namespace {

// clang-format off
const std::array<VarDesc, 23> kVars = {{
  {VarId::Pid, "pid", true}, {VarId::Tid, "tid", true}, {VarId::Uid, "uid", true},
  {VarId::Gid, "gid", true}, {VarId::Nsecs, "nsecs", true}, {VarId::Elapsed, "elapsed", true},
  {VarId::Cpu, "cpu", true}, {VarId::Numaid, "numaid", true}, {VarId::Comm, "comm", true},
  {VarId::Kstack, "kstack", true}, {VarId::Ustack, "ustack", true},
  {VarId::Arg, "arg", true}, {VarId::Sarg, "sarg", true}, {VarId::Retval, "retval", true},
  {VarId::Func, "func", true}, {VarId::Probe, "probe", true},
  {VarId::Curtask, "curtask", true}, {VarId::Rand, "rand", true},
  {VarId::Cgroup, "cgroup", true}, {VarId::Cpid, "cpid", true},
  {VarId::Username, "username", true}, {VarId::Args, "args", true}, {VarId::Ctx, "ctx", true},
}};

const std::array<FuncDesc, 46> kFuncs = {{
  {FuncId::Printf, "printf", 1, 128, false, false, true},
  {FuncId::Print, "print", 1, 3, false, false, true},
  {FuncId::Time, "time", 0, 1, false, false, true},
  {FuncId::Exit, "exit", 0, 0, false, false, true},
  {FuncId::Str, "str", 1, 2, false, false, true},
  {FuncId::Buf, "buf", 1, 2, false, false, true},
  {FuncId::Ksym, "ksym", 1, 1, false, false, true},
  {FuncId::Usym, "usym", 1, 1, false, false, true},
  {FuncId::Kaddr, "kaddr", 1, 1, false, false, true},
  {FuncId::Uaddr, "uaddr", 1, 1, false, false, true},
  {FuncId::Reg, "reg", 1, 1, false, false, true},
  {FuncId::Kstack, "kstack", 0, 2, false, false, true},
  {FuncId::Ustack, "ustack", 0, 2, false, false, true},
  {FuncId::System, "system", 1, 128, false, true, true},
  {FuncId::Cat, "cat", 1, 128, false, false, true},
  {FuncId::Cgroupid, "cgroupid", 1, 1, false, false, true},
  {FuncId::CgroupPath, "cgroup_path", 1, 2, false, false, true},
  {FuncId::Ntop, "ntop", 1, 2, false, false, true},
  {FuncId::Pton, "pton", 1, 1, false, false, true},
  {FuncId::Macaddr, "macaddr", 1, 1, false, false, true},
  {FuncId::Bswap, "bswap", 1, 1, false, false, true},
  {FuncId::Signal, "signal", 1, 1, false, true, true},
  {FuncId::Override, "override", 1, 1, false, true, true},
  {FuncId::Strncmp, "strncmp", 3, 3, false, false, true},
  {FuncId::Strcontains, "strcontains", 2, 2, false, false, true},
  {FuncId::Sizeof, "sizeof", 1, 1, false, false, true},
  {FuncId::Path, "path", 1, 1, false, false, true},
  {FuncId::Kptr, "kptr", 1, 1, false, false, true},
  {FuncId::Uptr, "uptr", 1, 1, false, false, true},
  {FuncId::Strerror, "strerror", 1, 1, false, false, true},
  {FuncId::Skboutput, "skboutput", 4, 4, false, false, false},
  {FuncId::Unwatch, "unwatch", 1, 1, false, false, true},
  {FuncId::Debugf, "debugf", 1, 4, false, false, true},
  {FuncId::Join, "join", 1, 2, false, false, true},
  {FuncId::Strftime, "strftime", 2, 2, false, false, true},
  {FuncId::Count, "count", 0, 0, true, false, true},
  {FuncId::Sum, "sum", 1, 1, true, false, true},
  {FuncId::Min, "min", 1, 1, true, false, true},
  {FuncId::Max, "max", 1, 1, true, false, true},
  {FuncId::Avg, "avg", 1, 1, true, false, true},
  {FuncId::Stats, "stats", 1, 1, true, false, true},
  {FuncId::Hist, "hist", 1, 1, true, false, true},
  {FuncId::Lhist, "lhist", 4, 4, true, false, true},
  {FuncId::Delete, "delete", 1, 1, false, false, true},
  {FuncId::Clear, "clear", 1, 1, false, false, true},
  {FuncId::Zero, "zero", 1, 1, false, false, true},
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

std::optional<uint32_t> pt_regs_offset(std::string_view name) {
  // struct pt_regs of x86-64, in declaration order, 8 bytes each.
  static constexpr std::array<std::string_view, 21> kRegs = {
      "r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9",    "r8", "ax",
      "cx",  "dx",  "si",  "di",  "orig_ax", "ip", "cs", "flags", "sp", "ss"};
  for (uint32_t i = 0; i < kRegs.size(); ++i)
    if (kRegs[i] == name) return 8 * i;
  return std::nullopt;
}

} // namespace btc::builtins
