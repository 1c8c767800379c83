// lower_call.cpp: builtin function calls: events to user space through the ring buffer
// (printf, print, time, exit, clear, zero), str(), delete(), and the per-CPU aggregations.
//
// Event record: bpf_ringbuf_reserve(8 + payload) -> u64 event id, then each argument at
// EventInfo::arg_offsets (+8); bpf_ringbuf_submit. Aggregations update a per-CPU value in
// place: count/sum add, min/max keep {value, set}, avg/stats {count, total}, hist/lhist
// increment a bucket (0.17's log2 buckets).
#include "codegen/lowerer.h"

#include <llvm/IR/Intrinsics.h>

namespace btc::codegen {

void Lowerer::emit_event(uint32_t event_id, const std::vector<const ast::Expr*>& args) {
  const auto& ev = info_.events[event_id];
  // Evaluate arguments before reserving: they may branch (map reads, string compares).
  std::vector<llvm::Value*> values;
  for (const auto* a : args) {
    llvm::Value* v = lower_expr(*a);
    if (a->type.is_integer()) v = convert_int(v, a->type);
    values.push_back(v);
  }
  uint32_t total = 8 + ev.payload_size;
  llvm::Value* rec = reserve_event(total);
  auto* ok_bb = llvm::BasicBlock::Create(ctx_, "event", fn_);
  auto* end_bb = llvm::BasicBlock::Create(ctx_, "event_end", fn_);
  b_.CreateCondBr(b_.CreateICmpEQ(rec, llvm::ConstantPointerNull::get(b_.getPtrTy())), end_bb,
                  ok_bb);
  b_.SetInsertPoint(ok_bb);
  b_.CreateAlignedStore(i64(event_id), rec, llvm::Align(8));
  for (size_t i = 0; i < values.size(); ++i) {
    llvm::Value* dst = gep(rec, 8 + ev.arg_offsets[i]);
    store_value(dst, values[i], args[i]->type, ev.arg_types[i].size);
  }
  call_helper(Helper::RingbufSubmit, b_.getVoidTy(), {rec, i64(0)});
  b_.CreateBr(end_bb);
  b_.SetInsertPoint(end_bb);
}

llvm::Value* Lowerer::lower_str(const ast::Call& c) {
  const ast::Expr& arg = *c.args[0];
  uint32_t size = info_.strlen;
  // str($N) / str($N + k): the positional text stored in .rodata.
  const ast::Binary* bin = arg.as<ast::Binary>();
  const ast::Positional* pos = arg.as<ast::Positional>();
  uint64_t skip = 0;
  if (bin && bin->lhs->as<ast::Positional>()) {
    pos = bin->lhs->as<ast::Positional>();
    if (auto* lit = bin->rhs->as<ast::IntLit>()) skip = lit->value;
  }
  auto* buf = stack_buffer(size, "str");
  zero_fill(buf, sema::align8(size));
  if (pos) {
    if (pos->index == 0 || pos->index > info_.max_positional || skip >= size) return buf;
    // btc_config is externally initialised: LLVM copies from it without folding the zeros.
    llvm::Value* src = gep(config_, layout_.str_args + (pos->index - 1) * size + skip);
    copy_bytes(buf, src, static_cast<uint32_t>(size - skip));
    return buf;
  }
  llvm::Value* v = lower_expr(arg);
  llvm::Value* len = b_.getInt32(size);
  if (c.args.size() == 2) {
    // str(p, n): at most n bytes (plus the NUL), never more than the buffer.
    llvm::Value* n = lower_expr(*c.args[1]);
    n = b_.CreateAdd(n, i64(1));
    auto* too_big = b_.CreateICmpUGT(n, i64(size));
    n = b_.CreateSelect(too_big, i64(size), n);
    len = b_.CreateTrunc(n, b_.getInt32Ty());
  }
  if (arg.type.is_string()) {
    copy_bytes(buf, v, std::min(arg.type.size, size));
    if (c.args.size() == 2) {
      // Truncate a copied string at n bytes.
      llvm::Value* n = b_.CreateZExt(b_.CreateSub(len, b_.getInt32(1)), i64_ty());
      auto* at = b_.CreateGEP(b_.getInt8Ty(), buf, n);
      b_.CreateStore(b_.getInt8(0), at);
    }
    return buf;
  }
  llvm::Value* src = b_.CreateIntToPtr(v, ptr_ty());
  Helper h = read_helper(arg.type.as, /*str=*/true);
  auto* ret = call_helper(h, i64_ty(), {buf, len, src});
  check_helper_result(h, ret, c.args[0]->range, abi::kNoIndex, 2); // -kk
  return buf;
}

std::vector<const ast::Expr*> Lowerer::call_args(const ast::Call& c, size_t first) {
  std::vector<const ast::Expr*> args;
  for (size_t i = first; i < c.args.size(); ++i) args.push_back(c.args[i].get());
  return args;
}

llvm::Value* Lowerer::lower_call(const ast::Expr& e, const ast::Call& c) {
  BTC_CHECK(c.desc, "sema resolves every call");
  return std::visit(
      builtins::Overloaded{[&](builtins::CallFn f) { return lower_call_fn(e, c, f); },
                           [&](builtins::ValueFn f) { return lower_function(e, c, f); },
                           [&](builtins::AggFn) -> llvm::Value* {
                             BTC_UNREACHABLE("aggregations are lowered by their map assignment");
                           }},
      c.desc->id);
}

llvm::Value* Lowerer::lower_call_fn(const ast::Expr& e, const ast::Call& c, builtins::CallFn f) {
  using builtins::CallFn;
  switch (f) {
  case CallFn::Printf:
    if (llvm::Value* v = provider().lower_printf(*this, e, c)) return v; // iter: seq_file
    emit_event(info_.call_event.at(&e), call_args(c, 1));
    return i64(0);
  case CallFn::Print: {
    uint32_t ev = info_.call_event.at(&e);
    if (info_.events[ev].kind == abi::EventKind::PrintMap) {
      // top and div default to 0 (= all entries, no division).
      ast::Expr zero;
      zero.node = ast::IntLit{0};
      zero.type = Type::uint64();
      std::vector<const ast::Expr*> args = {c.args.size() > 1 ? c.args[1].get() : &zero,
                                            c.args.size() > 2 ? c.args[2].get() : &zero};
      emit_event(ev, args);
      return i64(0);
    }
    emit_event(ev, call_args(c, 0));
    return i64(0);
  }
  case CallFn::Time:
  case CallFn::Clear:
  case CallFn::Zero:
    emit_event(info_.call_event.at(&e), {});
    return i64(0);
  case CallFn::Exit:
    emit_event(info_.call_event.at(&e), call_args(c, 0));
    emit_return();
    return i64(0);
  case CallFn::Str:
    return lower_str(c);
  case CallFn::Bswap: {
    llvm::Value* v = lower_expr(*c.args[0]);
    uint32_t bits = e.type.size * 8;
    if (bits == 8) return b_.CreateAnd(v, 0xff);
    llvm::Value* narrow = b_.CreateTrunc(v, b_.getIntNTy(bits));
    llvm::Value* swapped = b_.CreateUnaryIntrinsic(llvm::Intrinsic::bswap, narrow);
    return b_.CreateZExt(swapped, i64_ty());
  }
  case CallFn::Strncmp: {
    // 0 when the first n bytes are equal (stopping at a NUL), 1 otherwise.
    llvm::Value* a = lower_expr(*c.args[0]);
    llvm::Value* bb = lower_expr(*c.args[1]);
    uint32_t shorter = std::min(c.args[0]->type.size, c.args[1]->type.size);
    llvm::Value* eq;
    if (auto* lit = c.args[2]->as<ast::IntLit>()) {
      uint32_t limit = static_cast<uint32_t>(std::min<uint64_t>(lit->value, shorter));
      eq = string_compare(a, limit, bb, limit);
    } else {
      // strncmp(a, b, $N): the length is only known when the tool starts.
      eq = string_compare(a, shorter, bb, shorter, lower_expr(*c.args[2]));
    }
    return b_.CreateZExt(b_.CreateNot(eq), i64_ty());
  }
  case CallFn::Delete: {
    const auto& m = *c.args[0]->as<ast::MapRef>();
    uint32_t idx = info_.map_index.at(m.name);
    if (info_.maps[idx].is_array) {
      // A per-CPU array entry cannot be deleted: zero it on this CPU.
      llvm::Value* v = map_lookup_or_init(maps_[idx], build_key(m), stmt_range_);
      zero_fill(v, info_.maps[idx].value_size);
      return i64(0);
    }
    llvm::Value* ret = call_helper(Helper::MapDeleteElem, i64_ty(), {maps_[idx], build_key(m)});
    return b_.CreateZExt(b_.CreateICmpEQ(ret, i64(0)), i64_ty()); // 0.2x: true if deleted
  }
  case CallFn::HasKey: {
    const auto& m = *c.args[0]->as<ast::MapRef>();
    uint32_t idx = info_.map_index.at(m.name);
    llvm::Value* v = call_helper(Helper::MapLookupElem, ptr_ty(), {maps_[idx], build_key(m)});
    return b_.CreateZExt(b_.CreateIsNotNull(v), i64_ty());
  }
  case CallFn::Sizeof:
    BTC_UNREACHABLE("sema folds sizeof() into a number");
  }
  BTC_UNREACHABLE("function without a lowering");
}

void Lowerer::lower_aggregation(const ast::MapRef& m, const ast::Expr& call, const Type& agg) {
  const auto& c = *call.as<ast::Call>();
  uint32_t idx = info_.map_index.at(m.name);
  const auto& mi = info_.maps[idx];
  llvm::Value* arg = nullptr;
  if (!c.args.empty()) arg = convert_int(lower_expr(*c.args[0]), c.args[0]->type);
  llvm::Value* key = build_key(m);
  llvm::Value* v = map_lookup_or_init(maps_[idx], key, call.range); // 0.17: the call's location
  auto add_at = [&](uint32_t offset, llvm::Value* delta) {
    llvm::Value* p = gep(v, offset);
    auto* old = b_.CreateAlignedLoad(i64_ty(), p, llvm::Align(8));
    b_.CreateAlignedStore(b_.CreateAdd(old, delta), p, llvm::Align(8));
  };
  auto bucket_inc = [&](llvm::Value* index, uint32_t buckets) {
    // Bound the index for the verifier, then bump the bucket. The opaque copy keeps the
    // check where LLVM can prove the bound itself (lhist(rand % 10, ...): an unsigned
    // remainder), which the verifier cannot (BPF_MOD results have no range).
    index = opaque(index);
    auto* over = b_.CreateICmpUGT(index, i64(buckets - 1));
    index = b_.CreateSelect(over, i64(buckets - 1), index);
    llvm::Value* p = b_.CreateGEP(b_.getInt8Ty(), v, b_.CreateMul(index, i64(8)));
    auto* old = b_.CreateAlignedLoad(i64_ty(), p, llvm::Align(8));
    b_.CreateAlignedStore(b_.CreateAdd(old, i64(1)), p, llvm::Align(8));
  };
  BTC_CHECK(c.desc && c.desc->aggregation(), "sema resolves every aggregation");
  switch (std::get<builtins::AggFn>(c.desc->id)) {
  case builtins::AggFn::Count:
    add_at(0, i64(1));
    return;
  case builtins::AggFn::Sum:
    add_at(0, arg);
    return;
  case builtins::AggFn::Avg:
  case builtins::AggFn::Stats:
    add_at(0, i64(1));
    add_at(8, arg);
    return;
  case builtins::AggFn::Min:
  case builtins::AggFn::Max: {
    auto* cur = b_.CreateAlignedLoad(i64_ty(), v, llvm::Align(8));
    auto* set = b_.CreateAlignedLoad(i64_ty(), gep(v, 8), llvm::Align(8));
    bool sgn = agg.is_signed;
    llvm::Value* better =
        agg.kind == ast::TypeKind::Min
            ? b_.CreateICmp(sgn ? llvm::CmpInst::ICMP_SLT : llvm::CmpInst::ICMP_ULT, arg, cur)
            : b_.CreateICmp(sgn ? llvm::CmpInst::ICMP_SGT : llvm::CmpInst::ICMP_UGT, arg, cur);
    auto* take = b_.CreateOr(b_.CreateICmpEQ(set, i64(0)), better);
    auto* upd_bb = llvm::BasicBlock::Create(ctx_, "minmax_update", fn_);
    auto* end_bb = llvm::BasicBlock::Create(ctx_, "minmax_end", fn_);
    b_.CreateCondBr(take, upd_bb, end_bb);
    b_.SetInsertPoint(upd_bb);
    b_.CreateAlignedStore(arg, v, llvm::Align(8));
    b_.CreateAlignedStore(i64(1), gep(v, 8), llvm::Align(8));
    b_.CreateBr(end_bb);
    b_.SetInsertPoint(end_bb);
    return;
  }
  case builtins::AggFn::Hist: {
    // 0.17's log2: negative -> 0, zero -> 1, else floor(log2(n)) + 2 computed over the low
    // 32 bits' shifts (16, 8, 4, 2, 1), so n >= 2^31 lands in [2G, 4G).
    auto* neg = b_.CreateICmpSLT(arg, i64(0));
    auto* zero = b_.CreateICmpEQ(arg, i64(0));
    llvm::Value* n = arg;
    llvm::Value* l = i64(0);
    for (int shift : {16, 8, 4, 2, 1}) {
      auto* ge = b_.CreateICmpUGE(n, i64(1ull << shift));
      n = b_.CreateSelect(ge, b_.CreateLShr(n, shift), n);
      l = b_.CreateSelect(ge, b_.CreateAdd(l, i64(shift)), l);
    }
    llvm::Value* index = b_.CreateAdd(l, i64(2));
    index = b_.CreateSelect(zero, i64(1), index);
    index = b_.CreateSelect(neg, i64(0), index);
    bucket_inc(index, abi::kHistBuckets);
    add_at(8 * abi::kHistBuckets, arg); // the sum slot after the buckets
    return;
  }
  case builtins::AggFn::Lhist: {
    uint32_t buckets = mi.value_size / 8 - 1; // the last slot is the sum
    auto* below = b_.CreateICmpSLT(arg, i64(agg.lhist_min));
    auto* above = b_.CreateICmpSGE(arg, i64(agg.lhist_max));
    llvm::Value* in = b_.CreateAdd(
        b_.CreateUDiv(b_.CreateSub(arg, i64(agg.lhist_min)), i64(agg.lhist_step)), i64(1));
    llvm::Value* index = b_.CreateSelect(above, i64(buckets - 1), in);
    index = b_.CreateSelect(below, i64(0), index);
    bucket_inc(index, buckets);
    add_at(8 * buckets, arg);
    return;
  }
  case builtins::AggFn::Tseries:
    lower_tseries(v, arg, agg);
    return;
  }
  BTC_UNREACHABLE("aggregation without a lowering");
}

// tseries(): the slot of the current interval (TAI time / interval, modulo the count) in the
// key's array of {value, meta, epoch}; a slot last written in another interval starts over.
void Lowerer::lower_tseries(llvm::Value* v, llvm::Value* arg, const Type& agg) {
  using abi::TseriesAgg;
  const uint32_t n = agg.tseries_intervals;
  llvm::Value* now = call_helper(Helper::KtimeGetTaiNs, i64_ty(), {});
  llvm::Value* epoch = b_.CreateUDiv(now, i64(agg.tseries_interval));
  llvm::Value* slot = b_.CreateURem(epoch, i64(n));
  // LLVM knows slot < n and would drop a bound check; the verifier does not know it. An
  // opaque copy keeps the check.
  slot = opaque(slot);
  slot = b_.CreateSelect(b_.CreateICmpUGT(slot, i64(n - 1)), i64(n - 1), slot);
  llvm::Value* p = b_.CreateGEP(b_.getInt8Ty(), v, b_.CreateMul(slot, i64(abi::kTseriesSlotSize)));
  llvm::Value* value_p = p;
  llvm::Value* meta_p = gep(p, 8);
  llvm::Value* epoch_p = gep(p, 16);
  auto load = [&](llvm::Value* at) { return b_.CreateAlignedLoad(i64_ty(), at, llvm::Align(8)); };
  auto store = [&](llvm::Value* x, llvm::Value* at) {
    b_.CreateAlignedStore(x, at, llvm::Align(8));
  };
  llvm::Value* fresh = b_.CreateICmpNE(load(epoch_p), epoch);
  llvm::Value* value = b_.CreateSelect(fresh, i64(0), load(value_p));
  llvm::Value* meta = b_.CreateSelect(fresh, i64(0), load(meta_p));
  switch (static_cast<TseriesAgg>(agg.tseries_agg)) {
  case TseriesAgg::Last:
    store(arg, value_p);
    store(now, meta_p);
    break;
  case TseriesAgg::Sum:
    store(b_.CreateAdd(value, arg), value_p);
    store(meta, meta_p);
    break;
  case TseriesAgg::Avg:
    store(b_.CreateAdd(value, arg), value_p);
    store(b_.CreateAdd(meta, i64(1)), meta_p);
    break;
  case TseriesAgg::Min:
  case TseriesAgg::Max: {
    bool is_min = static_cast<TseriesAgg>(agg.tseries_agg) == TseriesAgg::Min;
    auto pred = agg.is_signed ? (is_min ? llvm::CmpInst::ICMP_SLT : llvm::CmpInst::ICMP_SGT)
                              : (is_min ? llvm::CmpInst::ICMP_ULT : llvm::CmpInst::ICMP_UGT);
    llvm::Value* take = b_.CreateOr(b_.CreateICmpEQ(meta, i64(0)), b_.CreateICmp(pred, arg, value));
    store(b_.CreateSelect(take, arg, value), value_p);
    store(i64(1), meta_p);
    break;
  }
  }
  store(epoch, epoch_p);
}

} // namespace btc::codegen
