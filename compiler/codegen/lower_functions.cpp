// lower_functions.cpp: lowering of the value-producing builtins (ksym, kaddr, cgroupid, ntop,
// pton, macaddr, strerror, strftime, buf, kptr/uptr, strcontains, signal, debugf) and of the
// user-space functions that travel as events (system, cat, join), plus helper-error reports.
//
// Value layouts match abi::ValueKind: inet = {u64 family, u8[16]}, timestamp = {u64 format
// index, u64 ns since boot}, buffer = {u8 length, bytes}, macaddr = u8[6].
#include "codegen/lowerer.h"

#include "builtins/name_tables.h"
#include "sema/sema.h"

namespace btc::codegen {

namespace {
constexpr uint64_t kAfInet = 2, kAfInet6 = 10;
constexpr int64_t kE2Big = -7;
} // namespace

void Lowerer::check_helper_result(Helper h, llvm::Value* ret, source::SourceRange range,
                                  uint32_t map, int level) {
  // A full map is always reported; other failures only when the tool runs with -k (level 1)
  // or -kk (level 2): the level is a .rodata knob, so the verifier prunes the dead branch.
  llvm::Value* failed = b_.CreateICmpSLT(ret, i64(0));
  llvm::Value* report = b_.getInt1(false);
  if (map != abi::kNoIndex)
    report = b_.CreateICmpEQ(ret, i64(static_cast<uint64_t>(kE2Big)));
  if (level <= 2 && layout_.helper_errors != abi::kNoIndex) {
    llvm::Value* wanted = b_.CreateICmpSGE(config_u64(layout_.helper_errors), i64(level));
    report = b_.CreateOr(report, b_.CreateAnd(failed, wanted));
  }
  auto* report_bb = llvm::BasicBlock::Create(ctx_, "helper_error", fn_);
  auto* cont_bb = llvm::BasicBlock::Create(ctx_, "helper_ok", fn_);
  b_.CreateCondBr(report, report_bb, cont_bb);
  b_.SetInsertPoint(report_bb);

  // The record names the call's map and source location (ProgramInfo::helper_error_event).
  uint64_t site = 0;
  if (options_.source) {
    auto first = options_.source->line_col(range.begin);
    auto last = options_.source->line_col(range.end > range.begin ? range.end - 1 : range.begin);
    site = (uint64_t{first.line} << 32) | ((uint64_t{first.col} & 0xffff) << 16) |
           ((uint64_t{last.col} + 1) & 0xffff);
  }
  uint64_t id = info_.helper_error_event;
  llvm::Value* rec = reserve_event(40);
  auto* ok_bb = llvm::BasicBlock::Create(ctx_, "helper_error_event", fn_);
  b_.CreateCondBr(b_.CreateICmpEQ(rec, llvm::ConstantPointerNull::get(b_.getPtrTy())), cont_bb,
                  ok_bb);
  b_.SetInsertPoint(ok_bb);
  b_.CreateAlignedStore(i64(id), rec, llvm::Align(8));
  b_.CreateAlignedStore(i64(static_cast<uint64_t>(h)), gep(rec, 8), llvm::Align(8));
  b_.CreateAlignedStore(ret, gep(rec, 16), llvm::Align(8));
  b_.CreateAlignedStore(i64(map), gep(rec, 24), llvm::Align(8));
  b_.CreateAlignedStore(i64(site), gep(rec, 32), llvm::Align(8));
  call_helper(Helper::RingbufSubmit, b_.getVoidTy(), {rec, i64(0)});
  b_.CreateBr(cont_bb);
  b_.SetInsertPoint(cont_bb);
}

llvm::Value* Lowerer::lower_strcontains(const ast::Call& c) {
  // Unrolled search: for each start i in the haystack, compare the needle byte by byte.
  llvm::Value* hay = lower_expr(*c.args[0]);
  llvm::Value* needle = lower_expr(*c.args[1]);
  uint32_t hn = c.args[0]->type.size, nn = c.args[1]->type.size;
  auto* done = llvm::BasicBlock::Create(ctx_, "strcontains_end", fn_);
  std::vector<std::pair<llvm::Value*, llvm::BasicBlock*>> results;
  llvm::Value* n0 = b_.CreateLoad(b_.getInt8Ty(), needle);
  // An empty needle is contained in anything.
  auto* start = llvm::BasicBlock::Create(ctx_, "strcontains_scan", fn_);
  results.push_back({b_.getInt1(true), b_.GetInsertBlock()});
  b_.CreateCondBr(b_.CreateICmpEQ(n0, b_.getInt8(0)), done, start);
  b_.SetInsertPoint(start);
  for (uint32_t i = 0; i < hn; ++i) {
    llvm::Value* hi = b_.CreateLoad(b_.getInt8Ty(), gep(hay, i));
    auto* cmp_bb = llvm::BasicBlock::Create(ctx_, "strcontains_at", fn_);
    results.push_back({b_.getInt1(false), b_.GetInsertBlock()});
    b_.CreateCondBr(b_.CreateICmpEQ(hi, b_.getInt8(0)), done, cmp_bb);
    b_.SetInsertPoint(cmp_bb);
    auto* next_i = llvm::BasicBlock::Create(ctx_, "strcontains_next", fn_);
    for (uint32_t j = 0; j < nn; ++j) {
      llvm::Value* nj = b_.CreateLoad(b_.getInt8Ty(), gep(needle, j));
      auto* more = llvm::BasicBlock::Create(ctx_, "strcontains_byte", fn_);
      results.push_back({b_.getInt1(true), b_.GetInsertBlock()});
      b_.CreateCondBr(b_.CreateICmpEQ(nj, b_.getInt8(0)), done, more);
      b_.SetInsertPoint(more);
      if (i + j >= hn) {
        b_.CreateBr(next_i);
        break;
      }
      llvm::Value* hij = b_.CreateLoad(b_.getInt8Ty(), gep(hay, i + j));
      auto* same = llvm::BasicBlock::Create(ctx_, "strcontains_same", fn_);
      b_.CreateCondBr(b_.CreateICmpNE(hij, nj), next_i, same);
      b_.SetInsertPoint(same);
      if (j + 1 == nn) {
        results.push_back({b_.getInt1(true), b_.GetInsertBlock()});
        b_.CreateBr(done);
      }
    }
    if (!b_.GetInsertBlock()->getTerminator()) b_.CreateBr(next_i);
    b_.SetInsertPoint(next_i);
  }
  results.push_back({b_.getInt1(false), b_.GetInsertBlock()});
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
  auto* phi = b_.CreatePHI(b_.getInt1Ty(), results.size());
  for (auto& [v, bb] : results) phi->addIncoming(v, bb);
  return b_.CreateZExt(phi, i64_ty());
}

llvm::Value* Lowerer::lower_join(const ast::Expr& e, const ast::Call& c) {
  // The argv strings are read straight into the ring-buffer record (16 slots of strlen bytes):
  // far more than the BPF stack could hold.
  uint32_t ev_id = info_.call_event.at(&e);
  const auto& ev = info_.events[ev_id];
  llvm::Value* argv = lower_expr(*c.args[0]);
  ast::AddrSpace as = c.args[0]->type.as;
  uint32_t slot = info_.strlen;
  llvm::Value* rec = reserve_event(8 + ev.payload_size);
  auto* fill_bb = llvm::BasicBlock::Create(ctx_, "join", fn_);
  auto* end_bb = llvm::BasicBlock::Create(ctx_, "join_end", fn_);
  b_.CreateCondBr(b_.CreateICmpEQ(rec, llvm::ConstantPointerNull::get(b_.getPtrTy())), end_bb,
                  fill_bb);
  b_.SetInsertPoint(fill_bb);
  b_.CreateAlignedStore(i64(ev_id), rec, llvm::Align(8));
  for (uint32_t i = 0; i < sema::kJoinArgs; ++i)
    b_.CreateStore(b_.getInt8(0), gep(rec, 8 + i * slot));
  auto* submit_bb = llvm::BasicBlock::Create(ctx_, "join_submit", fn_);
  auto* ptr_slot = stack_buffer(8, "join_ptr");
  for (uint32_t i = 0; i < sema::kJoinArgs; ++i) {
    zero_fill(ptr_slot, 8);
    probe_read(ptr_slot, 8, b_.CreateAdd(argv, i64(8ull * i)), as);
    llvm::Value* p = b_.CreateAlignedLoad(i64_ty(), ptr_slot, llvm::Align(8));
    auto* read_bb = llvm::BasicBlock::Create(ctx_, "join_arg", fn_);
    b_.CreateCondBr(b_.CreateICmpEQ(p, i64(0)), submit_bb, read_bb);
    b_.SetInsertPoint(read_bb);
    call_helper(read_helper(as, /*str=*/true), i64_ty(),
                {gep(rec, 8 + i * slot), b_.getInt32(slot), b_.CreateIntToPtr(p, ptr_ty())});
  }
  b_.CreateBr(submit_bb);
  b_.SetInsertPoint(submit_bb);
  call_helper(Helper::RingbufSubmit, b_.getVoidTy(), {rec, i64(0)});
  b_.CreateBr(end_bb);
  b_.SetInsertPoint(end_bb);
  return i64(0);
}

llvm::Value* Lowerer::lower_function(const ast::Expr& e, const ast::Call& c, builtins::ValueFn f) {
  using builtins::ValueFn;
  switch (f) {
  case ValueFn::CgroupPath: {
    auto* buf = stack_buffer(16, "cgroup_path");
    b_.CreateAlignedStore(convert_int(lower_expr(*c.args[0]), c.args[0]->type), buf,
                          llvm::Align(8));
    auto it = info_.string_of.find(&e);
    b_.CreateAlignedStore(i64(it == info_.string_of.end() ? 0 : it->second + 1), gep(buf, 8),
                          llvm::Align(8));
    return buf;
  }
  case ValueFn::Ksym:
  case ValueFn::Strerror:
  case ValueFn::Kptr:
  case ValueFn::Uptr:
    return convert_int(lower_expr(*c.args[0]), c.args[0]->type);
  case ValueFn::Kaddr:
  case ValueFn::Cgroupid:
  case ValueFn::Uaddr:
    return config_u64(info_.runtime_values_offset + 8 * info_.runtime_value_of.at(&e));
  case ValueFn::Reg: {
    // kprobe/uprobe ctx is struct pt_regs; perf-event ctx (bpf_perf_event_data) starts with it.
    auto off =
        targets::register_offset(*info_.target, c.args[0]->as<ast::StrLit>()->value).value_or(0);
    return b_.CreateAlignedLoad(i64_ty(), gep(ctx_arg_, off), llvm::Align(8));
  }
  case ValueFn::Override:
    call_helper(Helper::OverrideReturn, i64_ty(),
                {ctx_arg_, convert_int(lower_expr(*c.args[0]), c.args[0]->type)});
    return i64(0);
  case ValueFn::Ntop: {
    auto* buf = stack_buffer(24, "inet");
    zero_fill(buf, 24);
    const ast::Expr& addr = *c.args.back();
    llvm::Value* v = lower_expr(addr);
    uint64_t family = addr.type.size == 16 && !addr.type.is_integer() ? kAfInet6 : kAfInet;
    llvm::Value* fam = i64(family);
    if (c.args.size() == 2) fam = lower_expr(*c.args[0]);
    b_.CreateAlignedStore(fam, buf, llvm::Align(8));
    if (addr.type.is_integer() || addr.type.is_pointer())
      b_.CreateAlignedStore(b_.CreateTrunc(v, b_.getInt32Ty()), gep(buf, 8), llvm::Align(4));
    else
      copy_bytes(gep(buf, 8), v, std::min<uint32_t>(addr.type.size, 16));
    return buf;
  }
  case ValueFn::Pton: {
    const auto& bytes = info_.bytes_of.at(&e);
    auto* buf = stack_buffer(static_cast<uint32_t>(bytes.size()), "pton");
    for (size_t i = 0; i < bytes.size(); ++i) b_.CreateStore(b_.getInt8(bytes[i]), gep(buf, i));
    return buf;
  }
  case ValueFn::Macaddr: {
    auto* buf = stack_buffer(8, "mac");
    zero_fill(buf, 8);
    llvm::Value* v = lower_expr(*c.args[0]);
    if (c.args[0]->type.is_pointer())
      probe_read(buf, 6, v, c.args[0]->type.as);
    else
      copy_bytes(buf, v, 6);
    return buf;
  }
  case ValueFn::StaticAssert:
    return i64(0); // checked by sema
  case ValueFn::WriteUser: {
    llvm::Value* dst =
        b_.CreateIntToPtr(convert_int(lower_expr(*c.args[0]), c.args[0]->type), ptr_ty());
    llvm::Value* src = lower_expr(*c.args[1]);
    if (!src->getType()->isPointerTy()) src = b_.CreateIntToPtr(src, ptr_ty());
    llvm::Value* ret = call_helper(Helper::ProbeWriteUser, i64_ty(),
                                   {dst, src, i64(c.args[2]->as<ast::IntLit>()->value)});
    return b_.CreateZExt(b_.CreateICmpEQ(ret, i64(0)), i64_ty());
  }
  case ValueFn::PercpuKaddr: {
    llvm::GlobalVariable* ksym = percpu_ksym(c.args[0]->as<ast::StrLit>()->value);
    if (c.args.size() == 1)
      return b_.CreatePtrToInt(call_helper(Helper::ThisCpuPtr, ptr_ty(), {ksym}), i64_ty());
    llvm::Value* cpu_no =
        b_.CreateTrunc(convert_int(lower_expr(*c.args[1]), c.args[1]->type), b_.getInt32Ty());
    llvm::Value* p = call_helper(Helper::PerCpuPtr, ptr_ty(), {ksym, cpu_no});
    // NULL for a CPU that does not exist; the verifier allows no arithmetic (field offsets)
    // on the pointer before a null check. The copy in the non-null branch is opaque, so
    // LLVM cannot fold the check away.
    auto* ok_bb = llvm::BasicBlock::Create(ctx_, "percpu_ok", fn_);
    auto* done_bb = llvm::BasicBlock::Create(ctx_, "percpu_done", fn_);
    auto* from_bb = b_.GetInsertBlock();
    b_.CreateCondBr(b_.CreateIsNull(p), done_bb, ok_bb);
    b_.SetInsertPoint(ok_bb);
    llvm::Value* addr = opaque(b_.CreatePtrToInt(p, i64_ty()));
    b_.CreateBr(done_bb);
    b_.SetInsertPoint(done_bb);
    auto* phi = b_.CreatePHI(i64_ty(), 2);
    phi->addIncoming(i64(0), from_bb);
    phi->addIncoming(addr, ok_bb);
    return phi;
  }
  case ValueFn::SocketCookie:
    return call_helper(Helper::GetSocketCookie, i64_ty(), {lower_expr(*c.args[0])});
  case ValueFn::Typeinfo:
  case ValueFn::Fail:
  case ValueFn::IsStr:
  case ValueFn::IsPtr:
  case ValueFn::IsArray:
  case ValueFn::IsInteger:
  case ValueFn::IsUnsignedInteger:
  case ValueFn::IsLiteral:
  case ValueFn::DefaultStrLength:
    BTC_UNREACHABLE("sema rewrites typeinfo(), fail() and the type predicates");
  case ValueFn::AssertStr: // a check when compiling, no code
    return i64(0);
  case ValueFn::Strlen: {
    // The first NUL's index (the capacity when there is none), without a loop.
    uint32_t size = c.args[0]->type.size;
    llvm::Value* s = lower_expr(*c.args[0]);
    llvm::Value* len = i64(size);
    for (uint32_t i = size; i-- > 0;) {
      llvm::Value* byte = b_.CreateLoad(b_.getInt8Ty(), gep(s, i));
      len = b_.CreateSelect(b_.CreateICmpEQ(byte, b_.getInt8(0)), i64(i), len);
    }
    return len;
  }
  case ValueFn::KfuncExist:
  case ValueFn::KfuncAllowed:
    return config_u64(info_.runtime_values_offset + 8 * info_.runtime_value_of.at(&e));
  case ValueFn::Strstr: {
    // The first index where the needle (up to its NUL) matches, else -1; straight-line code,
    // the later candidates first so that the earliest match wins.
    uint32_t hs = c.args[0]->type.size, ns = c.args[1]->type.size;
    llvm::Value* h = lower_expr(*c.args[0]);
    llvm::Value* n = lower_expr(*c.args[1]);
    std::vector<llvm::Value*> hb, nb;
    for (uint32_t i = 0; i < hs; ++i) hb.push_back(b_.CreateLoad(b_.getInt8Ty(), gep(h, i)));
    for (uint32_t j = 0; j < ns; ++j) nb.push_back(b_.CreateLoad(b_.getInt8Ty(), gep(n, j)));
    llvm::Value* result = i64(static_cast<uint64_t>(-1));
    for (uint32_t i = hs; i-- > 0;) {
      llvm::Value* match = b_.getTrue();
      llvm::Value* done = b_.getFalse(); // the needle's NUL was reached
      for (uint32_t j = 0; j < ns; ++j) {
        llvm::Value* nul = b_.CreateICmpEQ(nb[j], b_.getInt8(0));
        done = b_.CreateOr(done, nul);
        llvm::Value* hbyte = i + j < hs ? hb[i + j] : b_.getInt8(0);
        match = b_.CreateAnd(match, b_.CreateOr(done, b_.CreateICmpEQ(hbyte, nb[j])));
      }
      result = b_.CreateSelect(match, i64(i), result);
    }
    return result;
  }
  case ValueFn::Strcap: {
    const Type& t = c.args[0]->type;
    return i64(t.kind == ast::TypeKind::Array ? t.count : t.size);
  }
  case ValueFn::Memcmp: {
    // C's memcmp over the first n bytes: the first differing byte pair decides.
    uint64_t n = c.args[2]->as<ast::IntLit>()->value;
    auto bytes_of = [&](const ast::Expr& x) {
      llvm::Value* v = lower_expr(x);
      return x.type.kind == ast::TypeKind::Buffer ? gep(v, 1) : v; // a buffer's length byte
    };
    llvm::Value* a = bytes_of(*c.args[0]);
    llvm::Value* bb = bytes_of(*c.args[1]);
    llvm::Value* result = i64(0);
    for (uint64_t i = n; i-- > 0;) {
      llvm::Value* x = b_.CreateZExt(b_.CreateLoad(b_.getInt8Ty(), gep(a, i)), i64_ty());
      llvm::Value* y = b_.CreateZExt(b_.CreateLoad(b_.getInt8Ty(), gep(bb, i)), i64_ty());
      llvm::Value* d = b_.CreateSub(x, y);
      result = b_.CreateSelect(b_.CreateICmpNE(d, i64(0)), d, result);
    }
    return result;
  }
  case ValueFn::Len:
    if (!c.args[0]->as<ast::MapRef>()) return stack_depth(*c.args[0]);
    return lower_map_len(*c.args[0]->as<ast::MapRef>());
  case ValueFn::SyscallName:
    return lower_name_lookup(*builtins::syscall_names(*info_.target), *c.args[0]);
  case ValueFn::SignalName:
    return lower_name_lookup(builtins::signal_names(), *c.args[0]);
  case ValueFn::Getopt: {
    const abi::NamedOption& o = info_.named_options[info_.named_option_of.at(&e)];
    if (o.kind == abi::OptionKind::String) return gep(config_, o.offset);
    return config_u64(o.offset);
  }
  case ValueFn::Strftime: {
    auto* buf = stack_buffer(16, "timestamp");
    b_.CreateAlignedStore(i64(info_.string_of.at(&e)), buf, llvm::Align(8));
    b_.CreateAlignedStore(convert_int(lower_expr(*c.args[1]), c.args[1]->type), gep(buf, 8),
                          llvm::Align(8));
    return buf;
  }
  case ValueFn::Buf: {
    uint32_t cap = e.type.size - 1;
    auto* buf = stack_buffer(e.type.size, "buf");
    zero_fill(buf, sema::align8(e.type.size));
    const ast::Expr& src = *c.args[0];
    llvm::Value* v = lower_expr(src);
    llvm::Value* len = i64(cap);
    if (c.args.size() == 2) {
      len = lower_expr(*c.args[1]);
      len = b_.CreateSelect(b_.CreateICmpUGT(len, i64(cap)), i64(cap), len);
    }
    b_.CreateStore(b_.CreateTrunc(len, b_.getInt8Ty()), buf);
    if (src.type.is_integer() || src.type.is_pointer()) {
      call_helper(read_helper(src.type.as), i64_ty(),
                  {gep(buf, 1), b_.CreateTrunc(len, b_.getInt32Ty()),
                   b_.CreateIntToPtr(v, ptr_ty())});
    } else {
      copy_bytes(gep(buf, 1), v, std::min(cap, src.type.size));
    }
    return buf;
  }
  case ValueFn::Strcontains:
    return lower_strcontains(c);
  case ValueFn::Signal:
  case ValueFn::SignalThread: {
    llvm::Value* sig;
    if (auto* lit = c.args[0]->as<ast::StrLit>())
      sig = i64(static_cast<uint64_t>(sema::signal_number(lit->value).value_or(0)));
    else if (auto it = info_.runtime_value_of.find(&e); it != info_.runtime_value_of.end())
      sig = config_u64(info_.runtime_values_offset + 8 * it->second); // signal(str($N))
    else
      sig = lower_expr(*c.args[0]);
    auto* fty = llvm::FunctionType::get(i64_ty(), {b_.getInt32Ty()}, false);
    auto* callee = llvm::ConstantExpr::getIntToPtr(
        b_.getInt64(static_cast<uint64_t>(f == ValueFn::Signal ? Helper::SendSignal
                                                               : Helper::SendSignalThread)),
        ptr_ty());
    b_.CreateCall(fty, callee, {b_.CreateTrunc(sig, b_.getInt32Ty())});
    return i64(0);
  }
  case ValueFn::Debugf: {
    const auto& fmt = c.args[0]->as<ast::StrLit>()->value;
    uint32_t n = static_cast<uint32_t>(fmt.size() + 1);
    auto* buf = stack_buffer(n, "debugf_fmt");
    zero_fill(buf, sema::align8(n));
    for (size_t i = 0; i < fmt.size(); ++i)
      b_.CreateStore(b_.getInt8(static_cast<uint8_t>(fmt[i])), gep(buf, i));
    std::vector<llvm::Value*> args = {buf, b_.getInt32(n)};
    for (size_t i = 1; i < c.args.size(); ++i)
      args.push_back(convert_int(lower_expr(*c.args[i]), c.args[i]->type));
    std::vector<llvm::Type*> types;
    for (auto* a : args) types.push_back(a->getType());
    auto* fty = llvm::FunctionType::get(i64_ty(), types, false);
    auto* callee = llvm::ConstantExpr::getIntToPtr(
        b_.getInt64(static_cast<uint64_t>(Helper::TracePrintk)), ptr_ty());
    b_.CreateCall(fty, callee, args);
    return i64(0);
  }
  case ValueFn::System:
  case ValueFn::Cat:
  case ValueFn::Errorf:
  case ValueFn::Warnf:
    emit_event(info_.call_event.at(&e), call_args(c, 1));
    return i64(0);
  case ValueFn::Join:
    return lower_join(e, c);
  case ValueFn::Path:
    return lower_path(e, c);
  case ValueFn::Kstack:
  case ValueFn::Ustack:
  case ValueFn::DwUstack:
    return stack_value(e.type, &e);
  case ValueFn::Usym: {
    auto* buf = stack_buffer(16, "usym");
    b_.CreateAlignedStore(convert_int(lower_expr(*c.args[0]), c.args[0]->type), buf,
                          llvm::Align(8));
    b_.CreateAlignedStore(b_.CreateLShr(call_helper(Helper::GetCurrentPidTgid, i64_ty(), {}), 32),
                          gep(buf, 8), llvm::Align(8));
    return buf;
  }
  case ValueFn::Unwatch:
    emit_event(info_.call_event.at(&e), {c.args[0].get()});
    return i64(0);
  case ValueFn::Skboutput:
    BTC_UNREACHABLE("sema rejects skboutput()");
  }
  BTC_UNREACHABLE("function without a lowering");
}

// The name of a number from a table the object carries read-only (.rodata.btc_names): row N
// of the table is the text for numbers outside it or without a name.
llvm::Value* Lowerer::lower_name_lookup(const builtins::NameTable& t, const ast::Expr& number) {
  auto* row_ty = llvm::ArrayType::get(b_.getInt8Ty(), t.width);
  auto n = static_cast<uint64_t>(t.names.size());
  llvm::GlobalVariable* table = module_->getNamedGlobal(t.symbol);
  if (!table) {
    std::vector<llvm::Constant*> rows;
    auto row = [&](const std::string& s) {
      std::string padded = s;
      padded.resize(t.width, '\0');
      return llvm::ConstantDataArray::getString(ctx_, padded, false);
    };
    for (const auto& name : t.names) rows.push_back(row(name.empty() ? t.unknown : name));
    rows.push_back(row(t.unknown));
    auto* ty = llvm::ArrayType::get(row_ty, n + 1);
    table = new llvm::GlobalVariable(*module_, ty, true, llvm::GlobalValue::InternalLinkage,
                                     llvm::ConstantArray::get(ty, rows), t.symbol);
    table->setSection(".rodata.btc_names");
    table->setAlignment(llvm::Align(8));
  }
  llvm::Value* v = convert_int(lower_expr(number), number.type);
  llvm::Value* idx = b_.CreateSelect(b_.CreateICmpULT(v, i64(n)), v, i64(n));
  auto* out = stack_buffer(t.width, "name");
  llvm::Value* src = b_.CreateInBoundsGEP(table->getValueType(), table, {i64(0), idx});
  b_.CreateMemCpy(out, llvm::MaybeAlign(1), src, llvm::MaybeAlign(1), t.width);
  return out;
}

} // namespace btc::codegen
