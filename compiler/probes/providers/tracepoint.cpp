// tracepoint.cpp: tracepoint:CATEGORY:EVENT. `args` is the event's record, typed from the
// compiling host's format file and read through CO-RE where a BTF struct describes it.
//
// A wildcard stays for the target host unless the probe reads `args`: every matched
// tracepoint has its own record layout, so (as bpftrace 0.17 does) the wildcard is then
// expanded here, against this host's tracefs, into one optional program per tracepoint; where
// the tool runs, a missing one is skipped with a warning.
// Example: `tracepoint:syscalls:sys_enter_exec* { @[args->filename] = count(); }` on a host
// with sys_enter_execve and sys_enter_execveat gives programs tracepoint_0_0, tracepoint_0_1.
#include "probes/providers/providers.h"

#include "btf/tracepoint.h"
#include "btf/tracepoint_types.h"
#include "codegen/core_access.h"
#include "sema/program_info.h"

#include <algorithm>
#include <filesystem>

namespace btc::probes::providers {
namespace {

using ast::Type;

// Tracepoints of this host matching `pattern` ("cat:event" with '*'), sorted.
std::vector<std::string> host_tracepoints(SemaContext& cx, const std::string& pattern,
                                          source::SourceRange r) {
  std::string root = cx.tracefs_root();
  if (root.empty()) {
    if (auto err = btf::ensure_tracefs(root)) {
      cx.error(r, "args with a wildcard tracepoint needs this host's tracefs to expand " + pattern +
                      ": " + llvm::toString(std::move(err)));
      return {};
    }
  }
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& cat : fs::directory_iterator(fs::path(root) / "events", ec)) {
    if (!cat.is_directory(ec)) continue;
    std::string category = cat.path().filename().string();
    for (const auto& ev : fs::directory_iterator(cat.path(), ec)) {
      std::string name = category + ":" + ev.path().filename().string();
      if (!fs::exists(ev.path() / "format", ec)) continue;
      if (wildcard_match(pattern, name)) out.push_back(name);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Tracepoints are resolved where the tool runs; warn when this host does not have one.
void warn_missing(SemaContext& cx, const std::string& target, source::SourceRange r) {
  std::string root = cx.tracefs_root();
  if (root.empty()) {
    if (auto err = btf::ensure_tracefs(root)) {
      llvm::consumeError(std::move(err));
      return;
    }
  }
  auto colon = target.find(':');
  auto fmt = btf::read_tracepoint_format(target.substr(0, colon), target.substr(colon + 1), root);
  if (!fmt) {
    llvm::consumeError(fmt.takeError());
    cx.warning(r, "tracepoint not found on this host: " + target +
                      " (the tool looks for it again where it runs)");
  }
}

class TracepointProvider final : public Provider {
public:
  using Provider::Provider;

  bool parse(const std::vector<std::string_view>& parts, AttachSpec& spec,
             std::string& error) const override {
    if (parts.size() != 3 || parts[1].empty() || parts[2].empty()) {
      error = "tracepoint probe must have a category and an event: tracepoint:CATEGORY:EVENT";
      return false;
    }
    spec.target = std::string(parts[1]) + ":" + std::string(parts[2]);
    spec.wildcard = spec.target.find('*') != std::string::npos;
    spec.text = "tracepoint:" + spec.target;
    return true;
  }

  bool accepts_positionals(AttachSpec& spec, std::string&) const override {
    spec.wildcard = true; // looked up where the tool runs
    return true;
  }

  std::vector<ProgramPlan> expand(AttachSpec spec, const ast::AttachPoint& ap, size_t probe_index,
                                  SemaContext& cx) const override {
    bool reads_args = cx.probe_reads_args(probe_index);
    if (reads_args && abi::has_placeholder(spec.text)) {
      cx.error(ap.range, "btc needs the tracepoint of a probe that reads args when compiling "
                         "(its record layout): a positional parameter is only read when the "
                         "tool starts");
      return {};
    }
    if (spec.wildcard && reads_args && cx.reporting()) {
      auto matches = host_tracepoints(cx, spec.target, ap.range);
      if (matches.empty()) cx.error(ap.range, "tracepoint not found: " + spec.target);
      std::vector<ProgramPlan> plans;
      for (const auto& target : matches) {
        AttachSpec one = spec;
        one.target = target;
        one.text = "tracepoint:" + target;
        one.wildcard = false;
        one.optional = true;
        plans.push_back({std::move(one), "", 0, std::nullopt});
      }
      return plans;
    }
    if (!spec.wildcard && cx.reporting()) warn_missing(cx, spec.target, ap.range);
    return Provider::expand(std::move(spec), ap, probe_index, cx);
  }

  Type args_type(SemaContext& cx, ast::Expr&) const override {
    cx.probe().uses_args = true;
    return Type::simple(ast::TypeKind::Ctx, 8);
  }

  // Typed from the first tracepoint of the block; every other one must have the field too.
  Type args_field(SemaContext& cx, ast::Expr& e, ast::FieldAccess& f) const override {
    const auto& specs = cx.probe().specs;
    Type result = Type::int64();
    bool first = true;
    for (const auto& spec : specs) {
      if (spec.wildcard) {
        cx.error(e.range, "args with a wildcard tracepoint is not supported yet by btc "
                          "(see issue #5)");
        return result;
      }
      const auto* fmt = cx.tracepoint_format(spec.target, e.range);
      if (!fmt) return result;
      auto& formats = cx.info().tracepoint_formats;
      if (!formats.count(spec.target) && cx.btf() && !btf::tracepoint_core_struct(*cx.btf(), *fmt))
        cx.warning(e.range, "no BTF struct describes the record of tracepoint " + spec.target +
                                ": its fields are read at this host's offsets, so the tool is "
                                "only portable to kernels with the same layout");
      formats[spec.target] = *fmt;
      auto it = std::find_if(fmt->fields.begin(), fmt->fields.end(),
                             [&](const btf::TracepointField& tf) { return tf.name == f.field; });
      if (it == fmt->fields.end()) {
        cx.error(e.range, "Struct/union of type 'struct _tracepoint_" +
                              spec.target.substr(0, spec.target.find(':')) + "_" +
                              spec.target.substr(spec.target.find(':') + 1) +
                              "' does not contain a field named '" + f.field + "'");
        return result;
      }
      Type t = cx.preamble_first(btf::tracepoint_field_type(*it, spec.target, cx.btf()));
      if (first) {
        result = t;
        first = false;
      } else if (!ast::same_type(result, t) && !(result.is_integer() && t.is_integer())) {
        cx.error(e.range, "args->" + f.field +
                              " has different types in the tracepoints of this "
                              "block");
      }
    }
    return result;
  }

  // args->NAME: the field of this program's tracepoint record, CO-RE relocated where a BTF
  // struct describes the record; a __data_loc / __rel_loc field is the address of its data.
  llvm::Value* lower_ctx_field(LowerContext& lx, const ast::Expr& e,
                               const ast::FieldAccess& f) const override {
    if (f.base->type.kind != ast::TypeKind::Ctx) return nullptr;
    auto& b = lx.builder();
    const auto& fmt = lx.program_info().tracepoint_formats.at(lx.spec().target);
    auto it = std::find_if(fmt.fields.begin(), fmt.fields.end(),
                           [&](const btf::TracepointField& tf) { return tf.name == f.field; });
    size_t fi = static_cast<size_t>(it - fmt.fields.begin());
    const btf::TracepointField& tf = *it;

    llvm::Value* addr = nullptr;
    std::optional<btf::TracepointCoreInfo> core;
    codegen::CoreTypes* types = lx.core_types();
    if (lx.kernel_btf() && types) core = btf::tracepoint_core_struct(*lx.kernel_btf(), fmt);
    if (core && fi < core->fields.size()) {
      const auto& acc = core->fields[fi];
      addr = types->field_address(b, lx.context(), core->struct_id, acc.path);
      if (acc.array_element)
        addr = types->array_element_address(b, addr, acc.path.type_id, acc.index);
    } else {
      addr = lx.gep(lx.context(), tf.offset);
    }
    if (tf.data_loc || tf.rel_loc) {
      // u32: offset of the data in the record (low 16 bits) | length << 16.
      auto* tmp = lx.stack_buffer(8, "data_loc", true);
      lx.zero_fill(tmp, 8);
      lx.probe_read(tmp, 4, addr, ast::AddrSpace::Kernel);
      llvm::Value* word = b.CreateAlignedLoad(b.getInt64Ty(), tmp, llvm::Align(8));
      llvm::Value* off = b.CreateAnd(word, 0xffff);
      llvm::Value* base = b.CreatePtrToInt(lx.context(), b.getInt64Ty());
      if (tf.rel_loc) base = b.CreateAdd(b.CreatePtrToInt(addr, b.getInt64Ty()), lx.i64(tf.size));
      return b.CreateAdd(base, off);
    }
    // A scalar field is loaded straight from the record, as a hand-written tool does: the
    // verifier checks ctx loads at their (relocated) offset, which is past the 8-byte common
    // header and aligned, so no probe_read helper call per event.
    uint32_t size = static_cast<uint32_t>(tf.size);
    if (!tf.is_array && (e.type.is_integer() || e.type.is_pointer()) && tf.offset >= 8 &&
        (size == 1 || size == 2 || size == 4 || size == 8) && tf.offset % size == 0) {
      llvm::Value* raw = b.CreateAlignedLoad(b.getIntNTy(size * 8), addr, llvm::Align(size));
      if (size == 8) return raw;
      return e.type.is_signed && !e.type.is_pointer() ? b.CreateSExt(raw, b.getInt64Ty())
                                                      : b.CreateZExt(raw, b.getInt64Ty());
    }
    return lx.read_at(addr, e.type, tf.is_array ? 0 : tf.size, e.range, ast::AddrSpace::Kernel,
                      /*bpf_memory=*/false);
  }

  std::string_view retval_hint() const override { return " (try to use args->ret instead)"; }

  Type ctx_type(SemaContext& cx, ast::Expr& e) const override {
    cx.error(e.range, "Use args instead of ctx in tracepoint");
    return Type::none();
  }
};

// clang-format off
const ProbeKindDesc kTracepoint{ProbeKind::Tracepoint, {"t"}, "tracepoint",
    "BPF_PROG_TYPE_TRACEPOINT", {}, ast::AddrSpace::Kernel};
// clang-format on

} // namespace

BTC_PROVIDER(tracepoint, TracepointProvider, kTracepoint)

} // namespace btc::probes::providers
