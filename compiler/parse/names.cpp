// names.cpp: word lists for identifier classification (builtins, functions, integer types).
#include "parse/names.h"

#include <algorithm>
#include <iterator>

namespace btc::parse {

namespace {

// Builtin variables of spec section 6: the 0.17 names, the legacy `stack`, and the modern names
// (so that sema can give a precise message). `config` is left out: it is a modern keyword.
// arg0-arg9 / sarg0-sarg9 are matched by pattern below.
constexpr std::string_view kBuiltins[] = {
    "pid",     "tid",      "uid",       "gid",      "nsecs",       "elapsed",    "cpu",
    "numaid",  "comm",     "kstack",    "ustack",   "stack",       "retval",     "func",
    "probe",   "curtask",  "rand",      "cgroup",   "cpid",        "username",   "args",
    "ctx",     "jiffies",  "ncpus",     "usermode", "probetype",   "has_cpid",   "pcomm",
    "ppid",    "leader_comm", "leader_tid",
};

// Functions of spec section 7 that 0.17 knows (for token naming only).
constexpr std::string_view kFunctions[] = {
    "printf",  "print",    "time",     "strftime", "join",     "str",      "buf",
    "ksym",    "usym",     "kaddr",    "uaddr",    "reg",      "system",   "exit",
    "cat",     "cgroupid", "cgroup_path", "ntop",  "pton",     "macaddr",  "bswap",
    "signal",  "override", "strncmp",  "strcontains", "sizeof", "path",    "kptr",
    "uptr",    "strerror", "skboutput", "unwatch", "debugf",   "count",    "sum",
    "min",     "max",      "avg",      "stats",    "hist",     "lhist",    "delete",
    "clear",   "zero",     "offsetof", "sym",
};

constexpr std::string_view kIntTypes[] = {
    "uint8", "int8", "uint16", "int16", "uint32", "int32", "uint64", "int64",
};

template <size_t N>
bool contains(const std::string_view (&a)[N], std::string_view s) {
  return std::find(std::begin(a), std::end(a), s) != std::end(a);
}

// "arg0".."arg9", "sarg0".."sarg9".
bool is_arg_builtin(std::string_view s) {
  if (s.size() == 4 && s.substr(0, 3) == "arg") return s[3] >= '0' && s[3] <= '9';
  if (s.size() == 5 && s.substr(0, 4) == "sarg") return s[4] >= '0' && s[4] <= '9';
  return false;
}

} // namespace

bool is_builtin(std::string_view name) {
  return is_arg_builtin(name) || contains(kBuiltins, name);
}

bool is_function(std::string_view name) { return contains(kFunctions, name); }

bool is_int_type(std::string_view name) { return contains(kIntTypes, name); }

} // namespace btc::parse
