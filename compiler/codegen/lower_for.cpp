// lower_for.cpp: `for ($kv : @m) { body }` (bpftrace 0.2x) as bpf_for_each_map_elem(@m,
// callback, &frame, 0).
//
// The body becomes a static BPF function called once per entry with (map, key, value,
// frame). The frame is a buffer on the probe's stack: a u64 flag the body sets to leave the
// probe (`return`, `exit()`), the program's context, then every scratch variable the body
// names, copied in before the loop and back after it (the callback runs synchronously, so
// this is the same as sharing them). `break` returns 1 (stop), `continue` and the body's end
// return 0. $kv is built from the key and value the kernel passes.
#include "codegen/lowerer.h"

#include "ast/walk.h"

#include <set>

namespace btc::codegen {

namespace {

void collect_vars(const ast::Block& b, std::map<std::string, Type>& out);

void collect_expr(const ast::Expr& e, std::map<std::string, Type>& out) {
  if (const auto* v = e.as<ast::Var>()) out.emplace(v->name, e.type);
  auto& me = const_cast<ast::Expr&>(e); // each_child takes non-const nodes; nothing changes
  ast::each_child(
      me, [&](ast::ExprPtr& c) { collect_expr(*c, out); },
      [&](ast::Block& b) { collect_vars(b, out); });
}

void collect_vars(const ast::Block& b, std::map<std::string, Type>& out) {
  for (const auto& s : b) {
    auto& ms = const_cast<ast::Stmt&>(*s);
    if (const auto* l = s->as<ast::LetStmt>(); l && l->var_type.kind != ast::TypeKind::None)
      out.emplace(l->name, l->var_type);
    if (const auto* f = s->as<ast::ForStmt>(); f && f->map) out.emplace(f->var, f->map->type);
    ast::each_part(
        ms, [&](ast::ExprPtr& c) { collect_expr(*c, out); },
        [&](ast::Block& x) { collect_vars(x, out); });
  }
}

uint32_t slot_size(const Type& t) {
  return is_scalar(t) ? 8 : sema::align8(std::max<uint32_t>(t.size, 8));
}

} // namespace

void Lowerer::lower_map_for(const ast::ForStmt& f) {
  std::map<std::string, Type> used;
  collect_vars(f.body, used);
  used.erase(f.var);
  std::vector<std::pair<std::string, Type>> vars(used.begin(), used.end());
  std::vector<uint32_t> offsets;
  uint32_t size = 16; // return flag, context
  for (const auto& [name, t] : vars) {
    offsets.push_back(size);
    size += slot_size(t);
  }
  auto* frame = stack_buffer(size, "for_frame", false);
  zero_fill(frame, size);
  b_.CreateAlignedStore(ctx_arg_, gep(frame, 8), llvm::Align(8));
  std::vector<llvm::Value*> slots;
  for (size_t i = 0; i < vars.size(); ++i) {
    llvm::Value* slot = var_slot(vars[i].first, vars[i].second);
    slots.push_back(slot);
    copy_bytes(gep(frame, offsets[i]), slot, slot_size(vars[i].second));
  }
  llvm::Function* cb = loop_callback(f, vars, offsets);
  const auto& m = *f.map->as<ast::MapRef>();
  llvm::Value* map = maps_[info_.map_index.at(m.name)];
  call_helper(Helper::ForEachMapElem, i64_ty(), {map, cb, frame, i64(0)});
  for (size_t i = 0; i < vars.size(); ++i)
    copy_bytes(slots[i], gep(frame, offsets[i]), slot_size(vars[i].second));
  llvm::Value* leave = b_.CreateAlignedLoad(i64_ty(), frame, llvm::Align(8));
  if (loop_frame_) { // a loop inside a loop's body: pass the return on
    auto* ret_bb = llvm::BasicBlock::Create(ctx_, "for_return", fn_);
    auto* next_bb = llvm::BasicBlock::Create(ctx_, "for_next", fn_);
    b_.CreateCondBr(b_.CreateICmpNE(leave, i64(0)), ret_bb, next_bb);
    b_.SetInsertPoint(ret_bb);
    emit_return();
    b_.SetInsertPoint(next_bb);
  } else {
    return_if(b_.CreateICmpNE(leave, i64(0)), "for_return");
  }
}

// A static BPF function `long NAME(map, key, value, ctx)` for bpf_for_each_map_elem, with the
// debug information BTF needs (func info); its subprogram in `sp`.
llvm::Function* Lowerer::map_callback(const std::string& name, uint32_t line,
                                      llvm::DISubprogram*& sp) {
  auto* fty = llvm::FunctionType::get(i64_ty(), {ptr_ty(), ptr_ty(), ptr_ty(), ptr_ty()}, false);
  auto* fn = llvm::Function::Create(fty, llvm::GlobalValue::InternalLinkage, name, *module_);
  fn->setSection(".text");
  fn->addFnAttr(llvm::Attribute::NoUnwind);
  fn->addFnAttr(llvm::Attribute::NoInline);
  auto* long_di = dib_->createBasicType("long", 64, llvm::dwarf::DW_ATE_signed);
  auto* void_ptr = dib_->createPointerType(nullptr, 64);
  auto* sty = dib_->createSubroutineType(
      dib_->getOrCreateTypeArray({long_di, void_ptr, void_ptr, void_ptr, void_ptr}));
  sp = dib_->createFunction(cu_, name, name, file_, line, sty, line, llvm::DINode::FlagPrototyped,
                            llvm::DISubprogram::SPFlagDefinition |
                                llvm::DISubprogram::SPFlagLocalToUnit);
  fn->setSubprogram(sp);
  const char* params[] = {"map", "key", "value", "ctx"};
  for (unsigned i = 0; i < 4; ++i)
    dib_->createParameterVariable(sp, params[i], i + 1, file_, line, void_ptr, true);
  return fn;
}

llvm::Value* Lowerer::lower_map_len(const ast::MapRef& m) {
  llvm::Function* count = module_->getFunction("btc_count_entry");
  if (!count) { // long btc_count_entry(map, key, value, u64 *n) { ++*n; return 0; }
    llvm::DISubprogram* sp = nullptr;
    count = map_callback("btc_count_entry", 1, sp);
    llvm::IRBuilder<> cb(llvm::BasicBlock::Create(ctx_, "entry", count));
    cb.SetCurrentDebugLocation(llvm::DILocation::get(ctx_, 1, 1, sp));
    llvm::Value* n = count->getArg(3);
    cb.CreateAlignedStore(
        cb.CreateAdd(cb.CreateAlignedLoad(i64_ty(), n, llvm::Align(8)), cb.getInt64(1)), n,
        llvm::Align(8));
    cb.CreateRet(cb.getInt64(0));
    dib_->finalizeSubprogram(sp);
  }
  auto* n = stack_buffer(8, "len");
  b_.CreateAlignedStore(i64(0), n, llvm::Align(8));
  llvm::Value* map = maps_[info_.map_index.at(m.name)];
  call_helper(Helper::ForEachMapElem, i64_ty(), {map, count, n, i64(0)});
  return b_.CreateAlignedLoad(i64_ty(), n, llvm::Align(8));
}

llvm::Function* Lowerer::loop_callback(const ast::ForStmt& f,
                                       const std::vector<std::pair<std::string, Type>>& vars,
                                       const std::vector<uint32_t>& offsets) {
  // The probe's state, restored after the body.
  llvm::Function* outer_fn = fn_;
  llvm::Value* outer_ctx = ctx_arg_;
  auto outer_vars = std::move(vars_);
  auto outer_loops = std::move(loops_);
  auto outer_temps = std::move(temps_);
  llvm::Value* outer_frame = loop_frame_;
  llvm::DISubprogram* outer_sp = sp_;
  llvm::IRBuilderBase::InsertPoint outer_ip = b_.saveIP();
  llvm::DebugLoc outer_loc = b_.getCurrentDebugLocation();

  std::string name = fn_->getName().str() + "_for_" + std::to_string(f.var_range.begin);
  uint32_t line = options_.source ? options_.source->line_col(f.var_range.begin).line : 1;
  fn_ = map_callback(name, line, sp_);
  b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", fn_));
  set_loc(f.var_range);

  llvm::Value* key = fn_->getArg(1);
  llvm::Value* value = fn_->getArg(2);
  loop_frame_ = fn_->getArg(3);
  ctx_arg_ = b_.CreateAlignedLoad(ptr_ty(), gep(loop_frame_, 8), llvm::Align(8));
  vars_.clear();
  for (size_t i = 0; i < vars.size(); ++i) vars_[vars[i].first] = gep(loop_frame_, offsets[i]);
  // $kv = (key, value), the key a tuple of the keys when the map has several.
  const auto& m = *f.map->as<ast::MapRef>();
  const auto& mi = info_.maps[info_.map_index.at(m.name)];
  const Type& kv = f.map->type;
  auto* kv_buf = stack_buffer(kv.size, "kv", false);
  zero_fill(kv_buf, sema::align8(std::max<uint32_t>(kv.size, 8)));
  const Type& kt = kv.elems[0];
  for (size_t i = 0; i < mi.key_types.size(); ++i) {
    uint32_t dst = kv.elem_offsets[0] + (mi.key_types.size() == 1 ? 0 : kt.elem_offsets[i]);
    copy_bytes(gep(kv_buf, dst), gep(key, mi.key_offsets[i]), mi.key_types[i].size);
  }
  if (mi.percpu && mi.kind != abi::MapKind::Plain)
    b_.CreateAlignedStore(sum_over_cpus(mi, info_.map_index.at(m.name), key),
                          gep(kv_buf, kv.elem_offsets[1]), llvm::Align(8));
  else
    copy_bytes(gep(kv_buf, kv.elem_offsets[1]), value, kv.elems[1].size);
  if (is_scalar(kv)) BTC_UNREACHABLE("a (key, value) tuple is never scalar");
  vars_[f.var] = kv_buf;

  auto* stop_bb = llvm::BasicBlock::Create(ctx_, "for_break", fn_);
  auto* next_bb = llvm::BasicBlock::Create(ctx_, "for_continue", fn_);
  loops_.clear();
  loops_.push_back({stop_bb, next_bb});
  temps_.clear();
  lower_block(f.body);
  if (!b_.GetInsertBlock()->getTerminator()) b_.CreateBr(next_bb);
  b_.SetInsertPoint(stop_bb);
  b_.CreateRet(i64(1));
  b_.SetInsertPoint(next_bb);
  b_.CreateRet(i64(0));
  dib_->finalizeSubprogram(sp_);
  llvm::Function* cb = fn_;

  fn_ = outer_fn;
  ctx_arg_ = outer_ctx;
  vars_ = std::move(outer_vars);
  loops_ = std::move(outer_loops);
  temps_ = std::move(outer_temps);
  loop_frame_ = outer_frame;
  sp_ = outer_sp;
  b_.restoreIP(outer_ip);
  b_.SetCurrentDebugLocation(outer_loc);
  return cb;
}

// The value of an aggregation entry over every CPU (the callback sees this CPU's only):
// bpf_map_lookup_percpu_elem (5.19+) for CPUs 0..ncpus-1, ncpus from the frozen .rodata, so
// the verifier knows the bound. count/sum add up, min/max take the set ones, avg is
// total / count.
llvm::Value* Lowerer::sum_over_cpus(const sema::MapInfo& mi, uint32_t map_index, llvm::Value* key) {
  using abi::MapKind;
  auto* total = entry_alloca(i64_ty(), "cpu_total");
  auto* count = entry_alloca(i64_ty(), "cpu_count");
  auto* have = entry_alloca(i64_ty(), "cpu_have");
  auto* cpu = entry_alloca(i64_ty(), "cpu");
  for (auto* a : {total, count, have, cpu}) b_.CreateAlignedStore(i64(0), a, llvm::Align(8));
  auto load = [&](llvm::Value* p) { return b_.CreateAlignedLoad(i64_ty(), p, llvm::Align(8)); };
  auto* cond_bb = llvm::BasicBlock::Create(ctx_, "cpus_cond", fn_);
  auto* body_bb = llvm::BasicBlock::Create(ctx_, "cpus_body", fn_);
  auto* found_bb = llvm::BasicBlock::Create(ctx_, "cpus_found", fn_);
  auto* next_bb = llvm::BasicBlock::Create(ctx_, "cpus_next", fn_);
  auto* end_bb = llvm::BasicBlock::Create(ctx_, "cpus_end", fn_);
  b_.CreateBr(cond_bb);
  b_.SetInsertPoint(cond_bb);
  constexpr uint64_t kMaxCpus = 8192;
  llvm::Value* c = load(cpu);
  b_.CreateCondBr(b_.CreateAnd(b_.CreateICmpULT(c, config_u64(layout_.ncpus)),
                               b_.CreateICmpULT(c, i64(kMaxCpus))),
                  body_bb, end_bb);
  b_.SetInsertPoint(body_bb);
  llvm::Value* p = call_helper(Helper::MapLookupPercpuElem, ptr_ty(),
                               {maps_[map_index], key, b_.CreateTrunc(c, b_.getInt32Ty())});
  b_.CreateCondBr(b_.CreateIsNull(p), next_bb, found_bb);
  b_.SetInsertPoint(found_bb);
  llvm::Value* v0 = load(p);
  switch (mi.kind) {
  case MapKind::Count:
  case MapKind::Sum:
    b_.CreateAlignedStore(b_.CreateAdd(load(total), v0), total, llvm::Align(8));
    break;
  case MapKind::Avg:
    b_.CreateAlignedStore(b_.CreateAdd(load(count), v0), count, llvm::Align(8));
    b_.CreateAlignedStore(b_.CreateAdd(load(total), load(gep(p, 8))), total, llvm::Align(8));
    break;
  case MapKind::Min:
  case MapKind::Max: {
    bool is_min = mi.kind == MapKind::Min;
    auto pred = mi.value_type.is_signed
                    ? (is_min ? llvm::CmpInst::ICMP_SLT : llvm::CmpInst::ICMP_SGT)
                    : (is_min ? llvm::CmpInst::ICMP_ULT : llvm::CmpInst::ICMP_UGT);
    llvm::Value* set = b_.CreateICmpNE(load(gep(p, 8)), i64(0));
    llvm::Value* better =
        b_.CreateOr(b_.CreateICmpEQ(load(have), i64(0)), b_.CreateICmp(pred, v0, load(total)));
    llvm::Value* take = b_.CreateAnd(set, better);
    b_.CreateAlignedStore(b_.CreateSelect(take, v0, load(total)), total, llvm::Align(8));
    b_.CreateAlignedStore(b_.CreateSelect(take, i64(1), load(have)), have, llvm::Align(8));
    break;
  }
  case MapKind::Plain:
  case MapKind::Stats:
  case MapKind::Hist:
  case MapKind::Lhist:
  case MapKind::Tseries:
    BTC_UNREACHABLE("sema allows for loops over count/sum/min/max/avg maps only");
  }
  b_.CreateBr(next_bb);
  b_.SetInsertPoint(next_bb);
  b_.CreateAlignedStore(b_.CreateAdd(load(cpu), i64(1)), cpu, llvm::Align(8));
  b_.CreateBr(cond_bb);
  b_.SetInsertPoint(end_bb);
  if (mi.kind != MapKind::Avg) return load(total);
  llvm::Value* n = load(count);
  llvm::Value* safe = b_.CreateSelect(b_.CreateICmpEQ(n, i64(0)), i64(1), n);
  llvm::Value* t = load(total);
  if (!mi.value_type.is_signed) return b_.CreateUDiv(t, safe);
  // BPF v3 has no signed division: divide the magnitude, then restore the sign.
  llvm::Value* negative = b_.CreateICmpSLT(t, i64(0));
  llvm::Value* q = b_.CreateUDiv(b_.CreateSelect(negative, b_.CreateNeg(t), t), safe);
  return b_.CreateSelect(negative, b_.CreateNeg(q), q);
}

} // namespace btc::codegen
