// special.cpp: BEGIN and END. Each runs once through BPF_PROG_TEST_RUN (BEGIN before the
// other probes attach, END after they detach), so neither has the event guard, an attach
// point to parse, or a context. As in bpftrace 0.2x a script may have several of each (0.17
// refused a second one); they run in script order.
#include "probes/providers/providers.h"

namespace btc::probes::providers {
namespace {

constexpr std::string_view kRawTpProg = "BPF_PROG_TYPE_RAW_TRACEPOINT";

class SpecialProvider final : public Provider {
public:
  using Provider::Provider;

  bool parse(const std::vector<std::string_view>&, AttachSpec& spec, std::string&) const override {
    spec.text = name();
    return true;
  }

  ast::Type args_type(SemaContext& cx, ast::Expr& e) const override {
    cx.error(e.range, "The args builtin can only be used with tracepoint/kfunc/uprobeprobes "
                      "(special used here)");
    return ast::Type::none();
  }

  ast::Type ctx_type(SemaContext& cx, ast::Expr& e) const override {
    cx.error(e.range, "The ctx builtin can not be used with '" + name() + "' probes");
    return ast::Type::none();
  }

  void prologue(LowerContext&) const override {} // runs once, even while stopping
};

// clang-format off
const ProbeKindDesc kBegin{ProbeKind::Begin, {}, "raw_tp", kRawTpProg, {.signal = false},
    ast::AddrSpace::None, "special"};
const ProbeKindDesc kEnd{ProbeKind::End, {}, "raw_tp", kRawTpProg, {.signal = false},
    ast::AddrSpace::None, "special"};
// clang-format on

} // namespace

BTC_PROVIDER(begin, SpecialProvider, kBegin)
BTC_PROVIDER(end, SpecialProvider, kEnd)

} // namespace btc::probes::providers
