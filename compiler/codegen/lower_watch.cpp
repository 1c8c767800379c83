// lower_watch.cpp: the arming program of a `watchpoint:FUNC+argN:LEN:MODE` (or
// asyncwatchpoint) attach point.
//
// Input: the attach point's spec. Output: one uprobe program "<prog>_setup" (the runtime
// attaches it at FUNC in the -c/-p binary, cookie = the attach point's probe-name id) and a
// WatchpointAttach event. On each call of FUNC by the traced process it reserves an event
// {u64 id, u64 argN, u64 cookie}, stops the caller with SIGSTOP for the synchronous form
// (bpf_send_signal, before the event is visible, so the runtime's SIGCONT always comes
// after it), and submits. The runtime then arms a hardware breakpoint on argN in that
// process, attaches the watchpoint program to it, and sends SIGCONT.
// Example: `watchpoint:watch_me+arg0:4:w` -> SEC("uprobe") watchpoint_0_0_setup reading
// pt_regs->di.
#include "codegen/lowerer.h"

#include "probes/watchpoint.h"

#include <algorithm>

namespace btc::codegen {
namespace {

constexpr uint64_t kHelperSendSignal = 109;
constexpr uint64_t kSigStop = 19;
// x86-64 struct pt_regs offsets of di, si, dx, cx, r8, r9.
constexpr uint32_t kPtRegsArgs[] = {112, 104, 96, 88, 72, 64};

} // namespace

void Lowerer::lower_watch_setup(const sema::ProbeInfo& p, size_t spec_index) {
  const probes::AttachSpec& spec = p.specs[spec_index];
  spec_ = &spec; // attach_id() looks at the kind
  sema::EventInfo ev;
  ev.kind = abi::EventKind::WatchpointAttach;
  ev.arg_types = {Type::uint64(), Type::uint64()};
  ev.arg_offsets = {0, 8};
  ev.payload_size = 16;
  ev.range = p.probe->range;
  extra_events_.push_back(ev);
  uint64_t event_id = info_.events.size() + extra_events_.size() - 1;

  begin_program(probes::watch_setup_prog_name(p.prog_names[spec_index]), "uprobe",
                p.probe->range);
  auto ret0 = [&] { b_.CreateRet(b_.getInt32(0)); };
  auto branch_unless = [&](llvm::Value* cond, const char* name) {
    auto* go = llvm::BasicBlock::Create(ctx_, name, fn_);
    auto* stop = llvm::BasicBlock::Create(ctx_, std::string(name) + "_not", fn_);
    b_.CreateCondBr(cond, go, stop);
    b_.SetInsertPoint(stop);
    ret0();
    b_.SetInsertPoint(go);
  };

  // Only the traced process (-p PID, else the -c child) is stopped and watched.
  llvm::Value* target = config_u64(layout_.target_pid);
  llvm::Value* traced = b_.CreateSelect(b_.CreateICmpNE(target, i64(0)), target,
                                        config_u64(layout_.child_pid));
  llvm::Value* tgid = b_.CreateLShr(call_helper(Helper::GetCurrentPidTgid, i64_ty(), {}), 32);
  branch_unless(b_.CreateICmpEQ(tgid, traced), "traced");

  uint32_t arg = static_cast<uint32_t>(std::clamp(spec.watch_arg, 0, probes::kMaxWatchArg));
  llvm::Value* addr =
      b_.CreateAlignedLoad(i64_ty(), gep(ctx_arg_, kPtRegsArgs[arg]), llvm::Align(8));
  llvm::Value* rec = call_helper(Helper::RingbufReserve, ptr_ty(), {ringbuf_, i64(24), i64(0)});
  branch_unless(b_.CreateICmpNE(rec, llvm::ConstantPointerNull::get(b_.getPtrTy())), "reserved");
  b_.CreateAlignedStore(i64(event_id), rec, llvm::Align(8));
  b_.CreateAlignedStore(addr, gep(rec, 8), llvm::Align(8));
  b_.CreateAlignedStore(attach_id(), gep(rec, 16), llvm::Align(8));
  if (spec.kind == probes::ProbeKind::Watchpoint) {
    auto* fty = llvm::FunctionType::get(i64_ty(), {b_.getInt32Ty()}, false);
    auto* callee = llvm::ConstantExpr::getIntToPtr(b_.getInt64(kHelperSendSignal), ptr_ty());
    b_.CreateCall(fty, callee, {b_.getInt32(kSigStop)});
  }
  call_helper(Helper::RingbufSubmit, b_.getVoidTy(), {rec, i64(0)});
  ret0();
  dib_->finalizeSubprogram(sp_);
}

} // namespace btc::codegen
