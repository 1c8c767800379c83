// btc/unwind.h: the DWARF unwind tables shared by codegen (dw_ustack's BPF unwinder) and the
// runtime (which builds them from the .eh_frame of the traced files when the tool starts).
//
// Two BPF maps, defined by codegen only when a script uses dw_ustack and sized by the runtime
// before load:
//   kUnwindRowsMap  ARRAY, u32 key, UnwindRow value: every traced file's rows, file after
//                   file, each file's sorted by pc (the file's link-time virtual address).
//   kUnwindFilesMap HASH, UnwindFileKey -> UnwindFile: where a file's rows are. A file is
//                   named the way the kernel names a mapped file: its inode number and its
//                   superblock's device (kernel dev_t encoding, MAJOR << 20 | MINOR), as
//                   /proc/PID/maps prints them.
// For an instruction pointer `ip` in a mapping of a file (vm_start, vm_pgoff), the row is the
// last one of the file with pc <= ip - vm_start + vm_pgoff * 4096 + UnwindFile::vaddr_adjust.
//
// Unwinding one frame with row r (x86-64, DWARF registers rsp = 7, rbp = 6):
//   CFA = rsp + cfa_offset (CfaRule::Rsp), rbp + cfa_offset (Rbp), or for PLT stubs
//         rsp + cfa_offset + ((ip & 15) >= plt_threshold ? 8 : 0) (Plt);
//   return address = *(CFA - 8); rbp = *(CFA + rbp_offset) if RbpRule::AtCfa, else unchanged;
//   rsp = CFA. CfaRule::None ends the stack (no unwind information, or the outermost frame).
// Example: `push %rbp` at the start of f gives the row {pc f+1, Rsp, cfa_offset 16, AtCfa,
// rbp_offset -16}.
#pragma once

#include <cstdint>

namespace btc::abi {

inline constexpr const char* kUnwindRowsMap = "btc_dw_rows";
inline constexpr const char* kUnwindFilesMap = "btc_dw_files";

enum class CfaRule : uint8_t { None = 0, Rsp = 1, Rbp = 2, Plt = 3 };
enum class RbpRule : uint8_t { Same = 0, AtCfa = 1 };

struct UnwindRow {
  uint64_t pc = 0;
  int32_t cfa_offset = 0;
  uint8_t cfa_rule = 0;   // CfaRule
  uint8_t rbp_rule = 0;   // RbpRule
  int16_t rbp_offset = 0; // RbpRule::AtCfa: where rbp was saved; CfaRule::Plt: the threshold
};
static_assert(sizeof(UnwindRow) == 16);

struct UnwindFileKey {
  uint64_t inode = 0;
  uint64_t dev = 0; // kernel encoding: MAJOR << 20 | MINOR
};
static_assert(sizeof(UnwindFileKey) == 16);

struct UnwindFile {
  uint32_t first_row = 0;
  uint32_t row_count = 0;
  int64_t vaddr_adjust = 0; // p_vaddr - p_offset of the file's executable segment
};
static_assert(sizeof(UnwindFile) == 16);

// The stack id a dw_ustack value holds when the first frame's file has no unwind table.
inline constexpr int64_t kNoUnwindTable = -2;

} // namespace btc::abi
