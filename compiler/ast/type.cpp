// type.cpp: printing and comparing sema types (spellings follow bpftrace 0.17's messages).
#include "ast/type.h"

namespace btc::ast {

std::string type_name(const Type& t) {
  switch (t.kind) {
  case TypeKind::None: return "none";
  case TypeKind::Integer:
    if (t.is_bool) return "bool";
    return std::string(t.is_signed ? "" : "unsigned ") + "int" + std::to_string(t.size * 8);
  case TypeKind::String: return "string[" + std::to_string(t.size) + "]";
  case TypeKind::Buffer: return "buffer[" + std::to_string(t.size) + "]";
  case TypeKind::Tuple: {
    if (!t.elem_names.empty()) {
      std::string s = "record {";
      for (size_t i = 0; i < t.elems.size(); ++i)
        s += (i ? ", " : " ") + t.elem_names[i] + ": " + type_name(t.elems[i]);
      return s + " }";
    }
    std::string s = "(";
    for (size_t i = 0; i < t.elems.size(); ++i) {
      if (i) s += ",";
      s += type_name(t.elems[i]);
    }
    return s + ")";
  }
  case TypeKind::Record: return std::string(t.is_union ? "union " : "struct ") + t.name;
  case TypeKind::Array:
    return (t.pointee ? type_name(*t.pointee) : "?") + "[" + std::to_string(t.count) + "]";
  case TypeKind::Pointer: return (t.pointee ? type_name(*t.pointee) : "void") + " *";
  case TypeKind::Ctx: return "ctx";
  case TypeKind::Ksym: return "ksym";
  case TypeKind::Usym: return "usym";
  case TypeKind::Inet: return "inet";
  case TypeKind::Username: return "username";
  case TypeKind::Probe: return "probe";
  case TypeKind::Kstack: return "kstack";
  case TypeKind::Ustack: return "ustack";
  case TypeKind::Timestamp: return "timestamp";
  case TypeKind::MacAddr: return "mac_address";
  case TypeKind::CgroupPath: return "cgroup_path";
  case TypeKind::Strerror: return "strerror";
  case TypeKind::Count: return "count";
  case TypeKind::Sum: return "sum";
  case TypeKind::Min: return "min";
  case TypeKind::Max: return "max";
  case TypeKind::Avg: return "avg";
  case TypeKind::Stats: return "stats";
  case TypeKind::Hist: return "hist";
  case TypeKind::Lhist: return "lhist";
  case TypeKind::Tseries:
    return "tseries";
  }
  return "?";
}

bool same_type(const Type& a, const Type& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
  case TypeKind::Integer:
    return a.size == b.size && a.is_signed == b.is_signed && a.is_bool == b.is_bool;
  case TypeKind::String:
  case TypeKind::Buffer: return true; // sizes may differ; values are truncated/padded
  case TypeKind::Tuple:
    if (a.elems.size() != b.elems.size() || a.elem_names != b.elem_names) return false;
    for (size_t i = 0; i < a.elems.size(); ++i)
      if (!same_type(a.elems[i], b.elems[i])) return false;
    return true;
  case TypeKind::Record: return a.name == b.name && a.is_union == b.is_union;
  case TypeKind::Array:
  case TypeKind::Pointer:
    if (!a.pointee || !b.pointee) return a.pointee == b.pointee;
    return a.count == b.count && same_type(*a.pointee, *b.pointee);
  case TypeKind::Lhist:
    return a.lhist_min == b.lhist_min && a.lhist_max == b.lhist_max &&
           a.lhist_step == b.lhist_step;
  case TypeKind::Tseries:
    return a.tseries_interval == b.tseries_interval && a.tseries_intervals == b.tseries_intervals &&
           a.tseries_agg == b.tseries_agg && a.is_signed == b.is_signed;
  case TypeKind::None: case TypeKind::Ctx: case TypeKind::Ksym: case TypeKind::Usym:
  case TypeKind::Inet: case TypeKind::Username: case TypeKind::Probe: case TypeKind::Kstack:
  case TypeKind::Ustack: case TypeKind::Timestamp: case TypeKind::MacAddr:
  case TypeKind::CgroupPath: case TypeKind::Strerror: case TypeKind::Count: case TypeKind::Sum:
  case TypeKind::Min: case TypeKind::Max: case TypeKind::Avg: case TypeKind::Stats:
  case TypeKind::Hist:
    return true;
  }
  return false;
}

} // namespace btc::ast
