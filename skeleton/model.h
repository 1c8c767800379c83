// skeleton/model.h: what a BPF object looks like to user space, read through libbpf.
//
// Input: the BPF ELF bytes produced by codegen and the object (tool) name. Output: a
// SkeletonModel listing the maps (with the variables of the .rodata/.data/.bss datasec maps)
// and the programs, in libbpf's order, with the names libbpf will give them at run time.
// The object is only opened (bpf_object__open_mem), never loaded, so this works unprivileged
// and without kernel BTF.
//
// Example: an object named "opensnoop" with a ".rodata" section holding `btc_config` gives
//   maps = [{name "events", ident "events", type RINGBUF}, {name "opensnoop.rodata",
//            ident "rodata", internal, vars [{btc_config, offset 0, size 32}]}]
//   progs = [{name "tp_openat", section "tracepoint/syscalls/sys_enter_openat", ...}]
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <llvm/Support/Error.h>

struct bpf_object;

namespace btc::skel {

// One global variable of a datasec map (.rodata, .data, .bss, .kconfig).
struct DatasecVar {
  std::string name;
  uint32_t offset = 0;
  uint32_t size = 0;
  uint32_t align = 1;       // alignment of the variable's type
  std::string c_decl;       // C declaration with modifiers stripped: "struct btc_config btc_config"
};

struct MapModel {
  std::string name;         // libbpf's name: "events", or "<obj>.rodata" for internal maps
  std::string ident;        // C identifier in the skeleton: "events", "rodata"
  uint32_t type = 0;        // enum bpf_map_type
  std::string type_name;    // libbpf_bpf_map_type_str(): "ringbuf", "array", ...
  uint32_t key_size = 0;
  uint32_t value_size = 0;
  uint32_t max_entries = 0;
  uint32_t flags = 0;       // map_flags
  bool internal = false;    // a global-data map libbpf creates from a data section
  bool mmapable = false;    // internal map with BPF_F_MMAPABLE (libbpf: it has global vars)
  std::string section;      // internal maps: the ELF section (".rodata"); empty otherwise
  std::vector<DatasecVar> vars; // internal maps: globally visible variables, by offset
};

struct ProgModel {
  std::string name;         // function name
  std::string section;      // ELF section: "tracepoint/syscalls/sys_enter_openat", "raw_tp"
  uint32_t type = 0;        // enum bpf_prog_type
  std::string type_name;    // libbpf_bpf_prog_type_str(): "tracepoint", "raw_tracepoint", ...
};

struct SkeletonModel {
  std::string name;         // object name, as given to libbpf (object_name open option)
  std::vector<MapModel> maps;
  std::vector<ProgModel> progs;
  // C definitions of the named types the datasec variables use (struct btc_config {...};),
  // in dependency order, so the skeleton header is self-contained.
  std::string type_defs;
};

// The C identifier used for an object/map/program name: every character outside
// [A-Za-z0-9_] becomes '_' ("my-tool" -> "my_tool").
std::string skeleton_ident(std::string_view name);

struct BpfObjectDeleter {
  void operator()(bpf_object* obj) const;
};
using BpfObjectPtr = std::unique_ptr<bpf_object, BpfObjectDeleter>;

// Opens `obj` with libbpf under the object name `name` without loading it. libbpf's messages
// are captured into the returned error instead of being printed.
llvm::Expected<BpfObjectPtr> open_object(std::span<const uint8_t> obj, const std::string& name);

// Builds the model of `obj` (see the banner). Fails with libbpf's diagnostics when the ELF is
// not a valid BPF object.
llvm::Expected<SkeletonModel> build_model(std::span<const uint8_t> obj, const std::string& name);

} // namespace btc::skel
