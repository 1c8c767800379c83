// tracepoint.h: tracepoint record formats (tracefs) and their CO-RE anchors in kernel BTF.
//
// Input: <tracefs>/events/<category>/<event>/format. Output: the fields after the common_*
// ones, and, for CO-RE, which BTF struct describes the record and how to reach each field.
// Example: syscalls:sys_enter_openat -> struct syscall_trace_enter, `filename` = args[1];
// sched:sched_wakeup -> struct trace_event_raw_sched_wakeup_template, `pid` = member 2.
#pragma once

#include "btf/kernel_btf.h"

#include <llvm/Support/Error.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace btc::btf {

struct TracepointField {
  std::string name;
  std::string c_type;       // declared type without the name, array suffix or __data_loc:
                            // "const char *", "char" (for char comm[16]), "char[]" (data_loc)
  uint32_t offset = 0, size = 0;
  bool is_signed = false;
  bool data_loc = false;    // u32 in the record: offset (low 16 bits) | length << 16
  bool rel_loc = false;     // like data_loc, offset relative to the end of this field
  bool is_array = false;    // `char comm[16]`
  uint32_t array_len = 0;
};

struct TracepointFormat {
  std::string category, event;
  std::vector<TracepointField> fields; // common_* fields skipped (as bpftrace does)
};

// Parses the text of a format file (exposed for tests).
llvm::Expected<TracepointFormat> parse_tracepoint_format(std::string_view category,
                                                         std::string_view event,
                                                         std::string_view text);
llvm::Expected<TracepointFormat> read_tracepoint_format(std::string_view category,
                                                        std::string_view event,
                                                        const std::string& tracefs_root);

// Finds a usable tracefs root: /sys/kernel/tracing if its events/ exist, else mounts tracefs
// there (needs root), else /sys/kernel/debug/tracing.
llvm::Error ensure_tracefs(std::string& root_out);

// How one format field is reached through the anchor struct with CO-RE.
struct TracepointFieldAccess {
  std::string name;            // format field name
  FieldPath path;              // member path in the anchor struct (for syscall args: `args`)
  bool array_element = false;  // syscall argument: element `index` of the `args` array
  uint32_t index = 0;
  bool data_loc = false;       // the member is the u32 __data_loc word, not the data
};

struct TracepointCoreInfo {
  uint32_t struct_id = 0;      // BTF struct describing the whole record (incl. trace_entry)
  std::string struct_name;
  std::vector<TracepointFieldAccess> fields; // same order as TracepointFormat::fields
};

std::optional<TracepointCoreInfo> tracepoint_core_struct(const KernelBtf& btf,
                                                         const TracepointFormat& format);

} // namespace btc::btf
