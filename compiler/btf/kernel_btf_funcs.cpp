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

std::optional<FuncProto> KernelBtf::raw_tracepoint_proto(std::string_view event) const {
  // The typedef `btf_trace_EVENT` has the argument types but no names; the probe function
  // `__bpf_trace_CLASS` (CLASS = EVENT, or the event class it shares) has both.
  auto drop_data = [](FuncProto p) {
    if (!p.params.empty()) p.params.erase(p.params.begin()); // void *__data
    p.ret_type_id = 0;
    return p;
  };
  if (auto p = func_proto("__bpf_trace_" + std::string(event)); p && !p->params.empty())
    return drop_data(std::move(*p));
  std::string name = "btf_trace_" + std::string(event);
  int id = btf__find_by_name_kind(btf_, name.c_str(), BTF_KIND_TYPEDEF);
  if (id <= 0) return std::nullopt;
  const struct btf_type* ptr = type_by_id(resolve(static_cast<uint32_t>(id)));
  const struct btf_type* proto = ptr && btf_is_ptr(ptr) ? type_by_id(ptr->type) : nullptr;
  if (!proto || !btf_is_func_proto(proto) || btf_vlen(proto) == 0) return std::nullopt;
  std::vector<uint32_t> types;
  const struct btf_param* tp = btf_params(proto);
  for (uint16_t i = 0; i < btf_vlen(proto); ++i) types.push_back(tp[i].type);
  // Several classes can share the argument types (sched_process_template and
  // sched_wakeup_template both take a task): the class named most like the event wins
  // (sched_wakeup_new -> sched_wakeup_template), as kernel event classes are named.
  constexpr std::string_view kPrefix = "__bpf_trace_";
  std::string best;
  size_t best_common = 0;
  for (uint32_t fid = 1, n = btf__type_cnt(btf_); fid < n; ++fid) {
    const struct btf_type* fn = type_by_id(fid);
    if (!btf_is_func(fn)) continue;
    std::string fname = name_of(fid);
    if (!fname.starts_with(kPrefix)) continue;
    const struct btf_type* fp = type_by_id(fn->type);
    if (!fp || !btf_is_func_proto(fp) || btf_vlen(fp) != types.size()) continue;
    const struct btf_param* pp = btf_params(fp);
    bool same = true;
    for (uint16_t i = 0; i < btf_vlen(fp) && same; ++i) same = pp[i].type == types[i];
    if (!same) continue;
    std::string_view cls = std::string_view(fname).substr(kPrefix.size());
    size_t common = 0;
    while (common < cls.size() && common < event.size() && cls[common] == event[common]) ++common;
    if (best.empty() || common > best_common) {
      best = fname;
      best_common = common;
    }
  }
  if (best.empty()) return std::nullopt;
  return drop_data(*func_proto(best));
}

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
