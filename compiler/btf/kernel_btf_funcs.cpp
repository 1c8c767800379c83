// kernel_btf_funcs.cpp: kernel function signatures from BTF, for kfunc/kretfunc probes.
//
// Input: a KernelBtf. Output: FuncProto (parameter names and type ids, return type id) and
// the function names matching a wildcard. Example: func_proto("vfs_read") -> params
// [file: struct file *, buf: char *, count: size_t, pos: loff_t *], ret ssize_t.
#include "btf/kernel_btf.h"

#include "btc/wildcard.h"

#include <bpf/btf.h>

#include <algorithm>

namespace btc::btf {

std::optional<FuncProto> KernelBtf::func_proto(std::string_view name) const {
  int id = btf__find_by_name_kind(btf_, std::string(name).c_str(), BTF_KIND_FUNC);
  if (id <= 0) return std::nullopt;
  const struct btf_type* fn = type_by_id(static_cast<uint32_t>(id));
  const struct btf_type* proto = fn ? type_by_id(fn->type) : nullptr;
  if (!proto || !btf_is_func_proto(proto)) return std::nullopt;
  FuncProto out;
  out.func_id = static_cast<uint32_t>(id);
  out.ret_type_id = proto->type;
  const struct btf_param* p = btf_params(proto);
  for (uint16_t i = 0; i < btf_vlen(proto); ++i) {
    const char* pname = btf__name_by_offset(btf_, p[i].name_off);
    out.params.push_back({pname ? pname : "", p[i].type});
  }
  return out;
}

std::vector<std::string> KernelBtf::funcs_matching(std::string_view pattern) const {
  std::vector<std::string> out;
  uint32_t n = btf__type_cnt(btf_);
  for (uint32_t id = 1; id < n; ++id) {
    const struct btf_type* t = type_by_id(id);
    if (!t || !btf_is_func(t)) continue;
    const char* name = btf__name_by_offset(btf_, t->name_off);
    if (name && wildcard_match(pattern, name)) out.emplace_back(name);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

} // namespace btc::btf
