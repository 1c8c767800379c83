// lower_expr.cpp: expressions to IR with bpftrace 0.17's integer semantics (64-bit values,
// unsigned / % >>, signed compares only when both sides are signed, x/0 == 0), string
// comparison, tuples, map reads, builtins, kernel field reads through CO-RE.
//
// Example: `curtask->real_parent->pid` = probe_read_kernel(&tmp, 8, core(&task->real_parent));
// probe_read_kernel(&tmp2, 4, core(&parent->pid)); sext(tmp2).
#include "codegen/lowerer.h"

namespace btc::codegen {

using K = ast::TypeKind;

bool is_scalar(const Type& t) {
  switch (t.kind) {
  case K::Integer: case K::Pointer: case K::Probe: case K::Ctx: case K::Ksym:
  case K::Username: case K::Strerror:
    return true;
  default:
    return false;
  }
}

uint64_t element_size(const Type& p) {
  return p.pointee && p.pointee->size ? p.pointee->size : 1;
}

llvm::Value* Lowerer::convert_int(llvm::Value* v, const Type& t) {
  if (!t.is_integer() || t.size >= 8) return v;
  auto* narrow = b_.CreateTrunc(v, b_.getIntNTy(t.size * 8));
  return t.is_signed ? b_.CreateSExt(narrow, i64_ty()) : b_.CreateZExt(narrow, i64_ty());
}

llvm::Value* Lowerer::to_bool(llvm::Value* v) { return b_.CreateICmpNE(v, i64(0)); }

// A tuple or record value: its elements at their offsets in a stack buffer.
llvm::Value* Lowerer::lower_tuple(const std::vector<ast::ExprPtr>& elems, const Type& t) {
  auto* buf = stack_buffer(std::max<uint32_t>(t.size, 1), "tuple");
  zero_fill(buf, sema::align8(std::max<uint32_t>(t.size, 8)));
  for (size_t i = 0; i < elems.size(); ++i) {
    llvm::Value* v = lower_expr(*elems[i]);
    llvm::Value* dst = gep(buf, t.elem_offsets[i]);
    if (elems[i]->type.is_integer()) v = convert_int(v, elems[i]->type);
    store_value(dst, v, elems[i]->type, t.elems[i].size);
  }
  return buf;
}

llvm::Value* Lowerer::lower_expr(const ast::Expr& e) {
  return std::visit(
      [&](const auto& n) -> llvm::Value* {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, ast::IntLit>) {
          return i64(n.value);
        } else if constexpr (std::is_same_v<T, ast::BoolLit>) {
          return i64(n.value ? 1 : 0);
        } else if constexpr (std::is_same_v<T, ast::RecordLit>) {
          return lower_tuple(n.values, e.type);
        } else if constexpr (std::is_same_v<T, ast::BlockExpr>) {
          lower_block(n.stmts);
          return n.value ? lower_expr(*n.value) : i64(0);
        } else if constexpr (std::is_same_v<T, ast::StrLit>) {
          // Whole 8-byte words (little-endian), the NUL and padding included: a few stores
          // instead of a memset and one store per byte for LLVM to merge.
          uint32_t size = e.type.size;
          auto* buf = stack_buffer(size, "str");
          for (uint32_t at = 0; at < sema::align8(size); at += 8) {
            uint64_t word = 0;
            for (uint32_t k = 0; k < 8 && at + k < n.value.size(); ++k)
              word |= uint64_t(static_cast<uint8_t>(n.value[at + k])) << (8 * k);
            b_.CreateAlignedStore(i64(word), gep(buf, at), llvm::Align(8));
          }
          return buf;
        } else if constexpr (std::is_same_v<T, ast::Builtin>) {
          return lower_builtin(e, n);
        } else if constexpr (std::is_same_v<T, ast::Ident>) {
          auto it = info_.btf_enums.find(&e);
          BTC_CHECK(it != info_.btf_enums.end(), "sema folds or records every identifier");
          if (core_ && it->second.first)
            if (llvm::Value* v = core_->enum_value_reloc(b_, it->second.first, n.name))
              return v;
          return i64(static_cast<uint64_t>(it->second.second));
        } else if constexpr (std::is_same_v<T, ast::Positional>) {
          if (n.index == 0 || n.index > info_.max_positional) return i64(0);
          if (e.type.is_string()) return gep(config_, layout_.str_args + (n.index - 1) * info_.strlen);
          return config_u64(layout_.int_args + (n.index - 1) * 8);
        } else if constexpr (std::is_same_v<T, ast::PositionalCount>) {
          return config_u64(layout_.num_args);
        } else if constexpr (std::is_same_v<T, ast::Var>) {
          auto it = vars_.find(n.name);
          if (it == vars_.end()) return i64(0);
          if (is_scalar(e.type)) return b_.CreateLoad(i64_ty(), it->second);
          return it->second;
        } else if constexpr (std::is_same_v<T, ast::MapRef>) {
          return read_map(n, e.type);
        } else if constexpr (std::is_same_v<T, ast::Call>) {
          return lower_call(e, n);
        } else if constexpr (std::is_same_v<T, ast::Binary>) {
          return lower_binary(e, n);
        } else if constexpr (std::is_same_v<T, ast::Unary>) {
          if (n.op == ast::UnOp::AddrOf) return lower_address_of(*n.operand);
          llvm::Value* v = lower_expr(*n.operand);
          switch (n.op) {
          case ast::UnOp::Neg: return convert_int(b_.CreateNeg(v), e.type);
          case ast::UnOp::LogNot: return b_.CreateZExt(b_.CreateICmpEQ(v, i64(0)), i64_ty());
          case ast::UnOp::BitNot: return convert_int(b_.CreateNot(v), e.type);
          case ast::UnOp::AddrOf:
            BTC_UNREACHABLE("& is lowered before its operand");
          case ast::UnOp::Deref: {
            if (e.type.kind == K::Record) return v; // the record's address
            if (n.operand->type.context)
              return context_load(b_.CreateIntToPtr(v, ptr_ty()), e.type);
            auto* tmp = stack_buffer(8, "deref");
            zero_fill(tmp, 8);
            // -kk warns about a failed read at the `*`, as 0.17 does.
            check_helper_result(read_helper(n.operand->type.as),
                                probe_read(tmp, e.type.size, v, n.operand->type.as),
                                {e.range.begin, e.range.begin + 1}, abi::kNoIndex, 2);
            llvm::Value* raw = b_.CreateLoad(b_.getIntNTy(e.type.size * 8), tmp);
            return e.type.is_signed ? b_.CreateSExt(raw, i64_ty()) : b_.CreateZExt(raw, i64_ty());
          }
          }
          return v;
        } else if constexpr (std::is_same_v<T, ast::IncDec>) {
          // A pointer steps by the size of what it points to.
          const Type& tt = n.target->type;
          uint64_t step = tt.is_pointer() ? element_size(tt) : 1;
          llvm::Value* delta = i64(n.increment ? step : static_cast<uint64_t>(-step));
          if (auto* v = n.target->template as<ast::Var>()) {
            auto* slot = vars_.at(v->name);
            llvm::Value* old = b_.CreateLoad(i64_ty(), slot);
            llvm::Value* nv = convert_int(b_.CreateAdd(old, delta), tt);
            b_.CreateStore(nv, slot);
            return n.prefix ? nv : old;
          }
          const auto& m = *n.target->template as<ast::MapRef>();
          const Type value_type = tt.is_pointer() ? tt : Type::int64();
          llvm::Value* old = read_map(m, value_type);
          llvm::Value* nv = b_.CreateAdd(old, delta);
          store_map(m, nv, value_type, stmt_range_);
          return n.prefix ? nv : old;
        } else if constexpr (std::is_same_v<T, ast::Ternary>) {
          llvm::Value* c = to_bool(lower_expr(*n.cond));
          auto* then_bb = llvm::BasicBlock::Create(ctx_, "tern_then", fn_);
          auto* else_bb = llvm::BasicBlock::Create(ctx_, "tern_else", fn_);
          auto* end_bb = llvm::BasicBlock::Create(ctx_, "tern_end", fn_);
          llvm::AllocaInst* out = nullptr;
          if (!is_scalar(e.type) && e.type.kind != K::None) out = stack_buffer(e.type.size, "tern");
          b_.CreateCondBr(c, then_bb, else_bb);
          auto arm = [&](const ast::Expr& x, llvm::BasicBlock* bb) -> std::pair<llvm::Value*, llvm::BasicBlock*> {
            b_.SetInsertPoint(bb);
            llvm::Value* v = lower_expr(x);
            if (out) store_value(out, v, x.type, e.type.size);
            else if (x.type.is_integer()) v = convert_int(v, x.type);
            auto* last = b_.GetInsertBlock();
            b_.CreateBr(end_bb);
            return {v, last};
          };
          auto [tv, tb] = arm(*n.then_expr, then_bb);
          auto [ev, eb] = arm(*n.else_expr, else_bb);
          b_.SetInsertPoint(end_bb);
          if (out) return out;
          if (e.type.kind == K::None) return i64(0);
          auto* phi = b_.CreatePHI(i64_ty(), 2);
          phi->addIncoming(tv, tb);
          phi->addIncoming(ev, eb);
          return phi;
        } else if constexpr (std::is_same_v<T, ast::FieldAccess>) {
          return lower_field(e, n);
        } else if constexpr (std::is_same_v<T, ast::TupleIndex>) {
          llvm::Value* base = lower_expr(*n.base);
          const Type& bt = n.base->type;
          llvm::Value* p = gep(base, bt.elem_offsets[n.index]);
          if (e.type.is_integer() && e.type.size < 8) { // stored at its own width
            llvm::Value* raw = b_.CreateAlignedLoad(b_.getIntNTy(e.type.size * 8), p, llvm::Align(1));
            return e.type.is_signed ? b_.CreateSExt(raw, i64_ty()) : b_.CreateZExt(raw, i64_ty());
          }
          if (is_scalar(e.type)) return load_u64(p);
          return p;
        } else if constexpr (std::is_same_v<T, ast::Index>) {
          llvm::Value* base = lower_expr(*n.base);
          if (n.base->type.is_pointer()) {
            // p[i]: the element at p + i * size, read from where p points (i may be $N).
            llvm::Value* offset = b_.CreateMul(lower_expr(*n.index), i64(element_size(n.base->type)));
            return read_at(b_.CreateAdd(base, offset), e.type, 0, e.range, n.base->type.as,
                           /*bpf_memory=*/false);
          }
          uint64_t idx = n.index->template as<ast::IntLit>()->value;
          uint32_t esize = e.type.size;
          llvm::Value* p = gep(base, idx * esize);
          if (e.type.is_integer()) {
            llvm::Value* raw = b_.CreateAlignedLoad(b_.getIntNTy(esize * 8), p, llvm::Align(1));
            return e.type.is_signed ? b_.CreateSExt(raw, i64_ty()) : b_.CreateZExt(raw, i64_ty());
          }
          if (e.type.is_pointer()) return b_.CreateAlignedLoad(i64_ty(), p, llvm::Align(1));
          return p;
        } else if constexpr (std::is_same_v<T, ast::Cast>) {
          // 0.17: narrowing truncates; widening extends the source bits by the DESTINATION's
          // signedness ((uint16)(int8)-2 == 254, (int64)(uint8)(int8)-1 == -1).
          llvm::Value* v = lower_expr(*n.operand);
          const Type& from = n.operand->type;
          if (e.type.kind == K::Array) { // (uint8[8])x: x's bytes, little-endian
            auto* buf = stack_buffer(e.type.size, "array_cast");
            b_.CreateAlignedStore(b_.CreateTrunc(v, b_.getIntNTy(8 * e.type.size)), buf,
                                  llvm::Align(1));
            return buf;
          }
          if (from.kind == K::Array && e.type.is_integer()) { // (uint64)$a: the array's bytes
            llvm::Value* src = v;
            if (!v->getType()->isPointerTy()) { // an array in kernel/user memory
              src = stack_buffer(from.size, "array_bytes");
              probe_read(src, from.size, v, from.as);
            }
            llvm::Value* raw =
                b_.CreateAlignedLoad(b_.getIntNTy(8 * e.type.size), src, llvm::Align(1));
            return e.type.is_signed ? b_.CreateSExt(raw, i64_ty()) : b_.CreateZExt(raw, i64_ty());
          }
          if (!e.type.is_integer()) return v;
          uint32_t bits = 8 * std::min<uint32_t>(from.is_integer() ? from.size : 8, e.type.size);
          if (bits >= 64) return v;
          llvm::Value* narrow = b_.CreateTrunc(v, b_.getIntNTy(bits));
          return e.type.is_signed ? b_.CreateSExt(narrow, i64_ty()) : b_.CreateZExt(narrow, i64_ty());
        } else if constexpr (std::is_same_v<T, ast::Tuple>) {
          return lower_tuple(n.elems, e.type);
        } else if constexpr (std::is_same_v<T, ast::Offsetof>) {
          const auto& [root, path] = info_.offsetof_paths.at(&e);
          llvm::Value* base = llvm::ConstantPointerNull::get(b_.getPtrTy());
          llvm::Value* field = core_->field_address(b_, base, root, path);
          return b_.CreateZExt(core_->field_info(b_, field, FieldInfoKind::ByteOffset), i64_ty());
        } else if constexpr (std::is_same_v<T, ast::Sizeof>) {
          BTC_UNREACHABLE("sema folds sizeof into a number");
        }
      },
      e.node);
}

llvm::Value* Lowerer::lower_builtin(const ast::Expr& e, const ast::Builtin& b) {
  BTC_CHECK(b.desc, "sema resolves every builtin");
  const auto* d = b.desc;
  uint32_t index = b.index;
  using builtins::VarId;
  switch (d->id) {
  case VarId::Pid:
    return b_.CreateLShr(call_helper(Helper::GetCurrentPidTgid, i64_ty(), {}), 32);
  case VarId::Tid:
    return b_.CreateAnd(call_helper(Helper::GetCurrentPidTgid, i64_ty(), {}), 0xffffffffull);
  case VarId::Uid:
    return b_.CreateAnd(call_helper(Helper::GetCurrentUidGid, i64_ty(), {}), 0xffffffffull);
  case VarId::Gid:
    return b_.CreateLShr(call_helper(Helper::GetCurrentUidGid, i64_ty(), {}), 32);
  case VarId::Nsecs: return call_helper(Helper::KtimeGetBootNs, i64_ty(), {});
  case VarId::Elapsed:
    return b_.CreateSub(call_helper(Helper::KtimeGetBootNs, i64_ty(), {}),
                        config_u64(layout_.start_ns));
  case VarId::Cpu:
    return b_.CreateZExt(call_helper(Helper::GetSmpProcessorId, b_.getInt32Ty(), {}), i64_ty());
  case VarId::Numaid:
    return b_.CreateZExt(call_helper(Helper::GetNumaNodeId, b_.getInt32Ty(), {}), i64_ty());
  case VarId::Rand:
    return b_.CreateZExt(call_helper(Helper::GetPrandomU32, b_.getInt32Ty(), {}), i64_ty());
  case VarId::Cgroup: return call_helper(Helper::GetCurrentCgroupId, i64_ty(), {});
  case VarId::Comm: {
    auto* buf = stack_buffer(16, "comm");
    zero_fill(buf, 16);
    call_helper(Helper::GetCurrentComm, i64_ty(), {buf, b_.getInt32(16)});
    return buf;
  }
  case VarId::Probe:
    if (spec_->wildcard) return provider().probe_id_of(*this, attach_id());
    return i64(probe_id_);
  case VarId::Curtask: return call_helper(Helper::GetCurrentTask, i64_ty(), {});
  case VarId::Args: return b_.CreatePtrToInt(ctx_arg_, i64_ty());
  case VarId::Cpid: return config_u64(layout_.child_pid);
  case VarId::Arg:
    return provider().lower_arg(*this, index);
  case VarId::Retval:
    return convert_int(provider().lower_retval(*this), e.type);
  case VarId::Func:
    return provider().lower_func(*this);
  case VarId::Kstack:
  case VarId::Ustack:
  case VarId::DwUstack:
    return stack_value(e.type, &e);
  case VarId::Username:
    return b_.CreateAnd(call_helper(Helper::GetCurrentUidGid, i64_ty(), {}), 0xffffffffull);
  case VarId::Sarg: {
    // The Nth 8-byte stack slot of the caller's arguments: *(sp + offset + 8 * N), where
    // offset skips what the call pushed (x86-64: the return address; aarch64: nothing).
    const targets::Target& target = *info_.target;
    llvm::Value* sp =
        b_.CreateAlignedLoad(i64_ty(), gep(ctx_arg_, target.sp_offset), llvm::Align(8));
    auto* buf = stack_buffer(8, "sarg");
    zero_fill(buf, 8);
    probe_read(buf, 8, b_.CreateAdd(sp, i64(target.stack_arg_offset + 8 * index)), e.type.as);
    return b_.CreateAlignedLoad(i64_ty(), buf, llvm::Align(8));
  }
  case VarId::Ctx:
    return b_.CreatePtrToInt(ctx_arg_, i64_ty());
  case VarId::Jiffies:
    return call_helper(Helper::Jiffies64, i64_ty(), {});
  case VarId::Ncpus:
    return config_u64(layout_.ncpus);
  case VarId::Usermode: {
    // x86-64: ring 3 in cs; aarch64: EL0 in pstate.
    const targets::ModeTest& t = info_.target->user_mode;
    llvm::Value* reg = context_load(gep(ctx_arg_, t.offset), Type::uint64());
    return b_.CreateZExt(b_.CreateICmpEQ(b_.CreateAnd(reg, i64(t.mask)), i64(t.value)), i64_ty());
  }
  case VarId::Probetype: {
    std::string_view name = probes::describe(spec_->kind).probetype();
    auto* buf = stack_buffer(e.type.size, "probetype");
    zero_fill(buf, sema::align8(std::max<uint32_t>(e.type.size, 8)));
    for (size_t i = 0; i < name.size() && i + 1 < e.type.size; ++i)
      b_.CreateStore(b_.getInt8(static_cast<uint8_t>(name[i])), gep(buf, i));
    return buf;
  }
  }
  BTC_UNREACHABLE("builtin variable without a lowering");
}

llvm::Value* Lowerer::stack_value(const Type& t, const ast::Expr* e) {
  if (info_.stack_maps[t.btf_id].dwarf) return dwarf_stack_value(t, *e, false);
  // {i64 stack id, u64 pid}; bpf_get_stackid returns < 0 when no stack could be taken.
  constexpr uint64_t kUserStack = 1ull << 8; // BPF_F_USER_STACK
  bool user = t.kind == K::Ustack;
  auto* buf = stack_buffer(16, "stack");
  llvm::Value* id = call_helper(Helper::GetStackid, i64_ty(),
                                {ctx_arg_, stack_maps_[t.btf_id], i64(user ? kUserStack : 0)});
  b_.CreateAlignedStore(id, buf, llvm::Align(8));
  b_.CreateAlignedStore(b_.CreateLShr(call_helper(Helper::GetCurrentPidTgid, i64_ty(), {}), 32),
                        gep(buf, 8), llvm::Align(8));
  return buf;
}

// len(kstack/ustack): the frames bpf_get_stack copies (its byte count / 8) into a .bss
// scratch area (shared by all CPUs: only the count is used), at most the stack's limit.
llvm::Value* Lowerer::stack_depth(const ast::Expr& stack) {
  const Type& t = stack.type;
  if (info_.stack_maps[t.btf_id].dwarf) return dwarf_stack_value(t, stack, true);
  constexpr uint64_t kUserStack = 1ull << 8; // BPF_F_USER_STACK
  constexpr uint32_t kScratch = 8 * 1024;    // frames of the largest limit (1024)
  auto* scratch = module_->getNamedGlobal("btc_stack_scratch");
  if (!scratch) {
    auto* ty = llvm::ArrayType::get(b_.getInt8Ty(), kScratch);
    scratch = new llvm::GlobalVariable(*module_, ty, false, llvm::GlobalValue::ExternalLinkage,
                                       llvm::ConstantAggregateZero::get(ty), "btc_stack_scratch");
    scratch->setSection(".bss");
    scratch->setAlignment(llvm::Align(8));
    auto* char_di = dib_->createBasicType("char", 8, llvm::dwarf::DW_ATE_signed_char);
    auto* arr_di = dib_->createArrayType(
        kScratch * 8, 8, char_di, dib_->getOrCreateArray({dib_->getOrCreateSubrange(0, kScratch)}));
    scratch->addDebugInfo(dib_->createGlobalVariableExpression(
        cu_, "btc_stack_scratch", "btc_stack_scratch", file_, 0, arr_di, false));
  }
  uint32_t bytes = 8 * std::clamp<uint32_t>(t.count, 1, 1024);
  llvm::Value* ret =
      call_helper(Helper::GetStack, i64_ty(),
                  {ctx_arg_, scratch, i64(bytes), i64(t.kind == K::Ustack ? kUserStack : 0)});
  return b_.CreateSelect(b_.CreateICmpSLT(ret, i64(0)), i64(0), b_.CreateLShr(ret, 3));
}

// Tuples/records stored at `l` and `r` (sema checked them comparable): i1, all elements equal.
llvm::Value* Lowerer::tuple_equal(llvm::Value* l, const Type& lt, llvm::Value* r, const Type& rt) {
  llvm::Value* all = b_.getTrue();
  for (size_t i = 0; i < lt.elems.size(); ++i) {
    const Type& a = lt.elems[i];
    const Type& b = rt.elems[i];
    llvm::Value* pa = gep(l, lt.elem_offsets[i]);
    llvm::Value* pb = gep(r, rt.elem_offsets[i]);
    llvm::Value* eq = nullptr;
    if (a.is_integer() && b.is_integer()) {
      auto load = [&](llvm::Value* p, const Type& t) {
        llvm::Value* v = b_.CreateAlignedLoad(b_.getIntNTy(8 * t.size), p, llvm::Align(1));
        return t.is_signed ? b_.CreateSExt(v, i64_ty()) : b_.CreateZExt(v, i64_ty());
      };
      eq = b_.CreateICmpEQ(load(pa, a), load(pb, b));
    } else if ((a.is_string() && b.is_string()) || (a.kind == K::Buffer && b.kind == K::Buffer)) {
      eq = string_compare(pa, a.size, pb, b.size);
    } else if (a.kind == K::Tuple) {
      eq = tuple_equal(pa, a, pb, b);
    } else { // one type: its bytes (OR of the XORs is zero iff equal)
      llvm::Value* acc = b_.getInt8(0);
      for (uint32_t k = 0; k < a.size; ++k)
        acc = b_.CreateOr(acc, b_.CreateXor(b_.CreateLoad(b_.getInt8Ty(), gep(pa, k)),
                                            b_.CreateLoad(b_.getInt8Ty(), gep(pb, k))));
      eq = b_.CreateICmpEQ(acc, b_.getInt8(0));
    }
    all = b_.CreateAnd(all, eq);
  }
  return all;
}

llvm::Value* Lowerer::string_compare(llvm::Value* a, uint32_t asize, llvm::Value* b,
                                     uint32_t bsize, llvm::Value* limit) {
  // 0.17: strncmp over min(sizes) bytes; equal when a NUL is reached with all bytes equal.
  uint32_t n = std::min(asize, bsize);
  auto* end_bb = llvm::BasicBlock::Create(ctx_, "strcmp_end", fn_);
  b_.SetInsertPoint(b_.GetInsertBlock());
  std::vector<std::pair<llvm::Value*, llvm::BasicBlock*>> incoming;
  for (uint32_t i = 0; i < n; ++i) {
    if (limit) {
      auto* in_bb = llvm::BasicBlock::Create(ctx_, "strcmp_in", fn_);
      incoming.push_back({b_.getInt1(true), b_.GetInsertBlock()});
      b_.CreateCondBr(b_.CreateICmpUGE(i64(i), limit), end_bb, in_bb);
      b_.SetInsertPoint(in_bb);
    }
    llvm::Value* ca = b_.CreateLoad(b_.getInt8Ty(), gep(a, i));
    llvm::Value* cb = b_.CreateLoad(b_.getInt8Ty(), gep(b, i));
    auto* differ = b_.CreateICmpNE(ca, cb);
    auto* same_bb = llvm::BasicBlock::Create(ctx_, "strcmp_same", fn_);
    incoming.push_back({b_.getInt1(false), b_.GetInsertBlock()});
    b_.CreateCondBr(differ, end_bb, same_bb);
    b_.SetInsertPoint(same_bb);
    auto* is_nul = b_.CreateICmpEQ(ca, b_.getInt8(0));
    auto* next_bb = llvm::BasicBlock::Create(ctx_, "strcmp_next", fn_);
    incoming.push_back({b_.getInt1(true), b_.GetInsertBlock()});
    b_.CreateCondBr(is_nul, end_bb, next_bb);
    b_.SetInsertPoint(next_bb);
  }
  incoming.push_back({b_.getInt1(true), b_.GetInsertBlock()});
  b_.CreateBr(end_bb);
  b_.SetInsertPoint(end_bb);
  auto* phi = b_.CreatePHI(b_.getInt1Ty(), incoming.size());
  for (auto& [v, bb] : incoming) phi->addIncoming(v, bb);
  return phi;
}

llvm::Value* Lowerer::lower_binary(const ast::Expr& e, const ast::Binary& bn) {
  using Op = ast::BinOp;
  const Type& lt = bn.lhs->type;
  const Type& rt = bn.rhs->type;
  if (bn.op == Op::LogAnd || bn.op == Op::LogOr) {
    llvm::Value* l = to_bool(lower_expr(*bn.lhs));
    auto* from = b_.GetInsertBlock();
    auto* rhs_bb = llvm::BasicBlock::Create(ctx_, "logic_rhs", fn_);
    auto* end_bb = llvm::BasicBlock::Create(ctx_, "logic_end", fn_);
    if (bn.op == Op::LogAnd) b_.CreateCondBr(l, rhs_bb, end_bb);
    else b_.CreateCondBr(l, end_bb, rhs_bb);
    b_.SetInsertPoint(rhs_bb);
    llvm::Value* r = to_bool(lower_expr(*bn.rhs));
    auto* rhs_end = b_.GetInsertBlock();
    b_.CreateBr(end_bb);
    b_.SetInsertPoint(end_bb);
    auto* phi = b_.CreatePHI(b_.getInt1Ty(), 2);
    phi->addIncoming(b_.getInt1(bn.op == Op::LogOr), from);
    phi->addIncoming(r, rhs_end);
    return b_.CreateZExt(phi, i64_ty());
  }
  llvm::Value* l = lower_expr(*bn.lhs);
  llvm::Value* r = lower_expr(*bn.rhs);
  if (lt.kind == K::Array && rt.kind == K::Array) {
    // Byte-wise: OR of the XORs is zero iff the arrays are equal.
    llvm::Value* acc = b_.getInt8(0);
    for (uint32_t i = 0; i < lt.size; ++i)
      acc = b_.CreateOr(acc, b_.CreateXor(b_.CreateLoad(b_.getInt8Ty(), gep(l, i)),
                                          b_.CreateLoad(b_.getInt8Ty(), gep(r, i))));
    llvm::Value* eq = b_.CreateICmpEQ(acc, b_.getInt8(0));
    if (bn.op == Op::Ne) eq = b_.CreateNot(eq);
    return b_.CreateZExt(eq, i64_ty());
  }
  if (lt.kind == K::Tuple && rt.kind == K::Tuple) {
    llvm::Value* eq = tuple_equal(l, lt, r, rt);
    if (bn.op == Op::Ne) eq = b_.CreateNot(eq);
    return b_.CreateZExt(eq, i64_ty());
  }
  if ((lt.is_string() && rt.is_string()) ||
      (lt.kind == K::Buffer && rt.kind == K::Buffer)) {
    llvm::Value* eq = string_compare(l, lt.size, r, rt.size);
    if (bn.op == Op::Ne) eq = b_.CreateNot(eq);
    return b_.CreateZExt(eq, i64_ty());
  }
  bool is_signed = lt.is_signed && rt.is_signed && lt.is_integer() && rt.is_integer();
  // Pointer arithmetic scales by the pointee size.
  if (lt.is_pointer() && rt.is_integer() && (bn.op == Op::Add || bn.op == Op::Sub)) {
    r = b_.CreateMul(r, i64(element_size(lt)));
  } else if (rt.is_pointer() && lt.is_integer() && bn.op == Op::Add) {
    l = b_.CreateMul(l, i64(element_size(rt)));
  } else if (lt.is_pointer() && rt.is_pointer() && bn.op == Op::Sub) {
    // Elements between the two (C's pointer difference), rounded toward zero; BPF before
    // cpu v4 only divides unsigned, so divide the magnitude.
    llvm::Value* bytes = b_.CreateSub(l, r);
    llvm::Value* negative = b_.CreateICmpSLT(bytes, i64(0));
    llvm::Value* magnitude = b_.CreateSelect(negative, b_.CreateNeg(bytes), bytes);
    llvm::Value* count = b_.CreateUDiv(magnitude, i64(element_size(lt)));
    return b_.CreateSelect(negative, b_.CreateNeg(count), count);
  }
  auto cmp = [&](llvm::CmpInst::Predicate p) { return b_.CreateZExt(b_.CreateICmp(p, l, r), i64_ty()); };
  auto safe_div = [&](bool rem) {
    auto* zero = b_.CreateICmpEQ(r, i64(0));
    auto* d = b_.CreateSelect(zero, i64(1), r);
    llvm::Value* q = rem ? b_.CreateURem(l, d) : b_.CreateUDiv(l, d);
    return b_.CreateSelect(zero, i64(0), q);
  };
  (void)e;
  switch (bn.op) {
  case Op::Add: return b_.CreateAdd(l, r);
  case Op::Sub: return b_.CreateSub(l, r);
  case Op::Mul: return b_.CreateMul(l, r);
  case Op::Div: return safe_div(false);
  case Op::Mod: return safe_div(true);
  case Op::Shl: return b_.CreateShl(l, r);
  case Op::Shr: return b_.CreateLShr(l, r);
  case Op::BitAnd: return b_.CreateAnd(l, r);
  case Op::BitOr: return b_.CreateOr(l, r);
  case Op::BitXor: return b_.CreateXor(l, r);
  case Op::Lt: return cmp(is_signed ? llvm::CmpInst::ICMP_SLT : llvm::CmpInst::ICMP_ULT);
  case Op::Le: return cmp(is_signed ? llvm::CmpInst::ICMP_SLE : llvm::CmpInst::ICMP_ULE);
  case Op::Gt: return cmp(is_signed ? llvm::CmpInst::ICMP_SGT : llvm::CmpInst::ICMP_UGT);
  case Op::Ge: return cmp(is_signed ? llvm::CmpInst::ICMP_SGE : llvm::CmpInst::ICMP_UGE);
  case Op::Eq: return cmp(llvm::CmpInst::ICMP_EQ);
  case Op::Ne: return cmp(llvm::CmpInst::ICMP_NE);
  case Op::LogAnd: case Op::LogOr: break;
  }
  return i64(0);
}

llvm::Value* Lowerer::build_key(const ast::MapRef& m) {
  const auto& mi = info_.maps[info_.map_index.at(m.name)];
  if (mi.is_array) {
    auto* k = entry_alloca(b_.getInt32Ty(), "key");
    b_.CreateStore(b_.getInt32(0), k);
    return k;
  }
  auto* key = stack_buffer(mi.key_size, "key");
  zero_fill(key, mi.key_size);
  for (size_t i = 0; i < m.keys.size(); ++i) {
    const auto& ke = *m.keys[i];
    llvm::Value* v = lower_expr(ke);
    if (ke.type.is_integer()) v = convert_int(v, ke.type);
    store_value(gep(key, mi.key_offsets[i]), v, ke.type, mi.key_types[i].size);
  }
  return key;
}

llvm::Value* Lowerer::read_map(const ast::MapRef& m, const Type& type) {
  uint32_t idx = info_.map_index.at(m.name);
  const auto& mi = info_.maps[idx];
  llvm::Value* key = build_key(m);
  llvm::Value* found = map_lookup(maps_[idx], key);
  auto* is_null = b_.CreateICmpEQ(found, llvm::ConstantPointerNull::get(b_.getPtrTy()));
  auto* have_bb = llvm::BasicBlock::Create(ctx_, "map_have", fn_);
  auto* end_bb = llvm::BasicBlock::Create(ctx_, "map_end", fn_);
  auto* from = b_.GetInsertBlock();
  if (is_scalar(type) || mi.value_type.is_integer()) {
    b_.CreateCondBr(is_null, end_bb, have_bb);
    b_.SetInsertPoint(have_bb);
    llvm::Value* v = b_.CreateAlignedLoad(i64_ty(), found, llvm::Align(8));
    b_.CreateBr(end_bb);
    b_.SetInsertPoint(end_bb);
    auto* phi = b_.CreatePHI(i64_ty(), 2);
    phi->addIncoming(i64(0), from);
    phi->addIncoming(v, have_bb);
    return phi;
  }
  auto* out = stack_buffer(mi.value_size, "map_read");
  zero_fill(out, mi.value_size);
  b_.CreateCondBr(is_null, end_bb, have_bb);
  b_.SetInsertPoint(have_bb);
  copy_bytes(out, found, mi.value_size);
  b_.CreateBr(end_bb);
  b_.SetInsertPoint(end_bb);
  return out;
}

} // namespace btc::codegen
