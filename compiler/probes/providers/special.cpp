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

// self:signal:SIGUSR1 (bpftrace 0.2x): run like BEGIN, each time the tool gets SIGUSR1 (the
// map dump 0.17 does on SIGUSR1 is then left to the script).
class SelfSignalProvider final : public Provider {
public:
  using Provider::Provider;

  bool parse(const std::vector<std::string_view>& parts, AttachSpec& spec,
             std::string& error) const override {
    if (parts.size() != 3 || parts[1] != "signal" || parts[2] != "SIGUSR1") {
      error = "self probes take the form self:signal:SIGUSR1 (the only signal bpftrace "
              "supports)";
      return false;
    }
    spec.target = "SIGUSR1";
    spec.text = "self:signal:SIGUSR1";
    return true;
  }

  ast::Type args_type(SemaContext& cx, ast::Expr& e) const override {
    cx.error(e.range, "The args builtin can not be used with 'self' probes");
    return ast::Type::none();
  }

  ast::Type ctx_type(SemaContext& cx, ast::Expr& e) const override {
    cx.error(e.range, "The ctx builtin can not be used with 'self' probes");
    return ast::Type::none();
  }

  void prologue(LowerContext&) const override {} // runs on request, even while stopping
};

// test:NAME and bench:NAME (bpftrace 0.26): run by the tool's --test / --bench with
// BPF_PROG_TEST_RUN as XDP programs (the program type that runs repeatedly and reports its
// time), so their bodies use what every program type may: maps, printf, rand, nsecs.
class TestBenchProvider final : public Provider {
public:
  using Provider::Provider;

  bool parse(const std::vector<std::string_view>& parts, AttachSpec& spec,
             std::string& error) const override {
    if (parts.size() != 2 || parts[1].empty()) {
      error = name() + " probes take the form " + name() + ":NAME";
      return false;
    }
    spec.target = std::string(parts[1]);
    spec.text = name() + ":" + spec.target;
    return true;
  }

  ast::Type args_type(SemaContext& cx, ast::Expr& e) const override {
    cx.error(e.range, "The args builtin can not be used with '" + name() + "' probes");
    return ast::Type::none();
  }

  ast::Type ctx_type(SemaContext& cx, ast::Expr& e) const override {
    cx.error(e.range, "The ctx builtin can not be used with '" + name() + "' probes");
    return ast::Type::none();
  }

  void prologue(LowerContext&) const override {} // run on request, no task to filter
};

constexpr std::string_view kXdpProg = "BPF_PROG_TYPE_XDP";

// clang-format off
const ProbeKindDesc kTest{ProbeKind::Test, {}, "xdp", kXdpProg, {.signal = false},
    ast::AddrSpace::None};
const ProbeKindDesc kBench{ProbeKind::Bench, {}, "xdp", kXdpProg, {.signal = false},
    ast::AddrSpace::None, "benchmark"};
const ProbeKindDesc kSelfSignal{ProbeKind::SelfSignal, {}, "raw_tp", kRawTpProg,
    {.signal = false}, ast::AddrSpace::None};
const ProbeKindDesc kBegin{ProbeKind::Begin, {}, "raw_tp", kRawTpProg, {.signal = false},
    ast::AddrSpace::None, "special"};
const ProbeKindDesc kEnd{ProbeKind::End, {}, "raw_tp", kRawTpProg, {.signal = false},
    ast::AddrSpace::None, "special"};
// clang-format on

} // namespace

BTC_PROVIDER(begin, SpecialProvider, kBegin)
BTC_PROVIDER(end, SpecialProvider, kEnd)
BTC_PROVIDER(self_signal, SelfSignalProvider, kSelfSignal)
BTC_PROVIDER(test, TestBenchProvider, kTest)
BTC_PROVIDER(bench, TestBenchProvider, kBench)

} // namespace btc::probes::providers
