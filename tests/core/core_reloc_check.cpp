// core_reloc_check.cpp: lists the CO-RE field relocations of a BPF object and, for each, the
// offset baked into the object next to the offset the running (target) kernel has.
//
// Input: a BPF ELF object (e.g. from `btc --emit=bpf-obj`) and a target BTF (default
// /sys/kernel/btf/vmlinux). Output: one line per .BTF.ext CO-RE record, e.g.
//   reloc sec=tracepoint insn=27 kind=byte_off type=task_struct access=0:123
//         field=task_struct.pid baked=1328 local_bits=10624 target_bits=10112 (one line)
// where `baked` is the immediate (ALU/LD_IMM64) or offset (LDX/ST/STX) of the relocated
// instruction as stored in the object, local_bits the field's bit offset in the object's own
// .BTF, and target_bits the bit offset of the same-named field path in the target BTF (`?`
// when the path cannot be followed there). Non-field kinds print the kind and type only.
// Exit status 0 when the object has .BTF.ext CO-RE records, 1 otherwise or on errors.
#include <bpf/btf.h>
#include <gelf.h>
#include <libelf.h>
#include <linux/bpf.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

// .BTF.ext header (the layout is fixed by the kernel/libbpf ABI; version 1).
struct BtfExtHeader {
  uint16_t magic;
  uint8_t version;
  uint8_t flags;
  uint32_t hdr_len;
  uint32_t func_info_off, func_info_len;
  uint32_t line_info_off, line_info_len;
  uint32_t core_relo_off, core_relo_len; // present when hdr_len >= 32
};

const char* kind_name(uint32_t kind) {
  switch (kind) {
  case BPF_CORE_FIELD_BYTE_OFFSET: return "byte_off";
  case BPF_CORE_FIELD_BYTE_SIZE: return "byte_sz";
  case BPF_CORE_FIELD_EXISTS: return "field_exists";
  case BPF_CORE_FIELD_SIGNED: return "signed";
  case BPF_CORE_FIELD_LSHIFT_U64: return "lshift_u64";
  case BPF_CORE_FIELD_RSHIFT_U64: return "rshift_u64";
  case BPF_CORE_TYPE_ID_LOCAL: return "local_type_id";
  case BPF_CORE_TYPE_ID_TARGET: return "target_type_id";
  case BPF_CORE_TYPE_EXISTS: return "type_exists";
  case BPF_CORE_TYPE_SIZE: return "type_size";
  case BPF_CORE_ENUMVAL_EXISTS: return "enumval_exists";
  case BPF_CORE_ENUMVAL_VALUE: return "enumval_value";
  case BPF_CORE_TYPE_MATCHES: return "type_matches";
  default: return "unknown";
  }
}

bool is_field_kind(uint32_t kind) { return kind <= BPF_CORE_FIELD_RSHIFT_U64; }

// Reads the bytes of every section by name (program text is needed to show baked values).
struct ElfSections {
  std::vector<std::pair<std::string, std::vector<uint8_t>>> sections;
  const std::vector<uint8_t>* find(std::string_view name) const {
    for (const auto& [n, d] : sections)
      if (n == name) return &d;
    return nullptr;
  }
};

bool read_sections(const char* path, ElfSections& out) {
  if (elf_version(EV_CURRENT) == EV_NONE) return false;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  Elf* elf = elf_begin(fd, ELF_C_READ, nullptr);
  size_t shstrndx = 0;
  bool ok = elf && elf_getshdrstrndx(elf, &shstrndx) == 0;
  for (Elf_Scn* scn = nullptr; ok && (scn = elf_nextscn(elf, scn)) != nullptr;) {
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS) continue;
    const char* name = elf_strptr(elf, shstrndx, sh.sh_name);
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (!name || !data || !data->d_buf) continue;
    auto* p = static_cast<const uint8_t*>(data->d_buf);
    out.sections.emplace_back(name, std::vector<uint8_t>(p, p + data->d_size));
  }
  if (elf) elf_end(elf);
  close(fd);
  return ok;
}

// A type with typedefs and qualifiers skipped.
const struct btf_type* skip_mods(const struct btf* btf, uint32_t& id) {
  int r = btf__resolve_type(btf, id);
  if (r < 0) return nullptr;
  id = static_cast<uint32_t>(r);
  return btf__type_by_id(btf, id);
}

// Follows a CO-RE access string ("0:4:2") from `root` in `btf`. Returns the bit offset and
// appends "member" names (or "[i]") to `path`.
std::optional<uint64_t> walk_local(const struct btf* btf, uint32_t root, std::string_view access,
                                   std::vector<std::string>& path) {
  std::vector<uint64_t> idx;
  size_t pos = 0;
  while (pos <= access.size()) {
    size_t end = access.find(':', pos);
    if (end == std::string_view::npos) end = access.size();
    idx.push_back(std::stoull(std::string(access.substr(pos, end - pos))));
    pos = end + 1;
  }
  uint32_t id = root;
  const struct btf_type* t = skip_mods(btf, id);
  if (!t) return std::nullopt;
  int64_t sz = btf__resolve_size(btf, id);
  uint64_t bits = idx[0] * static_cast<uint64_t>(sz < 0 ? 0 : sz) * 8;
  for (size_t i = 1; i < idx.size(); ++i) {
    if (btf_is_composite(t)) {
      if (idx[i] >= btf_vlen(t)) return std::nullopt;
      const struct btf_member* m = btf_members(t) + idx[i];
      bits += btf_member_bit_offset(t, static_cast<uint32_t>(idx[i]));
      path.emplace_back(btf__name_by_offset(btf, m->name_off));
      id = m->type;
    } else if (btf_is_array(t)) {
      uint32_t elem = btf_array(t)->type;
      int64_t esz = btf__resolve_size(btf, elem);
      if (esz < 0) return std::nullopt;
      bits += idx[i] * static_cast<uint64_t>(esz) * 8;
      path.push_back("[" + std::to_string(idx[i]) + "]");
      id = elem;
    } else {
      return std::nullopt;
    }
    t = skip_mods(btf, id);
    if (!t) return std::nullopt;
  }
  return bits;
}

// Finds member `name` of record `t`, looking through anonymous struct/union members as C
// does (libbpf matches fields the same way). Adds its bit offset to `bits`, sets `id`.
bool find_member(const struct btf* btf, const struct btf_type* t, const std::string& name,
                 uint64_t& bits, uint32_t& id) {
  for (uint16_t i = 0; i < btf_vlen(t); ++i) {
    const struct btf_member* m = btf_members(t) + i;
    if (name == btf__name_by_offset(btf, m->name_off)) {
      bits += btf_member_bit_offset(t, i);
      id = m->type;
      return true;
    }
  }
  for (uint16_t i = 0; i < btf_vlen(t); ++i) {
    const struct btf_member* m = btf_members(t) + i;
    if (*btf__name_by_offset(btf, m->name_off) != '\0') continue;
    uint32_t inner = m->type;
    const struct btf_type* it = skip_mods(btf, inner);
    uint64_t inner_bits = bits + btf_member_bit_offset(t, i);
    if (it && btf_is_composite(it) && find_member(btf, it, name, inner_bits, id)) {
      bits = inner_bits;
      return true;
    }
  }
  return false;
}

// Follows the named steps of `path` from the record named `root_name` in the target BTF
// (anonymous steps are skipped: find_member looks through them).
std::optional<uint64_t> walk_target(const struct btf* btf, const std::string& root_name,
                                    uint32_t root_kind, const std::vector<std::string>& path) {
  int r = btf__find_by_name_kind(btf, root_name.c_str(), root_kind);
  if (r <= 0) return std::nullopt;
  uint32_t id = static_cast<uint32_t>(r);
  const struct btf_type* t = btf__type_by_id(btf, id);
  uint64_t bits = 0;
  for (const std::string& step : path) {
    if (step.empty()) continue;
    if (step[0] == '[') {
      if (!btf_is_array(t)) return std::nullopt;
      uint32_t elem = btf_array(t)->type;
      int64_t esz = btf__resolve_size(btf, elem);
      if (esz < 0) return std::nullopt;
      bits += std::stoull(step.substr(1)) * static_cast<uint64_t>(esz) * 8;
      id = elem;
    } else if (!btf_is_composite(t) || !find_member(btf, t, step, bits, id)) {
      return std::nullopt;
    }
    t = skip_mods(btf, id);
    if (!t) return std::nullopt;
  }
  return bits;
}

// The value the relocation patches, as stored in the object.
std::string baked_value(const std::vector<uint8_t>* text, uint32_t insn_off) {
  if (!text || insn_off + sizeof(struct bpf_insn) > text->size()) return "?";
  struct bpf_insn insn;
  std::memcpy(&insn, text->data() + insn_off, sizeof insn);
  uint8_t cls = BPF_CLASS(insn.code);
  if (cls == BPF_LDX || cls == BPF_ST || cls == BPF_STX) return std::to_string(insn.off);
  return std::to_string(insn.imm); // ALU/ALU64 with K source, LD_IMM64 low word
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: core_reloc_check OBJ.o [TARGET_BTF]\n");
    return 1;
  }
  const char* obj = argv[1];
  const char* target_path = argc > 2 ? argv[2] : "/sys/kernel/btf/vmlinux";

  struct btf* local = btf__parse_elf(obj, nullptr);
  if (!local) {
    std::fprintf(stderr, "core_reloc_check: no .BTF in %s: %s\n", obj, std::strerror(errno));
    return 1;
  }
  struct btf* target = btf__parse(target_path, nullptr);
  if (!target) {
    std::fprintf(stderr, "core_reloc_check: cannot load %s\n", target_path);
    btf__free(local);
    return 1;
  }
  ElfSections sections;
  if (!read_sections(obj, sections)) std::fprintf(stderr, "core_reloc_check: cannot read ELF\n");

  // .BTF.ext is read from the ELF directly (libbpf 1.1 exports no accessor for its records).
  const std::vector<uint8_t>* ext_data = sections.find(".BTF.ext");
  const uint8_t* raw = ext_data ? ext_data->data() : nullptr;
  size_t ext_size = ext_data ? ext_data->size() : 0;
  BtfExtHeader hdr{};
  size_t records = 0;
  if (raw && ext_size >= 24) {
    std::memcpy(&hdr, raw, std::min<size_t>(sizeof hdr, ext_size));
    if (hdr.magic != 0xeB9F || hdr.hdr_len < 32 ||
        uint64_t{hdr.hdr_len} + hdr.core_relo_off + hdr.core_relo_len > ext_size)
      raw = nullptr; // no CO-RE part (or not a .BTF.ext we understand)
  } else {
    raw = nullptr;
  }
  const uint8_t* p = raw ? raw + hdr.hdr_len + hdr.core_relo_off : nullptr;
  const uint8_t* end = p ? p + hdr.core_relo_len : nullptr;
  uint32_t rec_size = 0;
  if (p && end - p >= 4) {
    std::memcpy(&rec_size, p, 4);
    p += 4;
  }
  while (p && rec_size >= sizeof(struct bpf_core_relo) && end - p >= 8) {
    uint32_t sec_name_off = 0, num = 0;
    std::memcpy(&sec_name_off, p, 4);
    std::memcpy(&num, p + 4, 4);
    p += 8;
    std::string sec = btf__name_by_offset(local, sec_name_off);
    const std::vector<uint8_t>* text = sections.find(sec);
    for (uint32_t i = 0; i < num && end - p >= static_cast<ptrdiff_t>(rec_size); ++i) {
      struct bpf_core_relo r;
      std::memcpy(&r, p, sizeof r);
      p += rec_size;
      ++records;
      uint32_t root = r.type_id;
      const struct btf_type* rt = skip_mods(local, root);
      std::string type_name = rt ? btf__name_by_offset(local, rt->name_off) : "?";
      const char* access = btf__name_by_offset(local, r.access_str_off);
      std::printf("reloc sec=%s insn=%u kind=%s type=%s access=%s", sec.c_str(),
                  r.insn_off / 8, kind_name(r.kind), type_name.c_str(), access ? access : "?");
      if (is_field_kind(r.kind) && rt && access) {
        std::vector<std::string> path;
        auto local_bits = walk_local(local, r.type_id, access, path);
        std::string field = type_name;
        for (const auto& s : path)
          if (!s.empty()) field += (s[0] == '[' ? "" : ".") + s; // anonymous steps unnamed
        std::optional<uint64_t> target_bits;
        if (local_bits) target_bits = walk_target(target, type_name, btf_kind(rt), path);
        std::printf(" field=%s baked=%s local_bits=%s target_bits=%s", field.c_str(),
                    baked_value(text, r.insn_off).c_str(),
                    local_bits ? std::to_string(*local_bits).c_str() : "?",
                    target_bits ? std::to_string(*target_bits).c_str() : "?");
      }
      std::printf("\n");
    }
  }
  btf__free(target);
  btf__free(local);
  if (records == 0) {
    std::fprintf(stderr, "core_reloc_check: %s has no CO-RE relocations\n", obj);
    return 1;
  }
  return 0;
}
