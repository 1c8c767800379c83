// target.cpp: the x86-64 and aarch64 descriptors (see target.h).
//
// Offsets are those of the kernel's struct pt_regs: on x86-64 r15 r14 r13 r12 bp bx r11 r10
// r9 r8 ax cx dx si di orig_ax ip cs flags sp ss, 8 bytes each; on arm64 it starts with
// struct user_pt_regs { u64 regs[31]; u64 sp; u64 pc; u64 pstate; }.
#include "targets/target.h"

#include <array>

namespace btc::targets {
namespace {

constexpr std::array<uint32_t, 6> kX86Args = {112, 104, 96, 88, 72, 64}; // di si dx cx r8 r9
constexpr std::array<Register, 21> kX86Registers = {{
    {"r15", 0},     {"r14", 8},  {"r13", 16}, {"r12", 24},      {"bp", 32},  {"bx", 40},
    {"r11", 48},    {"r10", 56}, {"r9", 64},  {"r8", 72},       {"ax", 80},  {"cx", 88},
    {"dx", 96},     {"si", 104}, {"di", 112}, {"orig_ax", 120}, {"ip", 128}, {"cs", 136},
    {"flags", 144}, {"sp", 152}, {"ss", 160},
}};

constexpr std::array<uint32_t, 8> kArm64Args = {0, 8, 16, 24, 32, 40, 48, 56}; // x0..x7

// r0..r30 and regs[0]..regs[30] name regs[N]; the aarch32 compat names alias three of them.
constexpr auto kArm64Registers = [] {
  std::array<Register, 68> r{};
  constexpr std::array<std::string_view, 31> kR = {
      "r0",  "r1",  "r2",  "r3",  "r4",  "r5",  "r6",  "r7",  "r8",  "r9",  "r10",
      "r11", "r12", "r13", "r14", "r15", "r16", "r17", "r18", "r19", "r20", "r21",
      "r22", "r23", "r24", "r25", "r26", "r27", "r28", "r29", "r30"};
  constexpr std::array<std::string_view, 31> kRegs = {
      "regs[0]",  "regs[1]",  "regs[2]",  "regs[3]",  "regs[4]",  "regs[5]",  "regs[6]",
      "regs[7]",  "regs[8]",  "regs[9]",  "regs[10]", "regs[11]", "regs[12]", "regs[13]",
      "regs[14]", "regs[15]", "regs[16]", "regs[17]", "regs[18]", "regs[19]", "regs[20]",
      "regs[21]", "regs[22]", "regs[23]", "regs[24]", "regs[25]", "regs[26]", "regs[27]",
      "regs[28]", "regs[29]", "regs[30]"};
  size_t n = 0;
  for (uint32_t i = 0; i < 31; ++i) r[n++] = {kR[i], 8 * i};
  for (uint32_t i = 0; i < 31; ++i) r[n++] = {kRegs[i], 8 * i};
  r[n++] = {"compat_fp", 88};
  r[n++] = {"compat_sp", 104};
  r[n++] = {"compat_lr", 112};
  r[n++] = {"sp", 248};
  r[n++] = {"pc", 256};
  r[n++] = {"pstate", 264};
  return r;
}();

#if defined(__x86_64__)
constexpr std::string_view kX86Suffix = "", kArm64Suffix = "-aarch64";
#elif defined(__aarch64__)
constexpr std::string_view kX86Suffix = "-x86_64", kArm64Suffix = "";
#else
#error "btc runs on x86-64 or aarch64"
#endif

constexpr Target kX86_64 = {
    .name = "x86_64",
    .syscall_prefix = "__x64_sys_",
    .arg_offsets = kX86Args,
    .retval_offset = 80,
    .ip_offset = 128,
    .sp_offset = 152,
    .stack_arg_offset = 8,
    .user_mode = {136, 3, 3}, // cs: ring 3
    .registers = kX86Registers,
    .watchpoint_modes = "rw w x",
    .dwarf_unwind = true,
    .runtime_suffix = kX86Suffix,
};

constexpr Target kAarch64 = {
    .name = "aarch64",
    .syscall_prefix = "__arm64_sys_",
    .arg_offsets = kArm64Args,
    .retval_offset = 0,
    .ip_offset = 256,
    .sp_offset = 248,
    .stack_arg_offset = 0,
    .user_mode = {264, 0xf, 0}, // pstate: PSR_MODE_EL0t
    .registers = kArm64Registers,
    .watchpoint_modes = "r w x rw",
    .dwarf_unwind = false,
    .runtime_suffix = kArm64Suffix,
};

constexpr std::array<const Target*, 2> kTargets = {&kX86_64, &kAarch64};

} // namespace

const Target& host_target() {
#if defined(__aarch64__)
  return kAarch64;
#else
  return kX86_64;
#endif
}

const Target* find_target(std::string_view name) {
  for (const Target* t : kTargets)
    if (t->name == name) return t;
  return nullptr;
}

std::string target_names() {
  std::string out;
  for (const Target* t : kTargets) out += (out.empty() ? "" : ", ") + std::string(t->name);
  return out;
}

std::optional<uint32_t> register_offset(const Target& t, std::string_view name) {
  for (const Register& r : t.registers)
    if (r.name == name) return r.offset;
  return std::nullopt;
}

std::vector<std::string> function_spellings(const Target& t, std::string_view func) {
  std::vector<std::string> out = {std::string(func)};
  if (func.substr(0, t.syscall_prefix.size()) != t.syscall_prefix) return out;
  std::string_view call = func.substr(t.syscall_prefix.size());
  for (const Target* other : kTargets)
    if (other != &t) out.push_back(std::string(other->syscall_prefix) + std::string(call));
  return out;
}

} // namespace btc::targets
