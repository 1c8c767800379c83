// lower_stmt.cpp: statements to IR: assignments to scratch variables and maps (incl.
// compound assignment and aggregations), if/else, unroll (the body emitted N times), while
// with break/continue, return.
//
// Example: `@x[pid] += 2` becomes: key buffer <- pid; v = lookup(@x, key) or 0;
// update(@x, key, v + 2).
#include "codegen/lowerer.h"

namespace btc::codegen {

void Lowerer::emit_return(llvm::Value* value) {
  if (loop_frame_) { // in a for loop's callback: stop iterating, then return from the probe
    b_.CreateAlignedStore(i64(1), loop_frame_, llvm::Align(8));
    b_.CreateRet(i64(1));
  } else {
    // The program's return value (0 unless `return N;`: what a test probe's run reports).
    b_.CreateRet(value ? b_.CreateTrunc(value, b_.getInt32Ty()) : b_.getInt32(0));
  }
  // Statements after a return/exit are unreachable; give them a block LLVM will drop.
  b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "dead", fn_));
}

void Lowerer::lower_block(const ast::Block& block) {
  for (const auto& s : block) lower_stmt(*s);
}

void Lowerer::lower_stmt(const ast::Stmt& stmt) {
  set_loc(stmt.range);
  stmt_range_ = stmt.range;
  size_t temps_before = temps_.size();
  std::visit(
      [&](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, ast::ExprStmt>) {
          lower_expr(*n.expr);
        } else if constexpr (std::is_same_v<T, ast::AssignStmt>) {
          lower_assign(n);
        } else if constexpr (std::is_same_v<T, ast::IfStmt>) {
          llvm::Value* c = to_bool(lower_expr(*n.cond));
          auto* then_bb = llvm::BasicBlock::Create(ctx_, "if_then", fn_);
          auto* else_bb = llvm::BasicBlock::Create(ctx_, "if_else", fn_);
          auto* end_bb = llvm::BasicBlock::Create(ctx_, "if_end", fn_);
          b_.CreateCondBr(c, then_bb, else_bb);
          b_.SetInsertPoint(then_bb);
          lower_block(n.then_block);
          if (!b_.GetInsertBlock()->getTerminator()) b_.CreateBr(end_bb);
          b_.SetInsertPoint(else_bb);
          lower_block(n.else_block);
          if (!b_.GetInsertBlock()->getTerminator()) b_.CreateBr(end_bb);
          b_.SetInsertPoint(end_bb);
        } else if constexpr (std::is_same_v<T, ast::UnrollStmt>) {
          if (auto* lit = n.count->template as<ast::IntLit>()) {
            for (uint64_t i = 0; i < lit->value; ++i) lower_block(n.body);
          } else {
            lower_runtime_unroll(n);
          }
        } else if constexpr (std::is_same_v<T, ast::WhileStmt>) {
          auto* cond_bb = llvm::BasicBlock::Create(ctx_, "while_cond", fn_);
          auto* body_bb = llvm::BasicBlock::Create(ctx_, "while_body", fn_);
          auto* end_bb = llvm::BasicBlock::Create(ctx_, "while_end", fn_);
          b_.CreateBr(cond_bb);
          b_.SetInsertPoint(cond_bb);
          b_.CreateCondBr(to_bool(lower_expr(*n.cond)), body_bb, end_bb);
          b_.SetInsertPoint(body_bb);
          loops_.push_back({end_bb, cond_bb});
          lower_block(n.body);
          loops_.pop_back();
          if (!b_.GetInsertBlock()->getTerminator()) b_.CreateBr(cond_bb);
          b_.SetInsertPoint(end_bb);
        } else if constexpr (std::is_same_v<T, ast::LetStmt>) {
          lower_let(n);
        } else if constexpr (std::is_same_v<T, ast::ForStmt>) {
          lower_map_for(n); // range loops are while loops since the expand phase
        } else if constexpr (std::is_same_v<T, ast::BreakStmt>) {
          b_.CreateBr(loops_.back().break_bb);
          b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "dead", fn_));
        } else if constexpr (std::is_same_v<T, ast::ContinueStmt>) {
          b_.CreateBr(loops_.back().continue_bb);
          b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "dead", fn_));
        } else if constexpr (std::is_same_v<T, ast::ReturnStmt>) {
          emit_return(n.value ? convert_int(lower_expr(*n.value), n.value->type) : nullptr);
        }
      },
      stmt.node);
  end_temporaries(temps_before);
}

// unroll($N): a loop running the body min($N, 100) times (0.17 copies the body $N times; the
// count is only known on the target host here).
void Lowerer::lower_runtime_unroll(const ast::UnrollStmt& n) {
  llvm::Value* count = lower_expr(*n.count);
  count = b_.CreateSelect(b_.CreateICmpSGT(count, i64(100)), i64(100), count);
  auto* i = entry_alloca(i64_ty(), "unroll_i");
  b_.CreateStore(i64(0), i);
  auto* cond_bb = llvm::BasicBlock::Create(ctx_, "unroll_cond", fn_);
  auto* body_bb = llvm::BasicBlock::Create(ctx_, "unroll_body", fn_);
  auto* end_bb = llvm::BasicBlock::Create(ctx_, "unroll_end", fn_);
  b_.CreateBr(cond_bb);
  b_.SetInsertPoint(cond_bb);
  llvm::Value* iv = b_.CreateLoad(i64_ty(), i);
  b_.CreateCondBr(b_.CreateICmpSLT(iv, count), body_bb, end_bb);
  b_.SetInsertPoint(body_bb);
  lower_block(n.body);
  if (!b_.GetInsertBlock()->getTerminator()) {
    b_.CreateStore(b_.CreateAdd(b_.CreateLoad(i64_ty(), i), i64(1)), i);
    b_.CreateBr(cond_bb);
  }
  b_.SetInsertPoint(end_bb);
}

// `cur op= rhs` with 0.17's semantics (unsigned / % >>, x / 0 == 0); a pointer `cur` of type
// `target` moves by rhs elements.
llvm::Value* Lowerer::compound_value(ast::AssignOp op, llvm::Value* cur, llvm::Value* rhs,
                                     const Type& target) {
  if (target.is_pointer()) rhs = b_.CreateMul(rhs, i64(element_size(target)));
  auto safe_div = [&](bool rem) {
    auto* zero = b_.CreateICmpEQ(rhs, i64(0));
    auto* d = b_.CreateSelect(zero, i64(1), rhs);
    return b_.CreateSelect(zero, i64(0), rem ? b_.CreateURem(cur, d) : b_.CreateUDiv(cur, d));
  };
  switch (ast::compound_binop(op)) {
  case ast::BinOp::Add: return b_.CreateAdd(cur, rhs);
  case ast::BinOp::Sub: return b_.CreateSub(cur, rhs);
  case ast::BinOp::Mul: return b_.CreateMul(cur, rhs);
  case ast::BinOp::Div: return safe_div(false);
  case ast::BinOp::Mod: return safe_div(true);
  case ast::BinOp::BitAnd: return b_.CreateAnd(cur, rhs);
  case ast::BinOp::BitOr: return b_.CreateOr(cur, rhs);
  case ast::BinOp::BitXor: return b_.CreateXor(cur, rhs);
  case ast::BinOp::Shl: return b_.CreateShl(cur, rhs);
  case ast::BinOp::Shr: return b_.CreateLShr(cur, rhs);
  default: return rhs;
  }
}

llvm::Value* Lowerer::var_slot(const std::string& name, const Type& t) {
  auto it = vars_.find(name);
  if (it != vars_.end()) return it->second;
  auto* slot = is_scalar(t) ? entry_alloca(i64_ty(), name) : stack_buffer(t.size, name, false);
  vars_[name] = slot;
  return slot;
}

// `let $x;` starts $x at zero each time it runs (a loop body's declaration too).
void Lowerer::lower_let(const ast::LetStmt& l) {
  const Type& t = l.var_type;
  if (t.kind == ast::TypeKind::None) return;
  auto* slot = var_slot(l.name, t);
  if (is_scalar(t))
    b_.CreateStore(i64(0), slot);
  else
    zero_fill(slot, sema::align8(std::max<uint32_t>(t.size, 8)));
}

void Lowerer::lower_assign(const ast::AssignStmt& a) {
  const ast::Type& vt = a.value->type;
  if (auto* m = a.target->as<ast::MapRef>()) {
    if (vt.is_aggregation()) {
      lower_aggregation(*m, *a.value, vt);
      return;
    }
    llvm::Value* v = lower_expr(*a.value);
    if (a.op != ast::AssignOp::Assign) {
      const Type& tt = a.target->type;
      llvm::Value* cur = read_map(*m, tt);
      v = compound_value(a.op, cur, convert_int(v, vt), tt);
      store_map(*m, v, tt.is_pointer() ? tt : ast::Type::integer(8, tt.is_signed), stmt_range_);
      return;
    }
    store_map(*m, v, vt, a.op_range);
    return;
  }
  auto* var = a.target->as<ast::Var>();
  const ast::Type& t = a.target->type;
  llvm::Value* slot = var_slot(var->name, t);
  llvm::Value* v = lower_expr(*a.value);
  if (a.op != ast::AssignOp::Assign) {
    llvm::Value* cur = b_.CreateLoad(i64_ty(), slot);
    v = compound_value(a.op, cur, convert_int(v, vt), t);
    // A narrow variable keeps its width: truncate and re-extend.
    v = convert_int(v, t);
    b_.CreateStore(v, slot);
    return;
  }
  if (is_scalar(t)) {
    if (vt.is_integer()) v = convert_int(v, vt);
    // Assigning a wider value to a narrower variable keeps the variable's type.
    if (t.is_integer()) v = convert_int(v, t);
    b_.CreateStore(v, slot);
    return;
  }
  store_value(slot, v, vt, t.size, &t);
}

void Lowerer::store_map(const ast::MapRef& m, llvm::Value* value, const Type& type,
                        source::SourceRange where) {
  constexpr uint64_t kAny = 0; // BPF_ANY
  uint32_t idx = info_.map_index.at(m.name);
  const auto& mi = info_.maps[idx];
  llvm::Value* key = build_key(m);
  auto* buf = stack_buffer(mi.value_size, "map_value");
  if (type.is_integer()) value = convert_int(value, type);
  if (is_scalar(type)) {
    b_.CreateAlignedStore(value, buf, llvm::Align(8));
  } else {
    store_value(buf, value, type, mi.value_size, &mi.value_type);
  }
  auto* ret = call_helper(Helper::MapUpdateElem, i64_ty(), {maps_[idx], key, buf, i64(kAny)});
  check_helper_result(Helper::MapUpdateElem, ret, where, idx, 0);
}

} // namespace btc::codegen
