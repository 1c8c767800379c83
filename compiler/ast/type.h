// type.h: the types sema assigns to expressions, variables and map values.
//
// A Type is a small value: a kind, a size in bytes, signedness for integers, and children for
// tuples (elements), pointers/arrays (pointee/element) and records (fields, resolved from BTF
// or preamble definitions). Aggregation kinds (count, hist, ...) only appear as map values.
// Example: `(1, "ab")` has Type{Tuple, size 16, elems [int64, string[3]]} (elements 8-aligned).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace btc::ast {

// Which memory a value points into (integers and pointers), or where a record, array or string
// reached through a pointer lives: bpftrace's address spaces. The probe kind decides (arguments
// of uprobes point into the traced process), casts and arithmetic keep it, kptr()/uptr()
// override it. Reads use bpf_probe_read_kernel / _user; None (probes whose context says nothing,
// e.g. profile or interval) uses the legacy bpf_probe_read, which on x86-64 picks by address, as
// 0.17 does.
enum class AddrSpace : uint8_t { None, Kernel, User };

enum class TypeKind {
  None, // void (statements, printf(...)) or not yet typed
  Integer,
  String, // char[size], NUL-terminated when shorter
  Buffer, // buf(): u8 length + bytes
  Tuple,
  Record, // struct / union (from BTF or the preamble)
  Array,  // C array from a record field
  Pointer,
  Ctx, // the raw program context (args pointer of a tracepoint, ctx)
  // Printable-only special values.
  Ksym,
  Usym,
  Inet,
  Username,
  Probe,
  Kstack,
  Ustack,
  Timestamp,
  MacAddr,
  CgroupPath,
  Strerror,
  // Aggregation map values.
  Count,
  Sum,
  Min,
  Max,
  Avg,
  Stats,
  Hist,
  Lhist,
  Tseries,
};

struct Type;
using TypePtr = std::shared_ptr<const Type>;

struct RecordField {
  std::string name;
  uint32_t offset = 0;      // bytes (build-host BTF / preamble layout; CO-RE fixes kernel ones)
  uint32_t bitfield_offset = 0, bitfield_size = 0; // bits; size 0: not a bitfield
  TypePtr type;
};

struct Type {
  TypeKind kind = TypeKind::None;
  uint32_t size = 0;
  bool is_signed = false;           // Integer; Sum/Min/Max of signed values
  bool is_bool = false;             // Integer: a 0.2x boolean (true/false), printed as such
  AddrSpace as = AddrSpace::None;   // Integer/Pointer: what it points into; else where it lives
  // Pointer/Record: the program's context (`ctx`, a cast of it, a record inside it): read with
  // direct loads at fixed offsets, which the verifier rewrites (perf-event contexts are not
  // laid out as their struct says).
  bool context = false;
  std::vector<Type> elems;          // Tuple elements
  std::vector<uint32_t> elem_offsets; // Tuple element offsets
  std::vector<std::string> elem_names; // a record value (0.2x `(a = 1, b = 2)`): field names
  TypePtr pointee;                  // Pointer target, Array element
  uint32_t count = 0;               // Array length
  std::string name;                 // Record: struct tag; Ctx: tracepoint name
  bool is_union = false;
  uint32_t btf_id = 0;              // Record/Pointer-to-record: id in the kernel BTF (0: preamble)
  std::vector<RecordField> fields;  // Record
  int64_t lhist_min = 0, lhist_max = 0, lhist_step = 0; // Lhist parameters
  // Tseries parameters: interval (ns), number of intervals, abi::TseriesAgg as a number.
  uint64_t tseries_interval = 0;
  uint32_t tseries_intervals = 0;
  uint8_t tseries_agg = 0;

  static Type none() { return {}; }
  static Type integer(uint32_t bytes, bool is_signed) {
    Type t;
    t.kind = TypeKind::Integer;
    t.size = bytes;
    t.is_signed = is_signed;
    return t;
  }
  static Type int64() { return integer(8, true); }
  static Type boolean() {
    Type t = integer(1, false);
    t.is_bool = true;
    return t;
  }
  Type in(AddrSpace space) const {
    Type t = *this;
    t.as = space;
    return t;
  }
  static Type uint64() { return integer(8, false); }
  static Type string(uint32_t bytes) {
    Type t;
    t.kind = TypeKind::String;
    t.size = bytes;
    return t;
  }
  static Type simple(TypeKind k, uint32_t bytes) {
    Type t;
    t.kind = k;
    t.size = bytes;
    return t;
  }

  bool is_integer() const { return kind == TypeKind::Integer; }
  bool is_string() const { return kind == TypeKind::String; }
  bool is_pointer() const { return kind == TypeKind::Pointer; }
  bool is_aggregation() const {
    switch (kind) {
    case TypeKind::Count: case TypeKind::Sum: case TypeKind::Min: case TypeKind::Max:
    case TypeKind::Avg: case TypeKind::Stats: case TypeKind::Hist: case TypeKind::Lhist:
    case TypeKind::Tseries:
      return true;
    default:
      return false;
    }
  }
};

// bpftrace-style spelling used in diagnostics: "int64", "unsigned int8", "string[2]",
// "(int64,string[2])", "count", "struct task_struct *".
std::string type_name(const Type& t);
// Structural equality (sizes, signedness, element types; record identity by name).
bool same_type(const Type& a, const Type& b);

} // namespace btc::ast
