// skeleton/emit_header.cpp: renders a SkeletonModel as a bpftool-style <name>.skel.h.
//
// Input: SkeletonModel + object bytes. Output: header text. For an object "tool" with a ring
// buffer "events", a .rodata holding `struct btc_config btc_config` and a program "tp_x":
//   struct tool { ...; struct { struct bpf_map *events; struct bpf_map *rodata; } maps;
//                 struct { struct bpf_program *tp_x; } progs; struct { ... } links;
//                 struct tool__rodata { struct btc_config btc_config; } *rodata; };
//   static inline struct tool *tool__open_opts(const struct bpf_object_open_opts *opts); ...
// The function bodies only call libbpf's public skeleton API (bpf_object__open_skeleton...).
#include "emit_header.h"

#include <cctype>
#include <cstdio>

namespace btc::skel {
namespace {

std::string upper(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Every global-data map gets a typed pointer to its memory, as bpftool 7.1 does. libbpf only
// keeps the pointer after load when the map is mmapable (it sets it to NULL otherwise, e.g.
// for .rodata.str1.1 without variables), so this is safe with any libbpf 1.x.
bool has_datasec(const MapModel& m) { return m.internal; }

// `struct <name>__<ident> { <vars, with padding where natural alignment would misplace a
// variable> } *<ident>;` (an empty struct for a section without variables, like bpftool).
void emit_datasec_struct(std::string& out, const std::string& obj, const MapModel& m) {
  out += "\tstruct " + obj + "__" + m.ident + " {\n";
  uint32_t off = 0;
  int pad_cnt = 0;
  for (const DatasecVar& v : m.vars) {
    uint32_t aligned = (off + v.align - 1) / v.align * v.align;
    if (v.offset > off && aligned != v.offset) {
      out += "\t\tchar __pad" + std::to_string(pad_cnt++) + "[" +
             std::to_string(v.offset - off) + "];\n";
    }
    out += "\t\t" + v.c_decl + ";\n";
    off = v.offset + v.size;
  }
  out += "\t} *" + m.ident + ";\n";
}

void emit_struct(std::string& out, const std::string& obj, const SkeletonModel& model) {
  out += "struct " + obj + " {\n";
  out += "\tstruct bpf_object_skeleton *skeleton;\n";
  out += "\tstruct bpf_object *obj;\n";
  if (!model.maps.empty()) {
    out += "\tstruct {\n";
    for (const MapModel& m : model.maps)
      out += "\t\tstruct bpf_map *" + m.ident + ";\n";
    out += "\t} maps;\n";
  }
  if (!model.progs.empty()) {
    out += "\tstruct {\n";
    for (const ProgModel& p : model.progs)
      out += "\t\tstruct bpf_program *" + skeleton_ident(p.name) + ";\n";
    out += "\t} progs;\n";
    out += "\tstruct {\n";
    for (const ProgModel& p : model.progs)
      out += "\t\tstruct bpf_link *" + skeleton_ident(p.name) + ";\n";
    out += "\t} links;\n";
  }
  for (const MapModel& m : model.maps)
    if (has_datasec(m))
      emit_datasec_struct(out, obj, m);
  out += "\n#ifdef __cplusplus\n";
  out += "\tstatic inline struct " + obj +
         " *open(const struct bpf_object_open_opts *opts = nullptr);\n";
  out += "\tstatic inline struct " + obj + " *open_and_load();\n";
  out += "\tstatic inline int load(struct " + obj + " *skel);\n";
  out += "\tstatic inline int attach(struct " + obj + " *skel);\n";
  out += "\tstatic inline void detach(struct " + obj + " *skel);\n";
  out += "\tstatic inline void destroy(struct " + obj + " *skel);\n";
  out += "\tstatic inline const void *elf_bytes(size_t *sz);\n";
  out += "#endif /* __cplusplus */\n";
  out += "};\n\n";
}

void emit_lifecycle(std::string& out, const std::string& obj) {
  const std::string s = "struct " + obj;
  out += "static void\n" + obj + "__destroy(" + s + " *obj)\n{\n"
         "\tif (!obj)\n\t\treturn;\n"
         "\tif (obj->skeleton)\n\t\tbpf_object__destroy_skeleton(obj->skeleton);\n"
         "\tfree(obj);\n}\n\n";
  out += "static inline int\n" + obj + "__create_skeleton(" + s + " *obj);\n\n";
  out += "static inline " + s + " *\n" + obj +
         "__open_opts(const struct bpf_object_open_opts *opts)\n{\n"
         "\t" + s + " *obj;\n\tint err;\n\n"
         "\tobj = (" + s + " *)calloc(1, sizeof(*obj));\n"
         "\tif (!obj) {\n\t\terrno = ENOMEM;\n\t\treturn NULL;\n\t}\n\n"
         "\terr = " + obj + "__create_skeleton(obj);\n\tif (err)\n\t\tgoto err_out;\n\n"
         "\terr = bpf_object__open_skeleton(obj->skeleton, opts);\n"
         "\tif (err)\n\t\tgoto err_out;\n\n"
         "\treturn obj;\nerr_out:\n\t" + obj + "__destroy(obj);\n\terrno = -err;\n"
         "\treturn NULL;\n}\n\n";
  out += "static inline " + s + " *\n" + obj + "__open(void)\n{\n"
         "\treturn " + obj + "__open_opts(NULL);\n}\n\n";
  out += "static inline int\n" + obj + "__load(" + s + " *obj)\n{\n"
         "\treturn bpf_object__load_skeleton(obj->skeleton);\n}\n\n";
  out += "static inline " + s + " *\n" + obj + "__open_and_load(void)\n{\n"
         "\t" + s + " *obj;\n\tint err;\n\n"
         "\tobj = " + obj + "__open();\n\tif (!obj)\n\t\treturn NULL;\n"
         "\terr = " + obj + "__load(obj);\n"
         "\tif (err) {\n\t\t" + obj + "__destroy(obj);\n\t\terrno = -err;\n"
         "\t\treturn NULL;\n\t}\n\treturn obj;\n}\n\n";
  out += "static inline int\n" + obj + "__attach(" + s + " *obj)\n{\n"
         "\treturn bpf_object__attach_skeleton(obj->skeleton);\n}\n\n";
  out += "static inline void\n" + obj + "__detach(" + s + " *obj)\n{\n"
         "\tbpf_object__detach_skeleton(obj->skeleton);\n}\n\n";
  out += "static inline const void *" + obj + "__elf_bytes(size_t *sz);\n\n";
}

// Fills the bpf_object_skeleton tables that libbpf's skeleton API walks.
void emit_create_skeleton(std::string& out, const std::string& obj, const SkeletonModel& m) {
  out += "static inline int\n" + obj + "__create_skeleton(struct " + obj + " *obj)\n{\n"
         "\tstruct bpf_object_skeleton *s;\n\tint err;\n\n"
         "\ts = (struct bpf_object_skeleton *)calloc(1, sizeof(*s));\n"
         "\tif (!s) {\n\t\terr = -ENOMEM;\n\t\tgoto err;\n\t}\n\n"
         "\ts->sz = sizeof(*s);\n"
         "\ts->name = \"" + m.name + "\";\n"
         "\ts->obj = &obj->obj;\n";
  if (!m.maps.empty()) {
    out += "\n\t/* maps */\n\ts->map_cnt = " + std::to_string(m.maps.size()) + ";\n"
           "\ts->map_skel_sz = sizeof(*s->maps);\n"
           "\ts->maps = (struct bpf_map_skeleton *)calloc(s->map_cnt, s->map_skel_sz);\n"
           "\tif (!s->maps) {\n\t\terr = -ENOMEM;\n\t\tgoto err;\n\t}\n";
    for (size_t i = 0; i < m.maps.size(); ++i) {
      const MapModel& map = m.maps[i];
      const std::string e = "\ts->maps[" + std::to_string(i) + "].";
      out += "\n" + e + "name = \"" + map.name + "\";\n";
      out += e + "map = &obj->maps." + map.ident + ";\n";
      if (has_datasec(map))
        out += e + "mmaped = (void **)&obj->" + map.ident + ";\n";
    }
  }
  if (!m.progs.empty()) {
    out += "\n\t/* programs */\n\ts->prog_cnt = " + std::to_string(m.progs.size()) + ";\n"
           "\ts->prog_skel_sz = sizeof(*s->progs);\n"
           "\ts->progs = (struct bpf_prog_skeleton *)calloc(s->prog_cnt, s->prog_skel_sz);\n"
           "\tif (!s->progs) {\n\t\terr = -ENOMEM;\n\t\tgoto err;\n\t}\n";
    for (size_t i = 0; i < m.progs.size(); ++i) {
      const std::string id = skeleton_ident(m.progs[i].name);
      const std::string e = "\ts->progs[" + std::to_string(i) + "].";
      out += "\n" + e + "name = \"" + m.progs[i].name + "\";\n";
      out += e + "prog = &obj->progs." + id + ";\n";
      out += e + "link = &obj->links." + id + ";\n";
    }
  }
  out += "\n\ts->data = (void *)" + obj + "__elf_bytes(&s->data_sz);\n\n"
         "\tobj->skeleton = s;\n\treturn 0;\nerr:\n"
         "\tbpf_object__destroy_skeleton(s);\n\treturn err;\n}\n\n";
}

// The object as one string literal of escapes ("\0" for zero bytes), ~78 columns a line.
void emit_elf_bytes(std::string& out, const std::string& obj, std::span<const uint8_t> bytes) {
  out += "static inline const void *" + obj + "__elf_bytes(size_t *sz)\n{\n";
  out += "\t*sz = " + std::to_string(bytes.size()) + ";\n";
  out += "\treturn (const void *)\"\\\n";
  size_t col = 0;
  char esc[8];
  for (uint8_t b : bytes) {
    int n = b == 0 ? std::snprintf(esc, sizeof(esc), "\\0")
                   : std::snprintf(esc, sizeof(esc), "\\x%02x", b);
    if (col + static_cast<size_t>(n) > 78) {
      out += "\\\n";
      col = 0;
    }
    out.append(esc, static_cast<size_t>(n));
    col += static_cast<size_t>(n);
  }
  out += "\";\n}\n\n";
}

void emit_cxx_wrappers(std::string& out, const std::string& obj) {
  const std::string s = "struct " + obj;
  out += "#ifdef __cplusplus\n";
  out += s + " *" + obj + "::open(const struct bpf_object_open_opts *opts) { return " + obj +
         "__open_opts(opts); }\n";
  out += s + " *" + obj + "::open_and_load() { return " + obj + "__open_and_load(); }\n";
  out += "int " + obj + "::load(" + s + " *skel) { return " + obj + "__load(skel); }\n";
  out += "int " + obj + "::attach(" + s + " *skel) { return " + obj + "__attach(skel); }\n";
  out += "void " + obj + "::detach(" + s + " *skel) { " + obj + "__detach(skel); }\n";
  out += "void " + obj + "::destroy(" + s + " *skel) { " + obj + "__destroy(skel); }\n";
  out += "const void *" + obj + "::elf_bytes(size_t *sz) { return " + obj +
         "__elf_bytes(sz); }\n";
  out += "#endif /* __cplusplus */\n\n";
}

// Compile-time checks that the host's view of each variable has the BPF side's size.
void emit_assert(std::string& out, const std::string& obj, const SkeletonModel& m) {
  out += "__attribute__((unused)) static void\n" + obj + "__assert(struct " + obj +
         " *s __attribute__((unused)))\n{\n"
         "#ifdef __cplusplus\n#define _Static_assert static_assert\n#endif\n";
  for (const MapModel& map : m.maps) {
    if (!has_datasec(map))
      continue;
    for (const DatasecVar& v : map.vars)
      out += "\t_Static_assert(sizeof(s->" + map.ident + "->" + v.name +
             ") == " + std::to_string(v.size) + ", \"unexpected size of '" + v.name + "'\");\n";
  }
  out += "#ifdef __cplusplus\n#undef _Static_assert\n#endif\n}\n\n";
}

} // namespace

std::string emit_header(const SkeletonModel& model, std::span<const uint8_t> obj) {
  const std::string ident = skeleton_ident(model.name);
  const std::string guard = "__" + upper(ident) + "_SKEL_H__";
  std::string out;
  out.reserve(obj.size() * 4 + 8192);
  out += "/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */\n\n";
  out += "/* THIS FILE IS AUTOGENERATED BY BTC (bpftool-compatible skeleton)! */\n";
  out += "#ifndef " + guard + "\n#define " + guard + "\n\n";
  out += "#include <errno.h>\n#include <stdlib.h>\n#include <bpf/libbpf.h>\n\n";
  if (!model.type_defs.empty()) {
    out += model.type_defs;
    while (out.ends_with("\n\n"))
      out.pop_back();
    out += "\n";
  }
  emit_struct(out, ident, model);
  emit_lifecycle(out, ident);
  emit_create_skeleton(out, ident, model);
  emit_elf_bytes(out, ident, obj);
  emit_cxx_wrappers(out, ident);
  emit_assert(out, ident, model);
  out += "#endif /* " + guard + " */\n";
  return out;
}

} // namespace btc::skel
