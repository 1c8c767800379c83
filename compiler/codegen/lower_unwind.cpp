// lower_unwind.cpp: dw_ustack, a user stack unwound in BPF with the DWARF call frame
// information of the traced files (the tables and their layout: btc/unwind.h).
//
// The probe takes the task's user registers (bpf_task_pt_regs of the current task), then runs
// bpf_loop(limit, btc_dw_step): each step records the frame's ip, finds the mapping holding it
// (bpf_find_vma -> btc_dw_vma: vm_start, vm_pgoff and the file's inode and device, read with
// CO-RE), looks the file up in btc_dw_files, bisects its rows in btc_dw_rows for the row of
// the ip, and computes the caller's ip, rsp and rbp from the row's rules (return address and
// saved rbp read from user memory). The frames go into the dw_ustack map (HASH, u64 key: an
// FNV-1a hash of the frames), and the value is {i64 stack id, u64 pid} like ustack's.
// All unwinder state lives in a per-CPU scratch value (btc_dw_scratch), so the callbacks need
// no context pointer and the verifier sees no values it could track across iterations.
// Example: `uprobe:/bin/x:f { @[dw_ustack] = count(); }` -> f, its callers through libc, main.
#include "codegen/lowerer.h"

#include "btc/unwind.h"

namespace btc::codegen {
namespace {

// btc_dw_scratch's layout: registers of the frame being unwound, the frame count, the running
// hash, the status (abi::kNoUnwindTable), btc_dw_vma's answer, the bisection's state, then
// the frames.
constexpr uint32_t kIp = 0, kSp = 8, kBp = 16, kCount = 24, kHash = 32, kStatus = 40, kVmStart = 48,
                   kVmPgoff = 56, kFileKey = 64 /* {inode, dev} */, kFound = 80, kLo = 88, kHi = 96,
                   kFirst = 104, kPc = 112, kFrames = 120;
constexpr uint64_t kFnvBasis = 0xcbf29ce484222325ull, kFnvPrime = 0x100000001b3ull;
constexpr uint32_t kBisectSteps = 26; // files of up to 64M rows
// struct pt_regs of x86-64: bp, ip, sp.
constexpr uint32_t kRegsBp = 32, kRegsIp = 128, kRegsSp = 152;

} // namespace

uint32_t Lowerer::dwarf_frames_limit() const {
  uint32_t limit = 1;
  for (const auto& s : info_.stack_maps)
    if (s.dwarf) limit = std::max(limit, s.limit);
  return limit;
}

void Lowerer::create_unwind_maps() {
  dw_scratch_ = define_map("btc_dw_scratch", builtins::kMapPercpuArray, 1, 4,
                           kFrames + 8 * dwarf_frames_limit());
  // Sized by the runtime before load (one row / one file to start with).
  dw_rows_ = define_map(abi::kUnwindRowsMap, builtins::kMapArray, 1, 4, sizeof(abi::UnwindRow));
  dw_files_ = define_map(abi::kUnwindFilesMap, builtins::kMapHash, 1, sizeof(abi::UnwindFileKey),
                         sizeof(abi::UnwindFile));
}

// A static BPF function `long NAME(args...)` (all i64 or pointers) for a helper to call back,
// with the debug information BTF needs; its entry block is the builder's insert point.
llvm::Function* Lowerer::begin_callback(const std::string& name,
                                        const std::vector<llvm::Type*>& params) {
  auto* fty = llvm::FunctionType::get(i64_ty(), params, false);
  auto* fn = llvm::Function::Create(fty, llvm::GlobalValue::InternalLinkage, name, *module_);
  fn->setSection(".text");
  fn->addFnAttr(llvm::Attribute::NoUnwind);
  fn->addFnAttr(llvm::Attribute::NoInline);
  llvm::DIType* long_di = dib_->createBasicType("long", 64, llvm::dwarf::DW_ATE_signed);
  llvm::DIType* void_ptr = dib_->createPointerType(nullptr, 64);
  std::vector<llvm::Metadata*> types = {long_di};
  for (auto* p : params) types.push_back(p->isPointerTy() ? void_ptr : long_di);
  auto* sty = dib_->createSubroutineType(dib_->getOrCreateTypeArray(types));
  sp_ = dib_->createFunction(cu_, name, name, file_, 1, sty, 1, llvm::DINode::FlagPrototyped,
                             llvm::DISubprogram::SPFlagDefinition |
                                 llvm::DISubprogram::SPFlagLocalToUnit);
  fn->setSubprogram(sp_);
  for (unsigned i = 0; i < params.size(); ++i)
    dib_->createParameterVariable(sp_, "arg" + std::to_string(i), i + 1, file_, 1,
                                  params[i]->isPointerTy() ? void_ptr : long_di, true);
  fn_ = fn;
  b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", fn));
  b_.SetCurrentDebugLocation(llvm::DILocation::get(ctx_, 1, 1, sp_));
  return fn;
}

// The u64 at `field` of kernel struct `record` at `base` (a kernel pointer), read with CO-RE
// and zero-extended; 0 when unreadable.
llvm::Value* Lowerer::read_kernel_field(llvm::Value* base, const char* record, const char* field) {
  auto rid = btf_->find_record(record);
  auto path = rid ? btf_->find_field(*rid, field) : std::nullopt;
  BTC_CHECK(path && path->type.size <= 8, "sema checks the fields dw_ustack reads");
  llvm::Value* ptr = base->getType()->isPointerTy() ? base : b_.CreateIntToPtr(base, ptr_ty());
  llvm::Value* addr = core_->field_address(b_, ptr, *rid, *path);
  auto* tmp = stack_buffer(8, "field", false);
  b_.CreateAlignedStore(i64(0), tmp, llvm::Align(8));
  probe_read(tmp, path->type.size, addr, ast::AddrSpace::Kernel);
  return b_.CreateAlignedLoad(i64_ty(), tmp, llvm::Align(8));
}

llvm::Value* Lowerer::dw_scratch() {
  auto* key = stack_buffer(4, "dw_key", false);
  b_.CreateAlignedStore(b_.getInt32(0), key, llvm::Align(4));
  return map_lookup(dw_scratch_, key);
}

// long btc_dw_vma(struct task_struct *task, struct vm_area_struct *vma, void *ctx): the
// mapping of the address bpf_find_vma was asked about, into the scratch value.
llvm::Function* Lowerer::unwind_vma_callback() {
  if (auto* fn = module_->getFunction("btc_dw_vma")) return fn;
  llvm::Function* fn = begin_callback("btc_dw_vma", {ptr_ty(), ptr_ty(), ptr_ty()});
  llvm::Value* s = dw_scratch();
  auto* have = llvm::BasicBlock::Create(ctx_, "have_scratch", fn);
  auto* done = llvm::BasicBlock::Create(ctx_, "done", fn);
  b_.CreateCondBr(b_.CreateIsNull(s), done, have);
  b_.SetInsertPoint(have);
  llvm::Value* vma = fn->getArg(1);
  b_.CreateAlignedStore(read_kernel_field(vma, "vm_area_struct", "vm_start"), gep(s, kVmStart),
                        llvm::Align(8));
  b_.CreateAlignedStore(read_kernel_field(vma, "vm_area_struct", "vm_pgoff"), gep(s, kVmPgoff),
                        llvm::Align(8));
  llvm::Value* file = read_kernel_field(vma, "vm_area_struct", "vm_file");
  auto* with_file = llvm::BasicBlock::Create(ctx_, "with_file", fn);
  b_.CreateCondBr(b_.CreateICmpEQ(file, i64(0)), done, with_file);
  b_.SetInsertPoint(with_file);
  llvm::Value* inode = read_kernel_field(file, "file", "f_inode");
  b_.CreateAlignedStore(read_kernel_field(inode, "inode", "i_ino"), gep(s, kFileKey),
                        llvm::Align(8));
  llvm::Value* sb = read_kernel_field(inode, "inode", "i_sb");
  b_.CreateAlignedStore(read_kernel_field(sb, "super_block", "s_dev"), gep(s, kFileKey + 8),
                        llvm::Align(8));
  b_.CreateAlignedStore(i64(1), gep(s, kFound), llvm::Align(8));
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
  b_.CreateRet(i64(0));
  return fn;
}

// long btc_dw_step(u64 index, void *ctx): records frame `index` and moves the registers to
// its caller; returns 1 (stop) when the stack ends or cannot be followed.
llvm::Function* Lowerer::unwind_step_callback() {
  if (auto* fn = module_->getFunction("btc_dw_step")) return fn;
  llvm::Function* vma_cb = unwind_vma_callback();
  llvm::Function* fn = begin_callback("btc_dw_step", {i64_ty(), ptr_ty()});
  auto* stop = llvm::BasicBlock::Create(ctx_, "stop", fn);
  auto continue_if = [&](llvm::Value* cond, const char* name) {
    auto* next = llvm::BasicBlock::Create(ctx_, name, fn);
    b_.CreateCondBr(cond, next, stop);
    b_.SetInsertPoint(next);
  };
  auto u64_at = [&](llvm::Value* p, uint32_t off) {
    return b_.CreateAlignedLoad(i64_ty(), gep(p, off), llvm::Align(8));
  };
  auto store_at = [&](llvm::Value* p, uint32_t off, llvm::Value* v) {
    b_.CreateAlignedStore(v, gep(p, off), llvm::Align(8));
  };

  llvm::Value* s = dw_scratch();
  continue_if(b_.CreateIsNotNull(s), "have_scratch");
  llvm::Value* index = fn->getArg(0);
  continue_if(b_.CreateICmpULT(index, i64(dwarf_frames_limit())), "in_bounds");
  llvm::Value* ip = u64_at(s, kIp);
  llvm::Value* slot =
      b_.CreateGEP(b_.getInt8Ty(), s, b_.CreateAdd(i64(kFrames), b_.CreateShl(index, 3)));
  b_.CreateAlignedStore(ip, slot, llvm::Align(8));
  store_at(s, kCount, b_.CreateAdd(index, i64(1)));
  store_at(s, kHash, b_.CreateMul(b_.CreateXor(u64_at(s, kHash), ip), i64(kFnvPrime)));
  // A return address points after its call: look up the call itself.
  llvm::Value* is_first = b_.CreateICmpEQ(index, i64(0));
  llvm::Value* pc = b_.CreateSelect(is_first, ip, b_.CreateSub(ip, i64(1)));

  store_at(s, kFound, i64(0));
  llvm::Value* task = call_helper(Helper::GetCurrentTaskBtf, ptr_ty(), {});
  llvm::Value* found_ret =
      call_helper(Helper::FindVma, i64_ty(),
                  {task, pc, vma_cb, llvm::ConstantPointerNull::get(ptr_ty()), i64(0)});
  continue_if(
      b_.CreateAnd(b_.CreateICmpEQ(found_ret, i64(0)), b_.CreateICmpNE(u64_at(s, kFound), i64(0))),
      "in_mapping");
  llvm::Value* file = map_lookup(dw_files_, gep(s, kFileKey));
  auto* no_table = llvm::BasicBlock::Create(ctx_, "no_table", fn);
  auto* have_table = llvm::BasicBlock::Create(ctx_, "have_table", fn);
  b_.CreateCondBr(b_.CreateIsNull(file), no_table, have_table);
  b_.SetInsertPoint(no_table);
  // Only the first frame says why the stack is empty; later frames just end it.
  llvm::Value* status = b_.CreateSelect(is_first, i64(static_cast<uint64_t>(abi::kNoUnwindTable)),
                                        u64_at(s, kStatus));
  store_at(s, kStatus, status);
  b_.CreateBr(stop);

  b_.SetInsertPoint(have_table);
  llvm::Value* first =
      b_.CreateZExt(b_.CreateAlignedLoad(b_.getInt32Ty(), file, llvm::Align(4)), i64_ty());
  llvm::Value* count =
      b_.CreateZExt(b_.CreateAlignedLoad(b_.getInt32Ty(), gep(file, 4), llvm::Align(4)), i64_ty());
  llvm::Value* adjust = u64_at(file, 8);
  // The address as the file was linked: ip - vm_start + vm_pgoff * 4096 + adjust.
  llvm::Value* elf_pc = b_.CreateAdd(
      b_.CreateAdd(b_.CreateSub(pc, u64_at(s, kVmStart)), b_.CreateShl(u64_at(s, kVmPgoff), 12)),
      adjust);

  // Bisection for the last row with row.pc <= elf_pc in [first, first + count). Its bounds
  // live in the scratch value and are reloaded at every step: the verifier tracks no ranges
  // for map memory, so both sides of a comparison reach the next step in the same state and
  // are pruned together (kept in registers, every path would be its own state).
  store_at(s, kLo, first);
  store_at(s, kHi, b_.CreateAdd(first, count));
  store_at(s, kFirst, first);
  store_at(s, kPc, elf_pc);
  auto* key = stack_buffer(4, "row_key", false);
  auto* bisected = llvm::BasicBlock::Create(ctx_, "bisected", fn);
  for (uint32_t step = 0; step < kBisectSteps; ++step) {
    llvm::Value* lo = u64_at(s, kLo);
    llvm::Value* hi = u64_at(s, kHi);
    auto* probe_bb = llvm::BasicBlock::Create(ctx_, "bisect", fn);
    b_.CreateCondBr(b_.CreateICmpULT(lo, hi), probe_bb, bisected);
    b_.SetInsertPoint(probe_bb);
    llvm::Value* mid = b_.CreateLShr(b_.CreateAdd(lo, hi), 1);
    b_.CreateAlignedStore(b_.CreateTrunc(mid, b_.getInt32Ty()), key, llvm::Align(4));
    llvm::Value* row = map_lookup(dw_rows_, key);
    continue_if(b_.CreateIsNotNull(row), "row");
    auto* below_bb = llvm::BasicBlock::Create(ctx_, "below", fn);
    auto* above_bb = llvm::BasicBlock::Create(ctx_, "above", fn);
    auto* next_bb = llvm::BasicBlock::Create(ctx_, "bisect_next", fn);
    b_.CreateCondBr(b_.CreateICmpULE(u64_at(row, 0), u64_at(s, kPc)), below_bb, above_bb);
    b_.SetInsertPoint(below_bb);
    store_at(s, kLo, b_.CreateAdd(mid, i64(1)));
    b_.CreateBr(next_bb);
    b_.SetInsertPoint(above_bb);
    store_at(s, kHi, mid);
    b_.CreateBr(next_bb);
    b_.SetInsertPoint(next_bb);
  }
  b_.CreateBr(bisected);
  b_.SetInsertPoint(bisected);
  llvm::Value* lo = u64_at(s, kLo);
  continue_if(b_.CreateICmpUGT(lo, u64_at(s, kFirst)), "has_row"); // a row at or before pc
  b_.CreateAlignedStore(b_.CreateTrunc(b_.CreateSub(lo, i64(1)), b_.getInt32Ty()), key,
                        llvm::Align(4));
  llvm::Value* row = map_lookup(dw_rows_, key);
  continue_if(b_.CreateIsNotNull(row), "row");
  auto field = [&](uint32_t off, llvm::Type* ty) {
    return b_.CreateSExt(b_.CreateAlignedLoad(ty, gep(row, off), llvm::Align(1)), i64_ty());
  };
  llvm::Value* cfa_off = field(8, b_.getInt32Ty());
  llvm::Value* rule =
      b_.CreateZExt(b_.CreateAlignedLoad(b_.getInt8Ty(), gep(row, 12), llvm::Align(1)), i64_ty());
  llvm::Value* rbp_rule =
      b_.CreateZExt(b_.CreateAlignedLoad(b_.getInt8Ty(), gep(row, 13), llvm::Align(1)), i64_ty());
  llvm::Value* rbp_off = field(14, b_.getInt16Ty());
  auto rule_is = [&](abi::CfaRule r) {
    return b_.CreateICmpEQ(rule, i64(static_cast<uint64_t>(r)));
  };
  continue_if(b_.CreateOr(b_.CreateOr(rule_is(abi::CfaRule::Rsp), rule_is(abi::CfaRule::Rbp)),
                          rule_is(abi::CfaRule::Plt)),
              "followable");
  llvm::Value* base = b_.CreateSelect(rule_is(abi::CfaRule::Rbp), u64_at(s, kBp), u64_at(s, kSp));
  // PLT stubs: 8 more once the stub has pushed its argument ((ip & 15) >= threshold).
  llvm::Value* plt_extra =
      b_.CreateSelect(b_.CreateAnd(rule_is(abi::CfaRule::Plt),
                                   b_.CreateICmpSGE(b_.CreateAnd(ip, i64(15)), rbp_off)),
                      i64(8), i64(0));
  llvm::Value* cfa = b_.CreateAdd(b_.CreateAdd(base, cfa_off), plt_extra);
  llvm::Value* ra_read =
      probe_read(gep(s, kIp), 8, b_.CreateSub(cfa, i64(8)), ast::AddrSpace::User);
  continue_if(b_.CreateICmpEQ(ra_read, i64(0)), "return_address");
  auto* restore_bp = llvm::BasicBlock::Create(ctx_, "restore_rbp", fn);
  auto* moved = llvm::BasicBlock::Create(ctx_, "moved", fn);
  b_.CreateCondBr(b_.CreateICmpEQ(rbp_rule, i64(static_cast<uint64_t>(abi::RbpRule::AtCfa))),
                  restore_bp, moved);
  b_.SetInsertPoint(restore_bp);
  llvm::Value* bp_read =
      probe_read(gep(s, kBp), 8, b_.CreateAdd(cfa, rbp_off), ast::AddrSpace::User);
  continue_if(b_.CreateICmpEQ(bp_read, i64(0)), "rbp");
  b_.CreateBr(moved);
  b_.SetInsertPoint(moved);
  store_at(s, kSp, cfa);
  continue_if(b_.CreateICmpNE(u64_at(s, kIp), i64(0)), "caller");
  b_.CreateRet(i64(0));

  b_.SetInsertPoint(stop);
  b_.CreateRet(i64(1));
  return fn;
}

// The frames of the current task's user stack, unwound with the DWARF tables, stored in the
// dw_ustack map `t` names; {i64 stack id, u64 pid} like ustack. `e` is the dw_ustack
// expression (its warning event). With `depth` the frame count is returned instead.
llvm::Value* Lowerer::dwarf_stack_value(const Type& t, const ast::Expr& e, bool depth) {
  // The callbacks are separate functions: build them with the probe's builder state saved.
  {
    llvm::IRBuilderBase::InsertPointGuard guard(b_);
    llvm::Function* outer_fn = fn_;
    llvm::DISubprogram* outer_sp = sp_;
    auto outer_temps = std::move(temps_);
    unwind_step_callback();
    fn_ = outer_fn;
    sp_ = outer_sp;
    temps_ = std::move(outer_temps);
  }
  set_loc(e.range);
  llvm::Function* step = module_->getFunction("btc_dw_step");
  auto* out = stack_buffer(16, "dw_stack");
  b_.CreateAlignedStore(i64(static_cast<uint64_t>(-1)), out, llvm::Align(8));
  b_.CreateAlignedStore(b_.CreateLShr(call_helper(Helper::GetCurrentPidTgid, i64_ty(), {}), 32),
                        gep(out, 8), llvm::Align(8));
  auto* depth_slot = stack_buffer(8, "dw_depth");
  b_.CreateAlignedStore(i64(0), depth_slot, llvm::Align(8));
  auto* done = llvm::BasicBlock::Create(ctx_, "dw_done", fn_);
  auto* have = llvm::BasicBlock::Create(ctx_, "dw_scratch", fn_);
  llvm::Value* s = dw_scratch();
  b_.CreateCondBr(b_.CreateIsNull(s), done, have);
  b_.SetInsertPoint(have);

  llvm::Value* task = call_helper(Helper::GetCurrentTaskBtf, ptr_ty(), {});
  llvm::Value* regs = call_helper(Helper::TaskPtRegs, ptr_ty(), {task});
  auto reg = [&](uint32_t off) {
    return b_.CreateAlignedLoad(i64_ty(), gep(regs, off), llvm::Align(8));
  };
  b_.CreateAlignedStore(reg(kRegsIp), gep(s, kIp), llvm::Align(8));
  b_.CreateAlignedStore(reg(kRegsSp), gep(s, kSp), llvm::Align(8));
  b_.CreateAlignedStore(reg(kRegsBp), gep(s, kBp), llvm::Align(8));
  b_.CreateAlignedStore(i64(0), gep(s, kCount), llvm::Align(8));
  b_.CreateAlignedStore(i64(kFnvBasis), gep(s, kHash), llvm::Align(8));
  b_.CreateAlignedStore(i64(0), gep(s, kStatus), llvm::Align(8));
  call_helper(Helper::Loop, i64_ty(),
              {b_.getInt32(t.count), step, llvm::ConstantPointerNull::get(ptr_ty()), i64(0)});
  llvm::Value* n = b_.CreateAlignedLoad(i64_ty(), gep(s, kCount), llvm::Align(8));
  llvm::Value* status = b_.CreateAlignedLoad(i64_ty(), gep(s, kStatus), llvm::Align(8));

  auto* warn = llvm::BasicBlock::Create(ctx_, "dw_no_table", fn_);
  auto* frames = llvm::BasicBlock::Create(ctx_, "dw_frames", fn_);
  b_.CreateCondBr(b_.CreateICmpEQ(status, i64(static_cast<uint64_t>(abi::kNoUnwindTable))), warn,
                  frames);
  b_.SetInsertPoint(warn);
  b_.CreateAlignedStore(status, out, llvm::Align(8));
  uint32_t event = info_.call_event.at(&e);
  llvm::Value* rec = reserve_event(16);
  auto* emit = llvm::BasicBlock::Create(ctx_, "dw_warn", fn_);
  b_.CreateCondBr(b_.CreateIsNull(rec), done, emit);
  b_.SetInsertPoint(emit);
  b_.CreateAlignedStore(i64(event), rec, llvm::Align(8));
  b_.CreateAlignedStore(load_u64(out, 8), gep(rec, 8), llvm::Align(8));
  call_helper(Helper::RingbufSubmit, b_.getVoidTy(), {rec, i64(0)});
  b_.CreateBr(done);

  b_.SetInsertPoint(frames);
  b_.CreateAlignedStore(n, depth_slot, llvm::Align(8));
  if (!depth) {
    auto* store = llvm::BasicBlock::Create(ctx_, "dw_store", fn_);
    b_.CreateCondBr(b_.CreateICmpEQ(n, i64(0)), done, store);
    b_.SetInsertPoint(store);
    // The map value is `limit` frames, zero-terminated when shorter.
    auto* terminate = llvm::BasicBlock::Create(ctx_, "dw_terminate", fn_);
    auto* update = llvm::BasicBlock::Create(ctx_, "dw_update", fn_);
    b_.CreateCondBr(b_.CreateICmpULT(n, i64(t.count)), terminate, update);
    b_.SetInsertPoint(terminate);
    llvm::Value* end =
        b_.CreateGEP(b_.getInt8Ty(), s, b_.CreateAdd(i64(kFrames), b_.CreateShl(n, 3)));
    b_.CreateAlignedStore(i64(0), end, llvm::Align(8));
    b_.CreateBr(update);
    b_.SetInsertPoint(update);
    llvm::Value* hash = b_.CreateAlignedLoad(i64_ty(), gep(s, kHash), llvm::Align(8));
    auto* id = stack_buffer(8, "dw_id");
    b_.CreateAlignedStore(b_.CreateAnd(hash, i64(INT64_MAX)), id, llvm::Align(8));
    llvm::Value* ret = call_helper(Helper::MapUpdateElem, i64_ty(),
                                   {stack_maps_[t.btf_id], id, gep(s, kFrames), i64(0)});
    // A full map: the stack prints empty, as a failed bpf_get_stackid does.
    llvm::Value* stored = b_.CreateSelect(b_.CreateICmpEQ(ret, i64(0)),
                                          b_.CreateAlignedLoad(i64_ty(), id, llvm::Align(8)),
                                          i64(static_cast<uint64_t>(-1)));
    b_.CreateAlignedStore(stored, out, llvm::Align(8));
  }
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
  if (depth) return b_.CreateAlignedLoad(i64_ty(), depth_slot, llvm::Align(8));
  return out;
}

} // namespace btc::codegen
