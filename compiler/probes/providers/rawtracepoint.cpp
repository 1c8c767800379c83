// rawtracepoint.cpp: rawtracepoint:EVENT / rawtracepoint:MODULE:EVENT (raw_tp programs).
// argN are the event's raw arguments (an array of u64, not registers: arg6 and above too);
// args->NAME is typed from the event's BTF `btf_trace_EVENT` prototype.
// Example: "rt:sched_switch" -> func "sched_switch", section "raw_tp".
#include "probes/providers/providers.h"

#include "probes/parse_util.h"

namespace btc::probes::providers {
namespace {

class RawTracepointProvider final : public Provider {
public:
  using Provider::Provider;

  bool parse(const std::vector<std::string_view>& parts, AttachSpec& spec,
             std::string& error) const override {
    if (parts.size() < 2 || parts.back().empty()) {
      error = "rawtracepoint probe must have an event name";
      return false;
    }
    spec.func = std::string(parts.back());
    if (parts.size() == 3) spec.target = std::string(parts[1]);
    spec.wildcard = spec.func.find('*') != std::string::npos;
    spec.text = "rawtracepoint:" + (spec.target.empty() ? "" : spec.target + ":") + spec.func;
    return true;
  }

  bool accepts_positionals(AttachSpec& spec, std::string& error) const override {
    return name_from_positional(spec, error);
  }

  ast::Type args_type(SemaContext&, ast::Expr&) const override {
    return ast::Type::simple(ast::TypeKind::Ctx, 8); // fields typed by args_field
  }

  ast::Type args_field(SemaContext& cx, ast::Expr& e, ast::FieldAccess& f) const override {
    return btf_args_field(cx, e, f);
  }

  std::optional<std::string> arg_index_error(uint32_t, const std::string&,
                                             const targets::Target&) const override {
    return std::nullopt;
  }

  bool arg_array_ctx(bool) const override { return true; }

  // Raw tracepoint links take no cookie (before Linux 6.10): always one program copy each.
  bool attach_cookies() const override { return false; }

  llvm::Value* lower_ctx_field(LowerContext& lx, const ast::Expr& e,
                               const ast::FieldAccess& f) const override {
    return lower_btf_args_field(*this, lx, e, f);
  }
};

// clang-format off
const ProbeKindDesc kRawTracepoint{ProbeKind::RawTracepoint, {"rt"}, "raw_tp",
    "BPF_PROG_TYPE_RAW_TRACEPOINT", {.argn = true, .module_btf = true}, ast::AddrSpace::Kernel};
// clang-format on

} // namespace

BTC_PROVIDER(rawtracepoint, RawTracepointProvider, kRawTracepoint)

} // namespace btc::probes::providers
