// tracepoint_core.cpp: finds the BTF struct that describes a tracepoint record, so codegen can
// read tracepoint fields with CO-RE relocations instead of build-host offsets.
//
// Input: a TracepointFormat and kernel BTF. Output: TracepointCoreInfo.
// Example: syscalls:sys_enter_openat {dfd, filename, flags, mode} -> syscall_trace_enter,
// dfd = args[0] ... mode = args[3]; sched:sched_wakeup {comm, pid, prio, target_cpu} ->
// trace_event_raw_sched_wakeup_template (events of a class share the class's struct, so when
// trace_event_raw_<event> is missing every trace_event_raw_* struct is tried and the one whose
// member names and offsets match the format exactly wins).
#include "btf/tracepoint.h"

#include <bpf/btf.h>

namespace btc::btf {

namespace {

std::optional<TracepointCoreInfo> syscall_core(const KernelBtf& btf,
                                               const TracepointFormat& format) {
  bool enter = format.event.starts_with("sys_enter_");
  bool exit = format.event.starts_with("sys_exit_");
  if (!enter && !exit)
    return std::nullopt;
  const char* struct_name = enter ? "syscall_trace_enter" : "syscall_trace_exit";
  auto id = btf.find_record(struct_name);
  if (!id)
    return std::nullopt;
  TracepointCoreInfo info{*id, struct_name, {}};
  uint32_t arg_index = 0;
  for (const TracepointField& f : format.fields) {
    TracepointFieldAccess a;
    a.name = f.name;
    std::optional<FieldPath> p;
    if (f.name == "__syscall_nr") {
      p = btf.find_field(*id, "nr");
    } else if (enter) {
      p = btf.find_field(*id, "args");
      a.array_element = true;
      a.index = arg_index++;
    } else {
      p = btf.find_field(*id, f.name); // sys_exit_*: `ret`
    }
    if (!p)
      return std::nullopt;
    a.path = std::move(*p);
    info.fields.push_back(std::move(a));
  }
  return info;
}

// The record member holding a format field: data_loc fields are `u32 __data_loc_<name>`.
std::string member_name(const TracepointField& f) {
  if (f.data_loc)
    return "__data_loc_" + f.name;
  if (f.rel_loc)
    return "__rel_loc_" + f.name;
  return f.name;
}

// by_name: the struct named after the event is trusted when every format field exists in it
// (the target kernel may lay it out differently: that is what CO-RE fixes). Structs shared by
// an event class (trace_event_raw_<class>) are found by exact layout instead.
std::optional<TracepointCoreInfo> match_struct(const KernelBtf& btf, uint32_t id,
                                               const TracepointFormat& format, bool by_name) {
  const struct btf_type* t = btf.type_by_id(id);
  if (!t || !btf_is_struct(t))
    return std::nullopt;
  // Every member except the header and the trailing __data[] must be a format field.
  size_t payload_members = 0;
  const struct btf_member* m = btf_members(t);
  for (uint16_t i = 0; i < btf_vlen(t); ++i) {
    std::string_view n = btf__name_by_offset(btf.raw(), m[i].name_off);
    if (n != "ent" && n != "__data")
      ++payload_members;
  }
  if (payload_members != format.fields.size())
    return std::nullopt;
  TracepointCoreInfo info{id, btf.name_of(id), {}};
  for (const TracepointField& f : format.fields) {
    auto p = btf.find_field(id, member_name(f));
    if (!p || (!by_name && p->offset != f.offset))
      return std::nullopt;
    TracepointFieldAccess a;
    a.name = f.name;
    a.path = std::move(*p);
    a.data_loc = f.data_loc || f.rel_loc;
    info.fields.push_back(std::move(a));
  }
  return info;
}

} // namespace

std::optional<TracepointCoreInfo> tracepoint_core_struct(const KernelBtf& btf,
                                                         const TracepointFormat& format) {
  if (format.category == "syscalls")
    return syscall_core(btf, format);
  if (auto id = btf.find_record("trace_event_raw_" + format.event))
    if (auto info = match_struct(btf, *id, format, /*by_name=*/true))
      return info;
  for (uint32_t id : btf.structs_with_prefix("trace_event_raw_"))
    if (auto info = match_struct(btf, id, format, /*by_name=*/false))
      return info;
  return std::nullopt;
}

} // namespace btc::btf
