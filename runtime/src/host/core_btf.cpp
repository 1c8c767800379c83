// core_btf.cpp: see core_btf.h. The .BTF.ext layout (struct btf_ext_header, struct
// bpf_core_relo) is the kernel's and libbpf's; the BTF written here is ordinary raw BTF.
#include "host/core_btf.h"

#include "host/btf_file.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/btf.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <elf.h>
#include <map>
#include <set>
#include <string_view>
#include <sys/mman.h>
#include <unistd.h>

namespace btc::rt {
namespace {

std::string_view elf_section(std::span<const uint8_t> obj, std::string_view want) {
  if (obj.size() < sizeof(Elf64_Ehdr) || std::memcmp(obj.data(), ELFMAG, SELFMAG) != 0) return {};
  Elf64_Ehdr eh;
  std::memcpy(&eh, obj.data(), sizeof eh);
  auto shdr = [&](size_t i, Elf64_Shdr& sh) {
    uint64_t at = eh.e_shoff + i * sizeof(Elf64_Shdr);
    if (at + sizeof sh > obj.size()) return false;
    std::memcpy(&sh, obj.data() + at, sizeof sh);
    return sh.sh_offset + sh.sh_size <= obj.size() || sh.sh_type == SHT_NOBITS;
  };
  Elf64_Shdr strtab;
  if (!shdr(eh.e_shstrndx, strtab)) return {};
  for (size_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh;
    if (!shdr(i, sh) || sh.sh_name >= strtab.sh_size || sh.sh_type == SHT_NOBITS) continue;
    const char* name = reinterpret_cast<const char*>(obj.data() + strtab.sh_offset + sh.sh_name);
    if (std::string_view(name, strnlen(name, strtab.sh_size - sh.sh_name)) == want)
      return {reinterpret_cast<const char*>(obj.data() + sh.sh_offset), sh.sh_size};
  }
  return {};
}

uint16_t core_kind(uint16_t kind) { // ENUM and ENUM64 are one another's candidates
  return kind == BTF_KIND_ENUM64 ? uint16_t(BTF_KIND_ENUM) : kind;
}

// Copies types out of a BtfFile into new raw BTF, renumbered in the order they are added.
class Builder {
public:
  explicit Builder(BtfFile& src) : src_(src) { strings_.push_back('\0'); }

  // Value: as laid out (members, elements, typedef targets copied in full). Pointee: what a
  // pointer points to; records become forward declarations, function types void.
  enum class Mode { Value, Pointee };
  bool copy(uint32_t id, Mode mode, uint32_t& out);
  std::vector<uint8_t> raw() const;
  uint32_t count() const { return next_id_ - 1; }

private:
  uint32_t add_string(uint32_t src_off);
  uint32_t append(std::vector<uint8_t> rec) {
    types_.insert(types_.end(), rec.begin(), rec.end());
    return next_id_++;
  }

  BtfFile& src_;
  std::vector<uint8_t> types_;
  std::string strings_;
  std::map<uint32_t, uint32_t> string_ids_;
  std::map<std::pair<uint32_t, Mode>, uint32_t> done_;
  uint32_t next_id_ = 1;
};

uint32_t Builder::add_string(uint32_t src_off) {
  if (src_off == 0) return 0;
  if (auto it = string_ids_.find(src_off); it != string_ids_.end()) return it->second;
  auto off = static_cast<uint32_t>(strings_.size());
  strings_ += src_.name(src_off);
  strings_.push_back('\0');
  string_ids_.emplace(src_off, off);
  return off;
}

bool Builder::copy(uint32_t id, Mode mode, uint32_t& out) {
  out = 0;
  if (id == 0) return true;
  if (auto it = done_.find({id, mode}); it != done_.end()) {
    out = it->second;
    return true;
  }
  std::vector<uint8_t> rec = src_.type(id);
  if (rec.size() < sizeof(btf_type)) return false;
  auto* t = reinterpret_cast<btf_type*>(rec.data());
  uint16_t kind = btf_kind(t);
  auto field = [&](uint32_t& type_ref, Mode m) {
    uint32_t mapped;
    if (!copy(type_ref, m, mapped)) return false; // (recursion never touches `rec`)
    type_ref = mapped;
    return true;
  };
  // The names of the record's trailing entries (members, enumerators) into the new strings.
  auto rename_entries = [&]<class Entry>(Entry*) {
    auto* entries = reinterpret_cast<Entry*>(rec.data() + sizeof(btf_type));
    for (uint16_t i = 0; i < btf_vlen(t); ++i)
      entries[i].name_off = add_string(entries[i].name_off);
  };
  switch (kind) {
  case BTF_KIND_STRUCT:
  case BTF_KIND_UNION:
    if (mode == Mode::Pointee) {
      if (t->name_off == 0) return true; // an anonymous record behind a pointer: void
      // A forward declaration of the record in place of the record.
      rec.resize(sizeof(btf_type));
      t = reinterpret_cast<btf_type*>(rec.data());
      t->info = (uint32_t(BTF_KIND_FWD) << 24) | (kind == BTF_KIND_UNION ? 1u << 31 : 0);
      t->size = 0;
      break;
    }
    for (uint16_t i = 0; i < btf_vlen(t); ++i)
      if (!field((reinterpret_cast<btf_member*>(rec.data() + sizeof(btf_type)) + i)->type,
                 Mode::Value))
        return false;
    rename_entries(static_cast<btf_member*>(nullptr));
    break;
  case BTF_KIND_ENUM:
    rename_entries(static_cast<struct btf_enum*>(nullptr));
    break;
  case BTF_KIND_ENUM64:
    rename_entries(static_cast<struct btf_enum64*>(nullptr));
    break;
  case BTF_KIND_INT:
  case BTF_KIND_FLOAT:
  case BTF_KIND_FWD:
    break;
  case BTF_KIND_PTR:
  case BTF_KIND_TYPEDEF:
  case BTF_KIND_VOLATILE:
  case BTF_KIND_CONST:
  case BTF_KIND_RESTRICT:
  case BTF_KIND_TYPE_TAG:
    if (!field(t->type, kind == BTF_KIND_PTR ? Mode::Pointee : mode)) return false;
    break;
  case BTF_KIND_ARRAY: {
    auto* a = reinterpret_cast<struct btf_array*>(rec.data() + sizeof(btf_type));
    if (!field(a->type, Mode::Value) || !field(a->index_type, Mode::Value)) return false;
    break;
  }
  default: // function types, variables, sections, tags: never part of a layout
    done_[{id, mode}] = 0;
    return true;
  }
  t->name_off = add_string(t->name_off);
  out = append(std::move(rec));
  done_[{id, mode}] = out;
  return true;
}

std::vector<uint8_t> Builder::raw() const {
  btf_header h{};
  h.magic = BTF_MAGIC;
  h.version = BTF_VERSION;
  h.hdr_len = sizeof h;
  h.type_off = 0;
  h.type_len = static_cast<uint32_t>(types_.size());
  h.str_off = h.type_len;
  h.str_len = static_cast<uint32_t>(strings_.size());
  std::vector<uint8_t> out(sizeof h);
  std::memcpy(out.data(), &h, sizeof h);
  out.insert(out.end(), types_.begin(), types_.end());
  out.insert(out.end(), strings_.begin(), strings_.end());
  return out;
}

} // namespace

bool core_roots(std::span<const uint8_t> object, std::vector<CoreRoot>& roots, std::string& why) {
  std::string_view btf_sec = elf_section(object, ".BTF");
  std::string_view ext = elf_section(object, ".BTF.ext");
  struct Header { // struct btf_ext_header, up to the CO-RE part
    uint16_t magic;
    uint8_t version, flags;
    uint32_t hdr_len, func_info_off, func_info_len, line_info_off, line_info_len, core_relo_off,
        core_relo_len;
  } h{};
  if (ext.size() < 8) return true; // no .BTF.ext: nothing is relocated
  std::memcpy(&h, ext.data(), std::min(ext.size(), sizeof h));
  if (h.magic != BTF_MAGIC || h.hdr_len < sizeof h || h.core_relo_len == 0) return true;
  uint64_t start = uint64_t(h.hdr_len) + h.core_relo_off, end = start + h.core_relo_len;
  if (end > ext.size() || h.core_relo_len < 4) {
    why = "the object's .BTF.ext is malformed";
    return false;
  }
  btf* local = btf__new(btf_sec.data(), static_cast<uint32_t>(btf_sec.size()));
  if (libbpf_get_error(local)) {
    why = "the object's .BTF does not parse";
    return false;
  }
  auto u32 = [&](uint64_t at) {
    uint32_t v;
    std::memcpy(&v, ext.data() + at, 4);
    return v;
  };
  uint32_t rec_size = u32(start);
  std::set<CoreRoot> found;
  bool ok = rec_size >= sizeof(bpf_core_relo);
  if (!ok) why = "the object's CO-RE records are too small";
  for (uint64_t at = start + 4; ok && at + 8 <= end;) {
    uint32_t n = u32(at + 4);
    at += 8;
    for (uint32_t i = 0; ok && i < n; ++i, at += rec_size) {
      if (at + sizeof(bpf_core_relo) > end) {
        ok = false;
        why = "the object's CO-RE records are cut short";
        break;
      }
      bpf_core_relo r;
      std::memcpy(&r, ext.data() + at, sizeof r);
      switch (r.kind) {
      case BPF_CORE_FIELD_BYTE_OFFSET:
      case BPF_CORE_FIELD_BYTE_SIZE:
      case BPF_CORE_FIELD_EXISTS:
      case BPF_CORE_FIELD_SIGNED:
      case BPF_CORE_FIELD_LSHIFT_U64:
      case BPF_CORE_FIELD_RSHIFT_U64:
      case BPF_CORE_ENUMVAL_EXISTS:
      case BPF_CORE_ENUMVAL_VALUE: {
        const btf_type* t = btf__type_by_id(local, r.type_id);
        const char* name = t ? btf__name_by_offset(local, t->name_off) : nullptr;
        if (!name || !*name) {
          ok = false;
          why = "a CO-RE relocation has an anonymous root type";
          break;
        }
        found.insert({core_kind(btf_kind(t)), name});
        break;
      }
      case BPF_CORE_TYPE_ID_LOCAL:
        break;
      case BPF_CORE_TYPE_ID_TARGET:
      case BPF_CORE_TYPE_EXISTS:
      case BPF_CORE_TYPE_SIZE:
      case BPF_CORE_TYPE_MATCHES:
        ok = false;
        why =
            "a CO-RE relocation needs the kernel's own types (kind " + std::to_string(r.kind) + ")";
        break;
      }
    }
  }
  btf__free(local);
  roots.assign(found.begin(), found.end());
  return ok;
}

bool minimal_btf(const std::string& source, const std::vector<CoreRoot>& roots,
                 std::vector<uint8_t>& out, std::string& why) {
  BtfFile file(source);
  std::set<std::string> names;
  for (const auto& r : roots) names.insert(r.name.substr(0, btf_essential_name_len(r.name)));
  std::map<std::string, std::vector<std::pair<uint16_t, uint32_t>>> found;
  if (!file.find_named(names, found)) {
    why = file.error();
    return false;
  }
  Builder b(file);
  for (const auto& r : roots) {
    bool any = false;
    for (auto [kind, id] : found[r.name.substr(0, btf_essential_name_len(r.name))]) {
      if (core_kind(kind) != r.kind) continue;
      uint32_t ignored;
      if (!b.copy(id, Builder::Mode::Value, ignored)) {
        why = "cannot read BTF type " + std::to_string(id) + " of " + source;
        return false;
      }
      any = true;
    }
    if (!any) {
      why = "'" + r.name + "' is not in " + source + " (a module's type?)";
      return false;
    }
  }
  out = b.raw();
  return true;
}

CoreBtf::CoreBtf(std::span<const uint8_t> object, const KernelBtf& source) : source_(source) {
  auto t0 = std::chrono::steady_clock::now();
  const char* knob = std::getenv("BTC_FULL_BTF");
  if (knob && *knob && std::strcmp(knob, "0") != 0) {
    reason_ = "BTC_FULL_BTF is set";
    return;
  }
  std::vector<CoreRoot> roots;
  if (!core_roots(object, roots, reason_)) return;
  if (roots.empty()) {
    reason_ = "no CO-RE relocations";
    return;
  }
  std::vector<uint8_t> raw;
  if (!minimal_btf(source.path, roots, raw, reason_)) return;
  int fd = memfd_create("btc-core-btf", MFD_CLOEXEC);
  if (fd < 0) {
    reason_ = std::string("memfd_create: ") + std::strerror(errno);
    return;
  }
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  bool written = ::write(fd, raw.data(), raw.size()) == static_cast<ssize_t>(raw.size());
  if (!written || ::access(path.c_str(), R_OK) != 0) {
    reason_ = written ? path + " is not readable (no /proc?)" : "cannot write the memfd";
    ::close(fd);
    return;
  }
  fd_ = fd;
  path_ = std::move(path);
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0);
  char took[32];
  std::snprintf(took, sizeof took, "%.1f ms", ms.count());
  reason_ = std::to_string(raw.size()) + " bytes of BTF from " + source.path + " for " +
            std::to_string(roots.size()) + " relocated types (" + took + ")";
}

CoreBtf::~CoreBtf() {
  if (fd_ >= 0) ::close(fd_);
}

const char* CoreBtf::custom_path() const {
  return fd_ >= 0 ? path_.c_str() : source_.custom_path();
}

} // namespace btc::rt
