// eh_frame.h: the unwind rows of an x86-64 ELF file's .eh_frame, for dw_ustack (btc/unwind.h).
//
// Input: an ELF file, or one .eh_frame section image and the virtual address it is loaded at.
// Output: UnwindRows sorted by pc. Each FDE's call frame instructions are run (CIE initial
// instructions first) and every change of location gives a row describing the CFA and rbp;
// the end of each FDE's range gets a CfaRule::None row unless another FDE starts there. Rules
// the BPF unwinder cannot follow (a CFA in another register, a DWARF expression other than the
// PLT stubs' one, an undefined return address as in _start) become CfaRule::None: the stack
// ends there.
// Example: the CIE {cfa rsp+8, ra at cfa-8} and the FDE [0x1139, 0x1150) "advance 1;
// def_cfa_offset 16; offset rbp at cfa-16" give the rows {0x1139 Rsp 8}, {0x113a Rsp 16, rbp
// AtCfa -16}, {0x1150 None}.
#pragma once

#include "btc/unwind.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace btc::rt {

// Rows of one .eh_frame image at virtual address `section_addr`, appended to `rows` (sorted,
// equal neighbours merged). False with `err` when the section is malformed.
bool parse_eh_frame(std::span<const uint8_t> data, uint64_t section_addr,
                    std::vector<abi::UnwindRow>& rows, std::string& err);

struct FileUnwindTable {
  std::vector<abi::UnwindRow> rows;
  int64_t vaddr_adjust = 0; // p_vaddr - p_offset of the executable PT_LOAD segment
};

// The table of an ELF file (nullopt with `err`: not an x86-64 ELF, no .eh_frame, malformed).
std::optional<FileUnwindTable> read_unwind_table(const std::string& path, std::string& err);

} // namespace btc::rt
