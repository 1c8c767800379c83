// preamble.cpp: C definitions of the script preamble (struct, union, enum, typedef), parsed by
// the C declaration parser (compiler/cdecl) with x86-64 layouts; names the preamble does not
// define come from kernel BTF. Enum constants become integer literals, as 0.17 does through
// clang. Preamble records are the script's own types: no CO-RE (btf_id 0, fixed offsets).
//
// Example: `struct Conf { int a; char name[8]; };` then `((struct Conf *)arg0)->name` reads
// 8 bytes at offset 4 of the pointer.
#include "sema/checker.h"

namespace btc::sema {

namespace {
// Object-like macros of the kernel headers bpftrace tools #include (linux/socket.h,
// linux/sched.h, ...). Kernel BTF has types and enums but no macros, and btc needs no headers:
// a script that #includes a header gets these stable ABI constants.
constexpr std::pair<std::string_view, int64_t> kHeaderMacros[] = {
    {"AF_UNSPEC", 0},           {"AF_UNIX", 1},          {"AF_LOCAL", 1},
    {"AF_INET", 2},             {"AF_INET6", 10},        {"AF_NETLINK", 16},
    {"AF_PACKET", 17},          {"TASK_RUNNING", 0},     {"TASK_INTERRUPTIBLE", 1},
    {"TASK_UNINTERRUPTIBLE", 2}, {"__TASK_STOPPED", 4},  {"__TASK_TRACED", 8},
    {"EXIT_DEAD", 16},          {"EXIT_ZOMBIE", 32},     {"TASK_PARKED", 64},
    {"TASK_DEAD", 128},         {"TASK_WAKEKILL", 256},  {"TASK_WAKING", 512},
    {"TASK_NOLOAD", 1024},      {"TASK_NEW", 2048},      {"TASK_COMM_LEN", 16},
};
} // namespace

void Checker::collect_preamble_enums() {
  if (!program_.includes.empty())
    for (const auto& [name, value] : kHeaderMacros) info_.enum_values.emplace(name, value);
  if (program_.c_definitions.empty() || !options_.source) return;
  const btf::KernelBtf* kbtf = options_.btf;
  cdecl::ExternalTypes external = [kbtf](std::string_view name,
                                         bool is_record) -> std::optional<Type> {
    if (!kbtf) return std::nullopt;
    if (is_record) {
      if (auto id = kbtf->find_record(name)) return kbtf->expand_record(*id);
      return std::nullopt;
    }
    if (auto id = kbtf->find_type(name)) return kbtf->to_ast_type(*id);
    return std::nullopt;
  };
  ctypes_ = cdecl::parse_c_definitions(program_.c_definitions, program_.defines, *options_.source,
                                       external, diags_);
  for (const auto& [name, value] : ctypes_.enum_values) info_.enum_values[name] = value;
}

} // namespace btc::sema
