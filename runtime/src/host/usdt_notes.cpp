// usdt_notes.cpp: SDT note reading and argument-spec parsing (see usdt_notes.h).
//
// Note layout (SystemTap "UserSpaceProbeImplementation"): type 3, owner "stapsdt", desc =
// pc, .stapsdt.base, semaphore (address-sized each), then "provider\0name\0args\0". When
// the file has a .stapsdt.base section whose address differs from the recorded base (the
// file was prelinked after the notes were written), pc and semaphore move by the difference.
#include "host/usdt_notes.h"

#include "host/elf_file.h"

#include <gelf.h>
#include <libelf.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstring>

namespace btc::rt {
namespace {

using abi::UsdtArgKind;

// x86-64 struct pt_regs: r15 r14 r13 r12 bp bx r11 r10 r9 r8 ax cx dx si di orig_ax ip cs
// flags sp ss. Each row: offset, then the 64/32/16/8-bit names ("" where none exists).
struct RegRow {
  uint16_t offset;
  std::array<std::string_view, 4> names;
  std::string_view high_byte; // ah, bh, ch, dh
};
constexpr std::array<RegRow, 17> kRegisters = {{
    {80, {"rax", "eax", "ax", "al"}, "ah"},
    {40, {"rbx", "ebx", "bx", "bl"}, "bh"},
    {88, {"rcx", "ecx", "cx", "cl"}, "ch"},
    {96, {"rdx", "edx", "dx", "dl"}, "dh"},
    {104, {"rsi", "esi", "si", "sil"}, ""},
    {112, {"rdi", "edi", "di", "dil"}, ""},
    {32, {"rbp", "ebp", "bp", "bpl"}, ""},
    {152, {"rsp", "esp", "sp", "spl"}, ""},
    {72, {"r8", "r8d", "r8w", "r8b"}, ""},
    {64, {"r9", "r9d", "r9w", "r9b"}, ""},
    {56, {"r10", "r10d", "r10w", "r10b"}, ""},
    {48, {"r11", "r11d", "r11w", "r11b"}, ""},
    {24, {"r12", "r12d", "r12w", "r12b"}, ""},
    {16, {"r13", "r13d", "r13w", "r13b"}, ""},
    {8, {"r14", "r14d", "r14w", "r14b"}, ""},
    {0, {"r15", "r15d", "r15w", "r15b"}, ""},
    {kPtRegsIp, {"rip", "eip", "ip", ""}, ""},
}};

uint64_t read_addr(std::span<const uint8_t> d, size_t off, unsigned size) {
  if (size == 4) {
    uint32_t v = 0;
    std::memcpy(&v, d.data() + off, 4);
    return v;
  }
  uint64_t v = 0;
  std::memcpy(&v, d.data() + off, 8);
  return v;
}

// A signed integer: decimal or 0x hex, optional leading '-' or '+'. Whole string.
std::optional<int64_t> parse_int(std::string_view s) {
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
}

bool is_ident_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}
bool is_ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '$' ||
         c == '@';
}

// "%reg" -> register; sets err otherwise.
std::optional<UsdtRegister> parse_reg(std::string_view s, std::string& err) {
  if (s.empty() || s[0] != '%') {
    err = "expected a register, got '" + std::string(s) + "'";
    return std::nullopt;
  }
  auto r = usdt_register(s.substr(1));
  if (!r) err = "unknown register '" + std::string(s) + "'";
  return r;
}

// Memory operand: [disp](%base[,%index[,scale]]) or an absolute disp (number / sym[+-n]).
bool parse_memory(std::string_view s, UsdtArg& a, std::string& err) {
  a.kind = UsdtArgKind::Deref;
  size_t paren = s.find('(');
  std::string_view disp = s.substr(0, paren);
  if (!disp.empty()) {
    if (is_ident_start(disp[0])) {
      size_t end = 1;
      while (end < disp.size() && is_ident_char(disp[end])) ++end;
      a.symbol = std::string(disp.substr(0, end));
      disp.remove_prefix(end);
      if (!disp.empty() && disp[0] != '+' && disp[0] != '-') {
        err = "bad displacement '" + std::string(s.substr(0, paren)) + "'";
        return false;
      }
    }
    if (!disp.empty()) {
      auto v = parse_int(disp);
      if (!v) {
        err = "bad displacement '" + std::string(s.substr(0, paren)) + "'";
        return false;
      }
      a.value = *v;
    }
  }
  if (paren == std::string_view::npos) {
    if (s.empty()) {
      err = "empty operand";
      return false;
    }
    return true; // absolute address
  }
  if (s.back() != ')') {
    err = "unterminated memory operand '" + std::string(s) + "'";
    return false;
  }
  std::string_view inner = s.substr(paren + 1, s.size() - paren - 2);
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t comma = inner.find(',', start);
    parts.push_back(inner.substr(start, comma == inner.npos ? inner.npos : comma - start));
    if (comma == inner.npos) break;
    start = comma + 1;
  }
  if (parts.size() > 3 || (parts.size() == 1 && parts[0].empty())) {
    err = "bad memory operand '" + std::string(s) + "'";
    return false;
  }
  if (!parts[0].empty()) {
    auto base = parse_reg(parts[0], err);
    if (!base) return false;
    if (base->shift) {
      err = "bad base register in '" + std::string(s) + "'";
      return false;
    }
    a.has_base = true;
    a.base = *base;
    a.rip_relative = base->offset == kPtRegsIp;
  }
  if (parts.size() >= 2) {
    auto index = parse_reg(parts[1], err);
    if (!index) return false;
    a.index = *index;
    a.scale = 1;
    if (parts.size() == 3) {
      auto sc = parse_int(parts[2]);
      if (!sc || (*sc != 1 && *sc != 2 && *sc != 4 && *sc != 8)) {
        err = "bad scale in '" + std::string(s) + "'";
        return false;
      }
      a.scale = static_cast<uint8_t>(*sc);
    }
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// The "[-]SIZE@" prefix of `tok` into `a`; `op` gets the operand after it. False with err.
bool parse_size(std::string_view tok, UsdtArg& a, std::string_view& op, std::string& err) {
  size_t at = tok.find('@');
  if (at != std::string_view::npos) {
    std::string_view sz = tok.substr(0, at);
    if (!sz.empty() && sz[0] == '-') {
      a.is_signed = true;
      sz.remove_prefix(1);
    }
    if (sz != "1" && sz != "2" && sz != "4" && sz != "8") {
      err = "bad argument size in '" + std::string(tok) + "'";
      return false;
    }
    a.size = static_cast<uint8_t>(sz[0] - '0');
    op = tok.substr(at + 1);
  }
  if (op.empty()) {
    err = "missing operand in '" + std::string(tok) + "'";
    return false;
  }
  return true;
}

std::optional<UsdtArg> parse_one_x86_64(std::string_view tok, std::string& err) {
  UsdtArg a;
  std::string_view op = tok;
  if (!parse_size(tok, a, op, err)) return std::nullopt;
  if (op[0] == '%') {
    auto r = parse_reg(op, err);
    if (!r) return std::nullopt;
    a.kind = UsdtArgKind::Reg;
    a.base = *r;
    return a;
  }
  if (op[0] == '$') {
    auto v = parse_int(op.substr(1));
    if (!v) {
      err = "bad constant in '" + std::string(tok) + "'";
      return std::nullopt;
    }
    a.kind = UsdtArgKind::Const;
    a.value = *v;
    return a;
  }
  if (!parse_memory(op, a, err)) {
    err += " in '" + std::string(tok) + "'";
    return std::nullopt;
  }
  return a;
}

// aarch64: "x0".."x30", their 32-bit views "w0".."w30", "sp" (struct user_pt_regs: regs[31],
// sp, pc, pstate).
std::optional<UsdtRegister> arm64_register(std::string_view name) {
  if (name == "sp") return UsdtRegister{248, 0};
  if (name.size() < 2 || (name[0] != 'x' && name[0] != 'w')) return std::nullopt;
  uint32_t n = 0;
  auto [p, ec] = std::from_chars(name.data() + 1, name.data() + name.size(), n);
  if (ec != std::errc() || p != name.data() + name.size() || n > 30) return std::nullopt;
  return UsdtRegister{static_cast<uint16_t>(8 * n), 0};
}

std::optional<UsdtArg> parse_one_aarch64(std::string_view tok, std::string& err) {
  UsdtArg a;
  std::string_view op = tok;
  if (!parse_size(tok, a, op, err)) return std::nullopt;
  auto reg = [&](std::string_view name) {
    auto r = arm64_register(name);
    if (!r) err = "unknown register '" + std::string(name) + "' in '" + std::string(tok) + "'";
    return r;
  };
  if (op.front() == '[') {
    if (op.back() != ']') {
      err = "unterminated memory operand in '" + std::string(tok) + "'";
      return std::nullopt;
    }
    std::string_view inner = op.substr(1, op.size() - 2);
    size_t comma = inner.find(',');
    auto base = reg(trim(inner.substr(0, comma)));
    if (!base) return std::nullopt;
    a.kind = UsdtArgKind::Deref;
    a.has_base = true;
    a.base = *base;
    if (comma != std::string_view::npos) {
      std::string_view off = trim(inner.substr(comma + 1));
      if (!off.empty() && off.front() == '#') off.remove_prefix(1);
      auto v = parse_int(off);
      if (!v) {
        err = "bad offset in '" + std::string(tok) + "'";
        return std::nullopt;
      }
      a.value = *v;
    }
    return a;
  }
  if (auto v = parse_int(op.front() == '#' ? op.substr(1) : op)) {
    a.kind = UsdtArgKind::Const;
    a.value = *v;
    return a;
  }
  auto r = reg(op);
  if (!r) return std::nullopt;
  a.kind = UsdtArgKind::Reg;
  a.base = *r;
  return a;
}

} // namespace

std::optional<UsdtNote> parse_stapsdt_desc(std::span<const uint8_t> desc, unsigned addr_size) {
  if (addr_size != 4 && addr_size != 8) return std::nullopt;
  size_t fixed = 3 * size_t{addr_size};
  if (desc.size() < fixed) return std::nullopt;
  UsdtNote n;
  n.pc = read_addr(desc, 0, addr_size);
  n.base = read_addr(desc, addr_size, addr_size);
  n.semaphore = read_addr(desc, 2 * addr_size, addr_size);
  std::string* fields[] = {&n.provider, &n.name, &n.args};
  size_t pos = fixed;
  for (std::string* f : fields) {
    const auto* begin = desc.data() + pos;
    const auto* end = desc.data() + desc.size();
    const auto* nul = std::find(begin, end, uint8_t{0});
    if (nul == end) return std::nullopt; // every string is NUL-terminated
    f->assign(reinterpret_cast<const char*>(begin), static_cast<size_t>(nul - begin));
    pos += static_cast<size_t>(nul - begin) + 1;
  }
  if (n.provider.empty() || n.name.empty()) return std::nullopt;
  return n;
}

uint64_t usdt_prelink_adjust(uint64_t addr, uint64_t note_base,
                             std::optional<uint64_t> section_base) {
  if (!section_base || note_base == 0 || addr == 0) return addr;
  return addr + *section_base - note_base;
}

std::optional<UsdtRegister> usdt_register(std::string_view name) {
  for (const auto& row : kRegisters) {
    for (auto n : row.names)
      if (!n.empty() && n == name) return UsdtRegister{row.offset, 0};
    if (!row.high_byte.empty() && row.high_byte == name) return UsdtRegister{row.offset, 8};
  }
  return std::nullopt;
}

namespace {
// Splits `text` into operands and parses each with `parse_one` (one per assembler syntax, so
// a tool keeps only its own architecture's).
template <std::optional<UsdtArg> (*parse_one)(std::string_view, std::string&)>
std::optional<std::vector<UsdtArg>> parse_operands(std::string_view text, std::string& err) {
  std::vector<UsdtArg> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    // An aarch64 memory operand holds a space: "-4@[sp, 12]".
    for (bool in_brackets = false;
         i < text.size() && (in_brackets || !std::isspace(static_cast<unsigned char>(text[i])));
         ++i) {
      if (text[i] == '[')
        in_brackets = true;
      else if (text[i] == ']')
        in_brackets = false;
    }
    if (start == i) break;
    auto a = parse_one(text.substr(start, i - start), err);
    if (!a) return std::nullopt;
    out.push_back(std::move(*a));
  }
  return out;
}
} // namespace

std::optional<std::vector<UsdtArg>> parse_usdt_args_x86_64(std::string_view text,
                                                           std::string& err) {
  return parse_operands<parse_one_x86_64>(text, err);
}

std::optional<std::vector<UsdtArg>> parse_usdt_args_aarch64(std::string_view text,
                                                            std::string& err) {
  return parse_operands<parse_one_aarch64>(text, err);
}

std::optional<abi::UsdtArgSpec> usdt_arg_spec(
    const UsdtArg& a, uint64_t probe_vaddr,
    const std::function<std::optional<uint64_t>(const std::string&)>& symbol_vaddr,
    std::string& err) {
  abi::UsdtArgSpec s;
  s.kind = static_cast<uint8_t>(a.kind);
  s.size = a.size;
  s.is_signed = a.is_signed ? 1 : 0;
  switch (a.kind) {
  case UsdtArgKind::None:
    err = "empty argument";
    return std::nullopt;
  case UsdtArgKind::Const:
    s.value = a.value;
    return s;
  case UsdtArgKind::Reg:
    s.base_off = a.base.offset;
    s.shift = a.base.shift;
    return s;
  case UsdtArgKind::Deref:
    break;
  }
  if (a.index) {
    s.index_off = a.index->offset;
    s.scale = a.scale;
  }
  if (a.has_base && !a.rip_relative) {
    if (!a.symbol.empty()) {
      err = "symbol displacement '" + a.symbol + "' with a base register is not supported";
      return std::nullopt;
    }
    s.base_off = a.base.offset;
    s.value = a.value;
    return s;
  }
  // sym(%rip), sym, or an absolute number: link-time address, made relative to the probe.
  if (a.rip_relative && a.symbol.empty()) {
    err = "a numeric %rip displacement is not supported";
    return std::nullopt;
  }
  uint64_t target = static_cast<uint64_t>(a.value);
  if (!a.symbol.empty()) {
    auto v = symbol_vaddr(a.symbol);
    if (!v) {
      err = "symbol '" + a.symbol + "' not found";
      return std::nullopt;
    }
    target += *v;
  }
  s.base_off = kPtRegsIp;
  s.value = static_cast<int64_t>(target - probe_vaddr);
  return s;
}

bool UsdtFile::load(const std::string& path, std::string& err) {
  path_ = path;
  sites_.clear();
  segments_ = ElfSegments();
  ElfFile file(path);
  if (!file.opened()) {
    err = "cannot open " + path + ": " + std::strerror(file.open_errno());
    return false;
  }
  Elf* e = file.elf();
  GElf_Ehdr eh;
  if (!file.is_elf() || !gelf_getehdr(e, &eh)) {
    err = path + " is not an ELF file";
    return false;
  }
  unsigned addr_size = gelf_getclass(e) == ELFCLASS32 ? 4 : 8;
  segments_.read(e);
  size_t shstrndx = 0;
  elf_getshdrstrndx(e, &shstrndx);
  std::optional<uint64_t> base_addr;
  std::vector<UsdtNote> notes;
  for (Elf_Scn* scn = nullptr; (scn = elf_nextscn(e, scn));) {
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh)) continue;
    const char* name = elf_strptr(e, shstrndx, sh.sh_name);
    if (!name) continue;
    if (std::strcmp(name, ".stapsdt.base") == 0) base_addr = sh.sh_addr;
    if (sh.sh_type != SHT_NOTE || std::strcmp(name, ".note.stapsdt") != 0) continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (!data || !data->d_buf) continue;
    GElf_Nhdr nh;
    size_t off = 0, name_off = 0, desc_off = 0;
    while ((off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
      const auto* bytes = static_cast<const uint8_t*>(data->d_buf);
      if (nh.n_type != 3 || nh.n_namesz != 8 ||
          std::memcmp(bytes + name_off, "stapsdt", 8) != 0)
        continue;
      if (auto n = parse_stapsdt_desc({bytes + desc_off, nh.n_descsz}, addr_size))
        notes.push_back(std::move(*n));
    }
  }
  for (auto& n : notes) {
    UsdtSite site{std::move(n.provider), std::move(n.name),
                  usdt_prelink_adjust(n.pc, n.base, base_addr), 0, 0, std::move(n.args)};
    uint64_t sema = usdt_prelink_adjust(n.semaphore, n.base, base_addr);
    auto off = segments_.file_offset(site.vaddr);
    if (!off) continue; // not in a loaded segment: nothing to probe
    site.file_offset = *off;
    if (sema) {
      auto soff = segments_.file_offset(sema);
      if (!soff) continue;
      site.sema_offset = *soff;
    }
    sites_.push_back(std::move(site));
  }
  return true;
}

std::optional<uint64_t> UsdtFile::symbol_vaddr(const std::string& name) {
  if (!symbols_loaded_) {
    symbols_loaded_ = true;
    ElfFile file(path_);
    Elf* e = file.elf();
    for (uint32_t want : {uint32_t{SHT_SYMTAB}, uint32_t{SHT_DYNSYM}}) {
      if (!e || !symbols_.empty()) break;
      for (Elf_Scn* scn = nullptr; (scn = elf_nextscn(e, scn));) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != want || sh.sh_entsize == 0) continue;
        Elf_Data* data = elf_getdata(scn, nullptr);
        if (!data) continue;
        size_t n = sh.sh_size / sh.sh_entsize;
        for (size_t i = 0; i < n; ++i) {
          GElf_Sym sym;
          if (!gelf_getsym(data, static_cast<int>(i), &sym) || sym.st_shndx == SHN_UNDEF)
            continue;
          const char* s = elf_strptr(e, sh.sh_link, sym.st_name);
          if (s && *s) symbols_.emplace_back(s, sym.st_value);
        }
      }
    }
  }
  for (const auto& [n, v] : symbols_)
    if (n == name) return v;
  return std::nullopt;
}

std::optional<abi::UsdtSpec> UsdtFile::spec_of(const UsdtSite& site, uint32_t used,
                                               size_t& nargs, std::string& err) {
  auto args = parse_usdt_args(site.args, err);
  if (!args) return std::nullopt;
  nargs = args->size();
  abi::UsdtSpec spec{};
  auto lookup = [this](const std::string& s) { return symbol_vaddr(s); };
  for (size_t i = 0; i < args->size() && i < abi::kUsdtMaxArgs; ++i) {
    if (!(used & (1u << i))) continue;
    auto s = usdt_arg_spec((*args)[i], site.vaddr, lookup, err);
    if (!s) return std::nullopt;
    spec.args[i] = *s;
  }
  return spec;
}

} // namespace btc::rt
