// usdt_notes.h: SystemTap SDT notes (.note.stapsdt) and their argument specs, on x86-64.
//
// Input: an ELF file, or one note descriptor / argument string for the pure parsers. Output:
// UsdtSite per probe site (provider, name, file offset of the probe instruction, file offset
// of the semaphore, parsed arguments) and abi::UsdtArgSpec entries for the BPF side.
// Example: the note {pc 0x4f20a1, base 0x8cc5a0, sema 0xa84260, "python", "function__entry",
// "8@%rbp 8@%r12 -4@%eax"} in /usr/bin/python3.11 (.stapsdt.base at 0x8cc5a0) becomes a site
// at file offset 0xf20a1 whose arg2 is {Reg, base_off 80 (rax), size 4, signed}.
#pragma once

#include "btc/usdt.h"
#include "host/symbols.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace btc::rt {

// One note as stored: addresses are link-time virtual addresses, not yet adjusted.
struct UsdtNote {
  uint64_t pc = 0;        // address of the probe instruction
  uint64_t base = 0;      // address of .stapsdt.base when the note was written (0: none)
  uint64_t semaphore = 0; // address of the u16 semaphore (0: none)
  std::string provider, name, args;
};

// Parses the descriptor of an NT_STAPSDT (type 3) note; addr_size is 8 (ELFCLASS64) or 4.
std::optional<UsdtNote> parse_stapsdt_desc(std::span<const uint8_t> desc, unsigned addr_size);

// A note address moved by the prelink rule: when the file has a .stapsdt.base section at
// `section_base` and the note recorded `note_base` (!= 0), addr + section_base - note_base.
uint64_t usdt_prelink_adjust(uint64_t addr, uint64_t note_base,
                             std::optional<uint64_t> section_base);

// A register operand: pt_regs byte offset and right shift (8 for the high-byte registers).
struct UsdtRegister {
  uint16_t offset = 0;
  uint8_t shift = 0;
};
inline constexpr uint16_t kPtRegsIp = 128; // struct pt_regs::ip on x86-64

// "rdi", "edi", "di", "dil", "r8d", "ah", "rip"... (without '%'); nullopt if unknown.
std::optional<UsdtRegister> usdt_register(std::string_view name);

// One parsed argument spec such as "-4@-20(%rbp)".
struct UsdtArg {
  abi::UsdtArgKind kind = abi::UsdtArgKind::None;
  uint8_t size = 8;
  bool is_signed = false;
  int64_t value = 0;        // Const: the constant; Deref: the numeric displacement
  UsdtRegister base;        // Reg, Deref with a base register
  bool has_base = false;    // Deref: "(%reg)"; false for an absolute address ("sym", "0x60")
  bool rip_relative = false;// Deref: "sym(%rip)": the address is sym + value
  std::optional<UsdtRegister> index;
  uint8_t scale = 0;        // with index: 1, 2, 4, 8
  std::string symbol;       // Deref: displacement relative to this symbol's address
};

// The assembler syntax of the argument specs: the architecture the tool was built for, where
// the traced binaries were compiled. x86-64: "-4@-20(%rbp)", "8@%rdi", "4@$5"; aarch64
// (registers x0..x30 / w0..w30 / sp): "-4@[sp, 12]", "8@x1", "4@[x2]", "-8@5".
enum class UsdtSyntax { X86_64, Aarch64 };
#if defined(__aarch64__)
inline constexpr UsdtSyntax kHostUsdtSyntax = UsdtSyntax::Aarch64;
#else
inline constexpr UsdtSyntax kHostUsdtSyntax = UsdtSyntax::X86_64;
#endif

// Parses a whitespace-separated argument list; nullopt and `err` on a malformed spec. One
// function per syntax, so that a tool links only its own architecture's parser.
std::optional<std::vector<UsdtArg>> parse_usdt_args_x86_64(std::string_view text, std::string& err);
std::optional<std::vector<UsdtArg>> parse_usdt_args_aarch64(std::string_view text,
                                                            std::string& err);
inline std::optional<std::vector<UsdtArg>> parse_usdt_args(std::string_view text, std::string& err,
                                                           UsdtSyntax syntax = kHostUsdtSyntax) {
  switch (syntax) {
  case UsdtSyntax::X86_64:
    return parse_usdt_args_x86_64(text, err);
  case UsdtSyntax::Aarch64:
    return parse_usdt_args_aarch64(text, err);
  }
  return std::nullopt;
}

// The BPF-side spec of `arg` for a probe at virtual address `probe_vaddr`. Absolute and
// rip-relative addresses become ip-relative (address = pt_regs ip + value), so they hold in
// a relocated (PIE / shared library) mapping. `symbol_vaddr` resolves symbol names.
std::optional<abi::UsdtArgSpec> usdt_arg_spec(
    const UsdtArg& arg, uint64_t probe_vaddr,
    const std::function<std::optional<uint64_t>(const std::string&)>& symbol_vaddr,
    std::string& err);

// A probe site of a loaded file.
struct UsdtSite {
  std::string provider, name;
  uint64_t vaddr = 0;       // probe address after the .stapsdt.base (prelink) adjustment
  uint64_t file_offset = 0; // where the uprobe goes
  uint64_t sema_offset = 0; // file offset of the semaphore (ref_ctr_offset), 0: none
  std::string args;         // the raw argument string
};

// The probe sites of one ELF file (libelf), in note order.
class UsdtFile {
public:
  bool load(const std::string& path, std::string& err);
  const std::vector<UsdtSite>& sites() const { return sites_; }
  // Address of a symbol (.symtab, else .dynsym), read on first use.
  std::optional<uint64_t> symbol_vaddr(const std::string& name);
  // The BPF argument table of a site for the arguments in `used` (bit N: argN); `nargs`
  // gets the note's argument count. nullopt and `err` when a spec cannot be used.
  std::optional<abi::UsdtSpec> spec_of(const UsdtSite& site, uint32_t used, size_t& nargs,
                                       std::string& err);

private:
  std::string path_;
  std::vector<UsdtSite> sites_;
  ElfSegments segments_;
  std::vector<std::pair<std::string, uint64_t>> symbols_;
  bool symbols_loaded_ = false;
};

} // namespace btc::rt
