// skeleton/model.cpp: builds a SkeletonModel from BPF ELF bytes with libbpf (open only).
//
// Input: BPF object bytes + object name. Output: maps (with datasec variables and their C
// declarations, rendered by libbpf's btf_dump), programs, and the C definitions of the named
// types those variables use. libbpf's log is captured so failures carry its explanation.
#include "model.h"

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

namespace btc::skel {
namespace {

// Routes libbpf's global print callback into a string for the lifetime of the object.
// libbpf has one process-wide callback; the compiler opens objects from one thread.
class LibbpfLogCapture {
public:
  LibbpfLogCapture() {
    active_ = this;
    prev_ = libbpf_set_print(&LibbpfLogCapture::print);
  }
  ~LibbpfLogCapture() {
    libbpf_set_print(prev_);
    active_ = nullptr;
  }
  LibbpfLogCapture(const LibbpfLogCapture&) = delete;
  LibbpfLogCapture& operator=(const LibbpfLogCapture&) = delete;

  const std::string& text() const { return log_; }

private:
  static int print(enum libbpf_print_level level, const char* fmt, va_list args) {
    if (level == LIBBPF_DEBUG || active_ == nullptr)
      return 0;
    char buf[1024];
    int n = vsnprintf(buf, sizeof(buf), fmt, args);
    if (n > 0)
      active_->log_.append(buf, std::min<size_t>(static_cast<size_t>(n), sizeof(buf) - 1));
    return n;
  }

  static inline LibbpfLogCapture* active_ = nullptr;
  libbpf_print_fn_t prev_ = nullptr;
  std::string log_;
};

// Appends everything a btf_dump prints to a std::string.
void append_to_string(void* ctx, const char* fmt, va_list args) {
  auto* out = static_cast<std::string*>(ctx);
  va_list copy;
  va_copy(copy, args);
  int n = vsnprintf(nullptr, 0, fmt, copy);
  va_end(copy);
  if (n <= 0)
    return;
  size_t old = out->size();
  out->resize(old + static_cast<size_t>(n) + 1);
  vsnprintf(out->data() + old, static_cast<size_t>(n) + 1, fmt, args);
  out->resize(old + static_cast<size_t>(n));
}

struct BtfDumpDeleter {
  void operator()(btf_dump* d) const { btf_dump__free(d); }
};
using BtfDumpPtr = std::unique_ptr<btf_dump, BtfDumpDeleter>;

// The ELF section an internal map was made from. libbpf names such maps "<obj prefix><sec>"
// (e.g. "tool.rodata"); the value type of the map is the section's DATASEC when libbpf found
// it, otherwise the section is recognised by its well-known prefix.
std::string internal_map_section(const bpf_map* map, const btf* btf) {
  if (btf != nullptr) {
    const btf_type* t = btf__type_by_id(btf, bpf_map__btf_value_type_id(map));
    if (t != nullptr && btf_is_datasec(t))
      return btf__name_by_offset(btf, t->name_off);
  }
  std::string_view name = bpf_map__name(map);
  for (std::string_view sec : {".rodata", ".data", ".bss", ".kconfig"}) {
    size_t pos = name.find(sec);
    if (pos != std::string_view::npos)
      return std::string(name.substr(pos));
  }
  return std::string(name);
}

// Fills map.vars from the section's DATASEC; the definitions of the variables' named types
// are printed through `defs_dump` (which emits each type once, dependencies first).
llvm::Error datasec_vars(const btf* btf, const std::string& section, MapModel& map,
                         btf_dump* defs_dump) {
  int id = btf__find_by_name_kind(btf, section.c_str(), BTF_KIND_DATASEC);
  if (id < 0)
    return llvm::Error::success(); // e.g. .rodata.str1.1: no variables to expose
  const btf_type* sec = btf__type_by_id(btf, static_cast<uint32_t>(id));

  std::string decl;
  BtfDumpPtr decl_dump(btf_dump__new(btf, append_to_string, &decl, nullptr));
  if (!decl_dump)
    return llvm::createStringError(std::errc::not_enough_memory, "btf_dump__new failed");

  const btf_var_secinfo* vsi = btf_var_secinfos(sec);
  for (uint16_t i = 0; i < btf_vlen(sec); ++i, ++vsi) {
    const btf_type* var = btf__type_by_id(btf, vsi->type);
    if (var == nullptr || !btf_is_var(var) || btf_var(var)->linkage == BTF_VAR_STATIC)
      continue; // static variables are not part of the skeleton's interface
    DatasecVar v;
    v.name = btf__name_by_offset(btf, var->name_off);
    v.offset = vsi->offset;
    v.size = vsi->size;
    int align = btf__align_of(btf, var->type);
    v.align = align > 0 ? static_cast<uint32_t>(align) : 1;

    decl.clear();
    btf_dump_emit_type_decl_opts opts{};
    opts.sz = sizeof(opts);
    opts.field_name = v.name.c_str();
    opts.indent_level = 2;
    opts.strip_mods = true;
    int err = btf_dump__emit_type_decl(decl_dump.get(), var->type, &opts);
    if (err != 0)
      return llvm::createStringError(std::error_code(-err, std::generic_category()),
                                     "cannot render the C type of variable '%s' in %s",
                                     v.name.c_str(), section.c_str());
    v.c_decl = decl;
    err = btf_dump__dump_type(defs_dump, var->type);
    if (err != 0)
      return llvm::createStringError(std::error_code(-err, std::generic_category()),
                                     "cannot render the C definition of '%s's type",
                                     v.name.c_str());
    map.vars.push_back(std::move(v));
  }
  std::stable_sort(map.vars.begin(), map.vars.end(),
                   [](const DatasecVar& a, const DatasecVar& b) { return a.offset < b.offset; });
  return llvm::Error::success();
}

} // namespace

std::string skeleton_ident(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!ok)
      c = '_';
  }
  return out;
}

void BpfObjectDeleter::operator()(bpf_object* obj) const { bpf_object__close(obj); }

llvm::Expected<BpfObjectPtr> open_object(std::span<const uint8_t> obj, const std::string& name) {
  LibbpfLogCapture log;
  bpf_object_open_opts opts{};
  opts.sz = sizeof(opts);
  opts.object_name = name.empty() ? nullptr : name.c_str();
  errno = 0;
  bpf_object* raw = bpf_object__open_mem(obj.data(), obj.size(), &opts);
  if (raw == nullptr) {
    int err = errno != 0 ? errno : EINVAL;
    std::string msg = "libbpf cannot open the BPF object '" + name + "': " + std::strerror(err);
    if (!log.text().empty())
      msg += "\n" + log.text();
    while (!msg.empty() && msg.back() == '\n')
      msg.pop_back();
    return llvm::createStringError(std::error_code(err, std::generic_category()), msg);
  }
  return BpfObjectPtr(raw);
}

llvm::Expected<SkeletonModel> build_model(std::span<const uint8_t> obj, const std::string& name) {
  auto opened = open_object(obj, name);
  if (!opened)
    return opened.takeError();
  bpf_object* bobj = opened->get();
  const btf* btf = bpf_object__btf(bobj);

  SkeletonModel model;
  model.name = name;

  BtfDumpPtr defs_dump;
  if (btf != nullptr) {
    defs_dump.reset(btf_dump__new(btf, append_to_string, &model.type_defs, nullptr));
    if (!defs_dump)
      return llvm::createStringError(std::errc::not_enough_memory, "btf_dump__new failed");
  }

  bpf_map* map = nullptr;
  bpf_object__for_each_map(map, bobj) {
    MapModel m;
    m.name = bpf_map__name(map);
    m.type = static_cast<uint32_t>(bpf_map__type(map));
    const char* type_name = libbpf_bpf_map_type_str(bpf_map__type(map));
    m.type_name = type_name != nullptr ? type_name : "unknown";
    m.key_size = bpf_map__key_size(map);
    m.value_size = bpf_map__value_size(map);
    m.max_entries = bpf_map__max_entries(map);
    m.flags = bpf_map__map_flags(map);
    m.internal = bpf_map__is_internal(map);
    if (m.internal) {
      m.mmapable = (m.flags & BPF_F_MMAPABLE) != 0;
      m.section = internal_map_section(map, btf);
      m.ident = skeleton_ident(m.section.substr(m.section.starts_with('.') ? 1 : 0));
      if (btf != nullptr) {
        if (auto err = datasec_vars(btf, m.section, m, defs_dump.get()))
          return err;
      }
    } else {
      m.ident = skeleton_ident(m.name);
    }
    model.maps.push_back(std::move(m));
  }

  bpf_program* prog = nullptr;
  bpf_object__for_each_program(prog, bobj) {
    ProgModel p;
    p.name = bpf_program__name(prog);
    p.section = bpf_program__section_name(prog);
    p.type = static_cast<uint32_t>(bpf_program__type(prog));
    const char* type_name = libbpf_bpf_prog_type_str(bpf_program__type(prog));
    p.type_name = type_name != nullptr ? type_name : "unknown";
    model.progs.push_back(std::move(p));
  }
  return model;
}

} // namespace btc::skel
