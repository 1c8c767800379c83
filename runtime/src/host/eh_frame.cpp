// eh_frame.cpp: .eh_frame call frame information -> dw_ustack unwind rows (see eh_frame.h).
// The format is the LSB's .eh_frame (DWARF 4 call frame instructions, GNU pointer encodings).
#include "host/eh_frame.h"

#include "host/elf_file.h"

#include <gelf.h>
#include <libelf.h>

#include <algorithm>
#include <cstring>

namespace btc::rt {
namespace {

constexpr uint64_t kRegRbp = 6, kRegRsp = 7, kRegRa = 16; // DWARF x86-64 numbering

// A little-endian reader over the section that fails (ok = false) instead of overrunning.
struct Reader {
  std::span<const uint8_t> data;
  size_t pos = 0;
  bool ok = true;

  bool has(size_t n) const { return ok && pos <= data.size() && data.size() - pos >= n; }
  uint64_t fixed(size_t n) {
    if (!has(n)) {
      ok = false;
      return 0;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= uint64_t{data[pos + i]} << (8 * i);
    pos += n;
    return v;
  }
  uint64_t uleb() {
    uint64_t v = 0;
    for (unsigned shift = 0;; shift += 7) {
      if (!has(1) || shift > 63) return ok = false, 0;
      uint8_t b = data[pos++];
      v |= uint64_t{b & 0x7fu} << shift;
      if (!(b & 0x80)) return v;
    }
  }
  int64_t sleb() {
    uint64_t v = 0;
    unsigned shift = 0;
    uint8_t b = 0;
    do {
      if (!has(1) || shift > 63) return ok = false, 0;
      b = data[pos++];
      v |= uint64_t{b & 0x7fu} << shift;
      shift += 7;
    } while (b & 0x80);
    if (shift < 64 && (b & 0x40)) v |= ~uint64_t{0} << shift;
    return static_cast<int64_t>(v);
  }
  // A pointer in DW_EH_PE encoding `enc`; pc-relative ones are relative to the field's own
  // address (section_addr + offset). Returns false for encodings btc does not read.
  // `indirect_ok`: the value is only skipped (a personality routine's GOT slot).
  bool pointer(uint8_t enc, uint64_t section_addr, uint64_t& out, bool indirect_ok = false) {
    if (enc == 0xff) return out = 0, true; // DW_EH_PE_omit
    uint64_t field_addr = section_addr + pos;
    uint64_t v = 0;
    switch (enc & 0x0f) {
    case 0x00:
      v = fixed(8);
      break; // absptr
    case 0x01:
      v = uleb();
      break; // uleb128
    case 0x02:
      v = fixed(2);
      break; // udata2
    case 0x03:
      v = fixed(4);
      break; // udata4
    case 0x04:
      v = fixed(8);
      break; // udata8
    case 0x09:
      v = static_cast<uint64_t>(sleb());
      break; // sleb128
    case 0x0a:
      v = static_cast<uint64_t>(int64_t(int16_t(fixed(2))));
      break; // sdata2
    case 0x0b:
      v = static_cast<uint64_t>(int64_t(int32_t(fixed(4))));
      break; // sdata4
    case 0x0c:
      v = fixed(8);
      break; // sdata8
    default:
      return false;
    }
    switch (enc & 0x70) {
    case 0x00:
      break; // absolute
    case 0x10:
      v += field_addr;
      break; // pcrel
    default:
      return false; // textrel/datarel/funcrel: not used on x86-64 Linux
    }
    if ((enc & 0x80) && !indirect_ok) return false; // indirect
    out = v;
    return ok;
  }
};

struct RegRule {
  enum Kind : uint8_t { Same, Undefined, Offset, Other } kind = Same;
  int64_t offset = 0;
};

struct FrameState {
  uint64_t cfa_reg = kRegRsp;
  int64_t cfa_offset = 0;
  bool cfa_expression = false; // a DWARF expression other than the PLT one
  bool cfa_plt = false;        // rsp + cfa_offset + ((rip & 15) >= plt_threshold) * 8
  int plt_threshold = 0;
  RegRule rbp, ra;
};

struct Cie {
  uint64_t code_align = 1;
  int64_t data_align = -8;
  uint64_t ra_reg = kRegRa;
  uint8_t fde_encoding = 0; // DW_EH_PE_absptr
  bool has_augmentation_data = false;
  std::span<const uint8_t> initial;
};

// The PLT stubs' CFA: DW_OP_breg7 N; DW_OP_breg16 0; DW_OP_lit15; DW_OP_and; DW_OP_litB;
// DW_OP_ge; DW_OP_lit3; DW_OP_shl; DW_OP_plus.
bool match_plt_expression(std::span<const uint8_t> expr, FrameState& s) {
  Reader r{expr};
  if (r.fixed(1) != 0x77) return false;
  int64_t n = r.sleb();
  static constexpr uint8_t kMid[] = {0x80, 0x00, 0x3f, 0x1a};
  static constexpr uint8_t kTail[] = {0x2a, 0x33, 0x24, 0x22};
  for (uint8_t b : kMid)
    if (r.fixed(1) != b) return false;
  uint64_t lit = r.fixed(1);
  if (lit < 0x30 || lit > 0x4f) return false;
  for (uint8_t b : kTail)
    if (r.fixed(1) != b) return false;
  if (!r.ok || r.pos != expr.size()) return false;
  s.cfa_plt = true;
  s.cfa_expression = false;
  s.cfa_offset = n;
  s.plt_threshold = static_cast<int>(lit - 0x30);
  return true;
}

abi::UnwindRow make_row(uint64_t pc, const FrameState& s) {
  abi::UnwindRow row;
  row.pc = pc;
  bool ra_ok = s.ra.kind == RegRule::Offset && s.ra.offset == -8;
  if (!ra_ok || s.cfa_expression) return row; // CfaRule::None
  if (s.cfa_offset < INT32_MIN || s.cfa_offset > INT32_MAX) return row;
  row.cfa_offset = static_cast<int32_t>(s.cfa_offset);
  if (s.cfa_plt) {
    row.cfa_rule = static_cast<uint8_t>(abi::CfaRule::Plt);
    row.rbp_offset = static_cast<int16_t>(s.plt_threshold);
    return row;
  }
  if (s.cfa_reg == kRegRsp)
    row.cfa_rule = static_cast<uint8_t>(abi::CfaRule::Rsp);
  else if (s.cfa_reg == kRegRbp)
    row.cfa_rule = static_cast<uint8_t>(abi::CfaRule::Rbp);
  else
    return row;
  if (s.rbp.kind == RegRule::Offset && s.rbp.offset >= INT16_MIN && s.rbp.offset <= INT16_MAX) {
    row.rbp_rule = static_cast<uint8_t>(abi::RbpRule::AtCfa);
    row.rbp_offset = static_cast<int16_t>(s.rbp.offset);
  }
  return row;
}

// Runs call frame instructions from `state`, starting at location `loc`; each advance emits
// the row of the location left behind. `initial` (the CIE's state) is what DW_CFA_restore
// returns to; null while running the CIE's own instructions. False on an instruction btc does
// not know (the caller ends the FDE's rows there).
bool run_instructions(std::span<const uint8_t> insns, const Cie& cie, uint64_t section_addr,
                      FrameState& state, const FrameState* initial, uint64_t& loc,
                      std::vector<abi::UnwindRow>* rows) {
  Reader r{insns};
  std::vector<FrameState> remembered;
  auto rule_of = [&](uint64_t reg) -> RegRule* {
    if (reg == kRegRbp) return &state.rbp;
    if (reg == cie.ra_reg) return &state.ra;
    return nullptr; // registers the unwinder does not track
  };
  auto set = [&](uint64_t reg, RegRule::Kind kind, int64_t offset = 0) {
    if (RegRule* rr = rule_of(reg)) *rr = {kind, offset};
  };
  auto advance = [&](uint64_t delta) {
    if (rows) rows->push_back(make_row(loc, state));
    loc += delta * cie.code_align;
  };
  while (r.ok && r.pos < insns.size()) {
    uint8_t op = static_cast<uint8_t>(r.fixed(1));
    uint8_t low = op & 0x3f;
    switch (op >> 6) {
    case 1:
      advance(low);
      continue; // advance_loc
    case 2:
      set(low, RegRule::Offset, int64_t(r.uleb()) * cie.data_align);
      continue; // offset
    case 3:     // restore
      if (RegRule* rr = rule_of(low))
        *rr = initial ? *(low == kRegRbp ? &initial->rbp : &initial->ra) : RegRule{};
      continue;
    default:
      break;
    }
    switch (op) {
    case 0x00:
      break;     // nop
    case 0x01: { // set_loc
      uint64_t addr = 0;
      if (!r.pointer(cie.fde_encoding, section_addr, addr)) return false;
      if (rows) rows->push_back(make_row(loc, state));
      loc = addr;
      break;
    }
    case 0x02:
      advance(r.fixed(1));
      break;
    case 0x03:
      advance(r.fixed(2));
      break;
    case 0x04:
      advance(r.fixed(4));
      break;
    case 0x05: {
      uint64_t reg = r.uleb();
      set(reg, RegRule::Offset, int64_t(r.uleb()) * cie.data_align);
      break;
    }
    case 0x06: { // restore_extended
      uint64_t reg = r.uleb();
      if (RegRule* rr = rule_of(reg))
        *rr = initial ? *(reg == kRegRbp ? &initial->rbp : &initial->ra) : RegRule{};
      break;
    }
    case 0x07:
      set(r.uleb(), RegRule::Undefined);
      break;
    case 0x08:
      set(r.uleb(), RegRule::Same);
      break;
    case 0x09: {
      uint64_t reg = r.uleb();
      r.uleb();
      set(reg, RegRule::Other);
      break;
    } // register
    case 0x0a:
      remembered.push_back(state);
      break;
    case 0x0b: // restore_state: the CFA too, which GCC's epilogues rely on
      if (remembered.empty()) return false;
      state = remembered.back();
      remembered.pop_back();
      break;
    case 0x0c:
      state.cfa_reg = r.uleb();
      state.cfa_offset = int64_t(r.uleb());
      state.cfa_expression = state.cfa_plt = false;
      break;
    case 0x0d:
      state.cfa_reg = r.uleb();
      state.cfa_expression = state.cfa_plt = false;
      break;
    case 0x0e:
      state.cfa_offset = int64_t(r.uleb());
      break;
    case 0x0f: { // def_cfa_expression
      uint64_t n = r.uleb();
      if (!r.has(n)) return false;
      std::span<const uint8_t> expr = insns.subspan(r.pos, n);
      r.pos += n;
      if (!match_plt_expression(expr, state)) {
        state.cfa_expression = true;
        state.cfa_plt = false;
      }
      break;
    }
    case 0x10:
    case 0x16: { // expression, val_expression
      uint64_t reg = r.uleb();
      uint64_t n = r.uleb();
      if (!r.has(n)) return false;
      r.pos += n;
      set(reg, RegRule::Other);
      break;
    }
    case 0x11: {
      uint64_t reg = r.uleb();
      set(reg, RegRule::Offset, r.sleb() * cie.data_align);
      break;
    }
    case 0x12:
      state.cfa_reg = r.uleb();
      state.cfa_offset = r.sleb() * cie.data_align;
      state.cfa_expression = state.cfa_plt = false;
      break;
    case 0x13:
      state.cfa_offset = r.sleb() * cie.data_align;
      break;
    case 0x14: {
      uint64_t reg = r.uleb();
      r.uleb();
      set(reg, RegRule::Other);
      break;
    } // val_offset
    case 0x15: {
      uint64_t reg = r.uleb();
      r.sleb();
      set(reg, RegRule::Other);
      break;
    } // val_offset_sf
    case 0x2e:
      r.uleb();
      break; // GNU_args_size
    case 0x2f: {
      uint64_t reg = r.uleb();
      set(reg, RegRule::Offset, -int64_t(r.uleb()) * cie.data_align);
      break;
    }
    default:
      return false;
    }
  }
  return r.ok;
}

bool parse_cie(Reader& r, size_t end, Cie& cie, std::string& err) {
  uint64_t version = r.fixed(1);
  if (version != 1 && version != 3 && version != 4) {
    err = "CIE version " + std::to_string(version);
    return false;
  }
  std::string aug;
  while (r.has(1) && r.data[r.pos] != 0) aug += static_cast<char>(r.data[r.pos++]);
  r.fixed(1);
  if (aug.find("eh") != std::string::npos) r.fixed(8);
  if (version == 4) r.fixed(2); // address_size, segment_size
  cie.code_align = r.uleb();
  cie.data_align = r.sleb();
  cie.ra_reg = version == 1 ? r.fixed(1) : r.uleb();
  if (!aug.empty() && aug[0] == 'z') {
    cie.has_augmentation_data = true;
    uint64_t len = r.uleb();
    size_t aug_end = r.pos + len;
    for (size_t i = 1; i < aug.size() && r.ok; ++i) {
      switch (aug[i]) {
      case 'L':
        r.fixed(1);
        break;
      case 'R':
        cie.fde_encoding = static_cast<uint8_t>(r.fixed(1));
        break;
      case 'P': {
        uint8_t enc = static_cast<uint8_t>(r.fixed(1));
        uint64_t ignored = 0;
        if (!r.pointer(enc, 0, ignored, true)) i = aug.size(); // the length skips the rest
        break;
      }
      default:
        i = aug.size();
        break; // 'S', 'B', ...: the length skips what is left
      }
    }
    r.pos = aug_end;
  }
  if (!r.ok || r.pos > end) {
    err = "truncated CIE";
    return false;
  }
  cie.initial = r.data.subspan(r.pos, end - r.pos);
  return true;
}

} // namespace

bool parse_eh_frame(std::span<const uint8_t> data, uint64_t section_addr,
                    std::vector<abi::UnwindRow>& out, std::string& err) {
  std::vector<abi::UnwindRow> rows;
  Reader r{data};
  while (r.has(4)) {
    size_t start = r.pos;
    uint64_t length = r.fixed(4);
    if (length == 0) break; // terminator
    if (length == 0xffffffff) length = r.fixed(8);
    size_t id_pos = r.pos;
    if (!r.has(length)) {
      err = "entry at offset " + std::to_string(start) + " runs past the section";
      return false;
    }
    size_t end = r.pos + length;
    uint64_t cie_id = r.fixed(4);
    if (cie_id == 0) { // a CIE, parsed when an FDE refers to it
      r.pos = end;
      continue;
    }
    // An FDE: its CIE is cie_id bytes before this field.
    if (cie_id > id_pos) {
      err = "FDE at offset " + std::to_string(start) + " points before the section";
      return false;
    }
    Reader cr{data, id_pos - cie_id};
    uint64_t cie_len = cr.fixed(4);
    if (cie_len == 0xffffffff) cie_len = cr.fixed(8);
    size_t cie_end = cr.pos + cie_len;
    if (!cr.ok || cr.fixed(4) != 0 || cie_end > data.size()) {
      err = "FDE at offset " + std::to_string(start) + " has no CIE";
      return false;
    }
    Cie cie;
    if (!parse_cie(cr, cie_end, cie, err)) return false;
    uint64_t pc_begin = 0, pc_range = 0;
    if (!r.pointer(cie.fde_encoding, section_addr, pc_begin) ||
        !r.pointer(cie.fde_encoding & 0x0f, section_addr, pc_range)) {
      err = "FDE at offset " + std::to_string(start) + ": unsupported pointer encoding";
      return false;
    }
    if (cie.has_augmentation_data) r.pos += r.uleb();
    if (pc_range == 0) { // a discarded function's leftover
      r.pos = end;
      continue;
    }
    if (!r.ok || r.pos > end) {
      err = "truncated FDE at offset " + std::to_string(start);
      return false;
    }
    FrameState initial;
    uint64_t loc = pc_begin;
    bool known = run_instructions(cie.initial, cie, section_addr, initial, nullptr, loc, nullptr);
    FrameState state = initial;
    loc = pc_begin;
    size_t first = rows.size();
    if (known)
      known = run_instructions(data.subspan(r.pos, end - r.pos), cie, section_addr, state, &initial,
                               loc, &rows);
    if (!known) { // an instruction btc cannot follow: no unwinding inside this function
      rows.resize(first);
      rows.push_back(abi::UnwindRow{.pc = pc_begin});
    } else if (loc < pc_begin + pc_range) {
      rows.push_back(make_row(loc, state));
    }
    rows.push_back(abi::UnwindRow{.pc = pc_begin + pc_range}); // CfaRule::None after the range
    r.pos = end;
  }
  if (!r.ok) {
    err = "truncated .eh_frame";
    return false;
  }
  // At one pc, a function's rows win over another function's end marker; later rows of one
  // function win over earlier ones (stable order).
  std::stable_sort(rows.begin(), rows.end(), [](const abi::UnwindRow& a, const abi::UnwindRow& b) {
    if (a.pc != b.pc) return a.pc < b.pc;
    return (a.cfa_rule != 0) < (b.cfa_rule != 0);
  });
  auto same_rules = [](const abi::UnwindRow& a, const abi::UnwindRow& b) {
    return a.cfa_rule == b.cfa_rule && a.cfa_offset == b.cfa_offset && a.rbp_rule == b.rbp_rule &&
           a.rbp_offset == b.rbp_offset;
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i + 1 < rows.size() && rows[i + 1].pc == rows[i].pc) continue; // a later row wins
    if (!out.empty() && same_rules(out.back(), rows[i])) continue;
    out.push_back(rows[i]);
  }
  return true;
}

std::optional<FileUnwindTable> read_unwind_table(const std::string& path, std::string& err) {
  ElfFile file(path);
  if (!file.opened()) {
    err = std::strerror(file.open_errno());
    return std::nullopt;
  }
  GElf_Ehdr eh;
  if (!file.is_elf() || !gelf_getehdr(file.elf(), &eh) || eh.e_machine != EM_X86_64) {
    err = "not an x86-64 ELF file";
    return std::nullopt;
  }
  FileUnwindTable table;
  size_t nphdr = 0;
  elf_getphdrnum(file.elf(), &nphdr);
  bool have_exec = false;
  for (size_t i = 0; i < nphdr; ++i) {
    GElf_Phdr ph;
    if (!gelf_getphdr(file.elf(), static_cast<int>(i), &ph) || ph.p_type != PT_LOAD) continue;
    if ((ph.p_flags & PF_X) && !have_exec) {
      table.vaddr_adjust = static_cast<int64_t>(ph.p_vaddr - ph.p_offset);
      have_exec = true;
    }
  }
  size_t shstrndx = 0;
  if (elf_getshdrstrndx(file.elf(), &shstrndx) != 0) {
    err = "no section names";
    return std::nullopt;
  }
  for (Elf_Scn* scn = nullptr; (scn = elf_nextscn(file.elf(), scn));) {
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh)) continue;
    const char* name = elf_strptr(file.elf(), shstrndx, sh.sh_name);
    if (!name || std::strcmp(name, ".eh_frame") != 0 || sh.sh_type == SHT_NOBITS) continue;
    Elf_Data* d = elf_getdata(scn, nullptr);
    if (!d || !d->d_buf) break;
    std::span<const uint8_t> bytes(static_cast<const uint8_t*>(d->d_buf), d->d_size);
    if (!parse_eh_frame(bytes, sh.sh_addr, table.rows, err)) return std::nullopt;
    return table;
  }
  err = "no .eh_frame section";
  return std::nullopt;
}

} // namespace btc::rt
