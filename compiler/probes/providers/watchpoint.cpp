// watchpoint.cpp: watchpoint:ADDR:LEN:MODE, watchpoint:FUNC+argN:LEN:MODE and
// asyncwatchpoint:FUNC+argN:LEN:MODE (grammar in watchpoint.h).
//
// The FUNC+argN form has a companion program: a uprobe "<prog>_setup" (the runtime attaches
// it at FUNC in the -c/-p binary, cookie = the attach point's probe-name id) that sends a
// WatchpointAttach event {u64 id, u64 argN, u64 cookie} on each call of FUNC by the traced
// process, after stopping the caller with SIGSTOP for the synchronous form (bpf_send_signal,
// before the event is visible, so the runtime's SIGCONT always comes after it). The runtime
// then arms a hardware breakpoint on argN in that process, attaches the watchpoint program to
// it, and sends SIGCONT.
//
// Messages and checks follow bpftrace 0.17 (its parser, then its semantic analyser), e.g.
// "watchpoint:0x1000:3:w" -> "watchpoint length must be one of (1,2,4,8)" and
// "watchpoint:0x1000:4:r" -> "invalid watchpoint mode: r" (x86 breakpoints cannot trap on
// reads alone). Numbers are read like C's strtoull with base 0, as 0.17's stoull.
#include "probes/watchpoint.h"

#include "probes/providers/providers.h"
#include "sema/program_info.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <optional>

namespace btc::probes {
namespace {

// Decimal, 0x hex or 0 octal; a leading '-' wraps around (stoull("-1") is 2^64 - 1).
std::optional<uint64_t> parse_number(std::string_view s) {
  bool negative = false;
  if (s.starts_with("-")) {
    negative = true;
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  } else if (s.size() > 1 && s[0] == '0') {
    base = 8;
    s.remove_prefix(1);
  }
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return negative ? ~v + 1 : v;
}

// Modes the x86 debug registers cannot express (0.17's arch::invalid_watchpoint_modes).
constexpr std::array<std::string_view, 4> kInvalidModes = {"r", "rx", "wx", "rwx"};

// FUNC+argN or ADDR.
bool parse_location(std::string_view loc, AttachSpec& spec, std::string& error) {
  auto plus = loc.find('+');
  if (plus == std::string_view::npos) {
    auto addr = parse_number(loc);
    if (!addr) {
      error = "stoull";
      return false;
    }
    spec.offset = *addr;
    return true;
  }
  std::string_view func = loc.substr(0, plus);
  std::string_view arg = loc.substr(plus + 1);
  if (func.empty()) {
    error = "Invalid function/address argument";
    return false;
  }
  if (!arg.starts_with("arg")) {
    error = "Invalid function argument";
    return false;
  }
  auto n = parse_number(arg.substr(3));
  if (!n) {
    error = "stoull";
    return false;
  }
  spec.func = std::string(func);
  spec.watch_arg = static_cast<int32_t>(std::min<uint64_t>(*n, 0x7fffffff));
  return true;
}

// 0.17's semantic checks, in its order.
bool check(AttachSpec& spec, std::string_view provider, std::string& error) {
  if (spec.watch_arg >= 0) {
    if (spec.watch_arg > kMaxWatchArg) {
      error = "x86_64 doesn't support arg" + std::to_string(spec.watch_arg);
      return false;
    }
  } else if (spec.kind == ProbeKind::AsyncWatchpoint) {
    error = std::string(provider) + " requires a function name";
    return false;
  } else if (spec.offset == 0) {
    error = "watchpoint must be attached to a non-zero address";
    return false;
  }
  uint32_t len = spec.watch_len;
  if (len != 1 && len != 2 && len != 4 && len != 8) {
    error = "watchpoint length must be one of (1,2,4,8)";
    return false;
  }
  std::string& mode = spec.watch_mode;
  std::sort(mode.begin(), mode.end());
  bool letters_ok = !mode.empty() && std::all_of(mode.begin(), mode.end(), [](char c) {
    return c == 'r' || c == 'w' || c == 'x';
  });
  if (!letters_ok) {
    error = "watchpoint mode must be combination of (r,w,x)";
    return false;
  }
  if (std::adjacent_find(mode.begin(), mode.end()) != mode.end()) {
    error = "watchpoint modes may not be duplicated";
    return false;
  }
  if (std::find(kInvalidModes.begin(), kInvalidModes.end(), mode) != kInvalidModes.end()) {
    error = "invalid watchpoint mode: " + mode;
    return false;
  }
  return true;
}

} // namespace

bool parse_watchpoint(const std::vector<std::string_view>& parts, AttachSpec& spec,
                      std::string& error) {
  std::string provider(probes::provider(spec.kind).name());
  if (parts.size() != 4) {
    error = provider + " probe type requires 3 arguments";
    return false;
  }
  if (!parse_location(parts[1], spec, error)) return false;
  auto len = parse_number(parts[2]);
  if (!len) {
    error = "stoull";
    return false;
  }
  spec.watch_len = static_cast<uint32_t>(std::min<uint64_t>(*len, 0xffffffff));
  spec.watch_mode = std::string(parts[3]);
  if (!check(spec, provider, error)) return false;
  spec.wildcard = spec.func.find('*') != std::string::npos;
  std::string tail = ":" + std::to_string(spec.watch_len) + ":" + spec.watch_mode;
  // The FUNC form's text names the traced binary, known only where the tool runs (-c/-p); the
  // runtime rewrites it to "watchpoint:BIN:FUNC:LEN:MODE".
  spec.text = provider + ":" +
              (spec.watch_arg >= 0 ? spec.func + "+arg" + std::to_string(spec.watch_arg)
                                   : std::to_string(spec.offset)) +
              tail;
  return true;
}

namespace providers {
namespace {

// Largest N of argN on x86-64 (di, si, dx, cx, r8, r9) is kMaxWatchArg.
bool on_func(const AttachSpec& spec) {
  return spec.watch_arg >= 0;
}

class WatchpointProvider final : public Provider {
public:
  WatchpointProvider(const ProbeKindDesc& desc, bool stops_caller)
      : Provider(desc), stops_caller_(stops_caller) {}

  bool parse(const std::vector<std::string_view>& parts, AttachSpec& spec,
             std::string& error) const override {
    return parse_watchpoint(parts, spec, error);
  }

  std::vector<ProgramPlan> expand(AttachSpec spec, const ast::AttachPoint& ap, size_t probe_index,
                                  SemaContext& cx) const override {
    auto plans = Provider::expand(std::move(spec), ap, probe_index, cx);
    for (auto& plan : plans) {
      if (!on_func(plan.spec)) continue;
      sema::EventInfo ev;
      ev.kind = abi::EventKind::WatchpointAttach;
      ev.arg_types = {ast::Type::uint64(), ast::Type::uint64()};
      ev.arg_offsets = {0, 8};
      ev.payload_size = 16;
      ev.range = cx.program().probes[probe_index].range;
      plan.companion_event = std::move(ev);
    }
    return plans;
  }

  void lower_companions(LowerContext& lx, const sema::ProbeInfo& p, size_t i) const override;

  void describe_manifest(const sema::ProbeInfo&, abi::ProbeDesc& d) const override {
    if (d.spec.watch_arg >= 0) d.setup_prog_name = watch_setup_prog_name(d.prog_name);
  }

private:
  bool stops_caller_; // watchpoint (synchronous); asyncwatchpoint lets the caller run on
};

void WatchpointProvider::lower_companions(LowerContext& lx, const sema::ProbeInfo& p,
                                          size_t i) const {
  const AttachSpec& spec = p.specs[i];
  if (!on_func(spec)) return;
  auto& b = lx.builder();
  auto* i64_ty = b.getInt64Ty();
  lx.begin_program(watch_setup_prog_name(p.prog_names[i]), "uprobe", p.probe->range);
  auto ret0 = [&] { b.CreateRet(b.getInt32(0)); };
  auto branch_unless = [&](llvm::Value* cond, const char* name) {
    auto* go = llvm::BasicBlock::Create(b.getContext(), name, lx.function());
    auto* stop =
        llvm::BasicBlock::Create(b.getContext(), std::string(name) + "_not", lx.function());
    b.CreateCondBr(cond, go, stop);
    b.SetInsertPoint(stop);
    ret0();
    b.SetInsertPoint(go);
  };

  // Only the traced process (-p PID, else the -c child) is stopped and watched.
  const abi::ConfigLayout& layout = lx.config_layout();
  llvm::Value* target = lx.config_u64(layout.target_pid);
  llvm::Value* traced =
      b.CreateSelect(b.CreateICmpNE(target, lx.i64(0)), target, lx.config_u64(layout.child_pid));
  llvm::Value* tgid =
      b.CreateLShr(lx.call_helper(builtins::Helper::GetCurrentPidTgid, i64_ty, {}), 32);
  branch_unless(b.CreateICmpEQ(tgid, traced), "traced");

  uint32_t arg = static_cast<uint32_t>(std::clamp(spec.watch_arg, 0, kMaxWatchArg));
  llvm::Value* addr = lx.ctx_u64(lx.program_info().target->arg_offsets[arg]);
  llvm::Value* rec = lx.reserve_event(24);
  branch_unless(b.CreateICmpNE(rec, llvm::ConstantPointerNull::get(b.getPtrTy())), "reserved");
  b.CreateAlignedStore(lx.i64(p.companion_events[i]), rec, llvm::Align(8));
  b.CreateAlignedStore(addr, lx.gep(rec, 8), llvm::Align(8));
  b.CreateAlignedStore(lx.attach_id(), lx.gep(rec, 16), llvm::Align(8));
  if (stops_caller_) {
    constexpr uint64_t kSigStop = 19;
    auto* fty = llvm::FunctionType::get(i64_ty, {b.getInt32Ty()}, false);
    auto* callee = llvm::ConstantExpr::getIntToPtr(
        b.getInt64(static_cast<uint64_t>(builtins::Helper::SendSignal)), b.getPtrTy());
    b.CreateCall(fty, callee, {b.getInt32(kSigStop)});
  }
  lx.call_helper(builtins::Helper::RingbufSubmit, b.getVoidTy(), {rec, lx.i64(0)});
  ret0();
  lx.end_program();
}

constexpr std::string_view kPerfProg = "BPF_PROG_TYPE_PERF_EVENT";
constexpr ContextRules kWatchRules{.reg = true, .ctx_record = "bpf_perf_event_data"};
// clang-format off
const ProbeKindDesc kWatchpoint{ProbeKind::Watchpoint, {"w"}, "perf_event", kPerfProg, kWatchRules,
    ast::AddrSpace::None};
const ProbeKindDesc kAsyncWatchpoint{ProbeKind::AsyncWatchpoint, {"aw"}, "perf_event", kPerfProg,
    kWatchRules, ast::AddrSpace::None};
// clang-format on

} // namespace

BTC_PROVIDER(watchpoint, WatchpointProvider, kWatchpoint, true)
BTC_PROVIDER(asyncwatchpoint, WatchpointProvider, kAsyncWatchpoint, false)

} // namespace providers
} // namespace btc::probes
