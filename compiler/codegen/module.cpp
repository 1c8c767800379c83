// module.cpp: module-level codegen: BTF-defined maps, the .rodata config struct, the zero
// buffer, the license, one BPF function per attach point, and BPF object emission.
//
// Example: `@c[comm] = count()` on tracepoint:raw_syscalls:sys_enter produces
//   @AT_c = global {ptr,ptr,ptr,ptr} zeroinitializer, section ".maps"   (PERCPU_HASH)
//   define i32 @tracepoint_0_0(ptr %ctx) section "tracepoint" { ... }
#include "codegen/lowerer.h"

#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>

#include <mutex>

namespace btc::codegen {

namespace {
constexpr const char* kTriple = "bpfel";

const llvm::Target* bpf_target(std::string& err) {
  static std::once_flag once;
  std::call_once(once, [] {
    LLVMInitializeBPFTargetInfo();
    LLVMInitializeBPFTarget();
    LLVMInitializeBPFTargetMC();
    LLVMInitializeBPFAsmPrinter();
    LLVMInitializeBPFAsmParser(); // the attach-id marker is inline asm (attach_id())
  });
  return llvm::TargetRegistry::lookupTarget(kTriple, err);
}

std::unique_ptr<llvm::TargetMachine> make_target_machine(std::string& err) {
  const llvm::Target* t = bpf_target(err);
  if (!t) return nullptr;
  llvm::TargetOptions opts;
  return std::unique_ptr<llvm::TargetMachine>(t->createTargetMachine(
      kTriple, "v3", "", opts, llvm::Reloc::PIC_, std::nullopt, llvm::CodeGenOptLevel::Default));
}
} // namespace

Lowerer::Lowerer(const ast::Program& program, const sema::ProgramInfo& info,
                 const btf::KernelBtf* btf, const CodegenOptions& options, llvm::LLVMContext& ctx)
    : program_(program), info_(info), btf_(btf), options_(options), ctx_(ctx), b_(ctx),
      layout_(info.config) {}

llvm::Expected<LoweredModule> Lowerer::run() {
  std::string err;
  auto tm = make_target_machine(err);
  if (!tm) return llvm::createStringError(llvm::inconvertibleErrorCode(), "BPF target: " + err);
  module_ = std::make_unique<llvm::Module>(options_.module_name, ctx_);
  module_->setTargetTriple(kTriple);
  module_->setDataLayout(tm->createDataLayout());
  module_->addModuleFlag(llvm::Module::Warning, "Debug Info Version",
                         llvm::DEBUG_METADATA_VERSION);
  module_->addModuleFlag(llvm::Module::Warning, "Dwarf Version", 4);
  dib_ = std::make_unique<llvm::DIBuilder>(*module_);
  file_ = dib_->createFile(options_.source_file, ".");
  cu_ = dib_->createCompileUnit(llvm::dwarf::DW_LANG_C, file_, "btc", true, "", 0);
  if (btf_) core_ = std::make_unique<CoreTypes>(*module_, *dib_, *btf_, options_.core_name_suffix);

  create_globals();
  create_maps();
  for (const auto& p : info_.probes) {
    for (size_t i = 0; i < p.specs.size(); ++i) {
      lower_program(p, i, false);
      if (!p.alt_prog_names[i].empty()) lower_program(p, i, true);
      probes::provider(p.specs[i].kind).lower_companions(*this, p, i);
    }
  }

  dib_->finalize();
  std::string verify;
  llvm::raw_string_ostream os(verify);
  if (llvm::verifyModule(*module_, &os))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "internal error: invalid IR: " + os.str());
  return LoweredModule{std::move(module_)};
}

llvm::GlobalVariable* Lowerer::define_map(const std::string& name, uint32_t type,
                                          uint32_t max_entries, uint32_t key_size,
                                          uint32_t value_size) {
  // A BTF-defined map: struct { int (*type)[T]; int (*max_entries)[N]; int (*key_size)[K];
  // int (*value_size)[V]; } in section ".maps"; libbpf reads the numbers from the BTF.
  auto* int_di = dib_->createBasicType("int", 32, llvm::dwarf::DW_ATE_signed);
  auto member = [&](const char* mname, uint64_t n, uint64_t index) {
    auto* sub = dib_->getOrCreateSubrange(0, static_cast<int64_t>(n));
    auto* arr = dib_->createArrayType(n * 32, 32, int_di, dib_->getOrCreateArray({sub}));
    auto* ptr = dib_->createPointerType(arr, 64);
    return dib_->createMemberType(cu_, mname, file_, 0, 64, 64, index * 64,
                                  llvm::DINode::FlagZero, ptr);
  };
  std::vector<llvm::Metadata*> members = {member("type", type, 0),
                                          member("max_entries", max_entries, 1)};
  if (type != builtins::kMapRingbuf) {
    members.push_back(member("key_size", key_size, 2));
    members.push_back(member("value_size", value_size, 3));
  }
  auto* st_di = dib_->createStructType(cu_, "", file_, 0, members.size() * 64, 64,
                                       llvm::DINode::FlagZero, nullptr,
                                       dib_->getOrCreateArray(members));
  std::vector<llvm::Type*> fields(members.size(), ptr_ty());
  auto* st = llvm::StructType::get(ctx_, fields);
  auto* gv = new llvm::GlobalVariable(*module_, st, false, llvm::GlobalValue::ExternalLinkage,
                                      llvm::ConstantAggregateZero::get(st), name);
  gv->setSection(".maps");
  gv->setAlignment(llvm::Align(8));
  auto* gve = dib_->createGlobalVariableExpression(cu_, name, name, file_, 0, st_di, false);
  gv->addDebugInfo(gve);
  return gv;
}

void Lowerer::create_maps() {
  for (const auto& m : info_.maps) {
    uint32_t type = m.is_array ? builtins::kMapPercpuArray
                    : m.percpu ? builtins::kMapPercpuHash
                               : builtins::kMapHash;
    uint32_t entries = m.is_array ? 1 : info_.map_max_entries;
    if (m.decl_bpf_type) { // declared: `let @m = lruhash(N);`
      type = m.decl_bpf_type;
      entries = m.decl_max_entries;
    }
    maps_.push_back(define_map(m.bpf_name, type, entries, m.key_size, m.value_size));
  }
  constexpr uint32_t kStackEntries = 16384;
  bool dwarf = false;
  for (const auto& s : info_.stack_maps) {
    dwarf |= s.dwarf;
    stack_maps_.push_back(
        s.dwarf ? define_map(s.bpf_name, builtins::kMapHash, kStackEntries, 8, 8 * s.limit)
                : define_map(s.bpf_name, builtins::kMapStackTrace, kStackEntries, 4, 8 * s.limit));
  }
  if (dwarf) create_unwind_maps();
  // Always present: besides printf & co, a full map is reported through it.
  ringbuf_ = define_map("btc_events", builtins::kMapRingbuf, info_.ringbuf_bytes, 0, 0);
}

// percpu_kaddr("name"): an extern of the variable's BTF type in .ksyms, which libbpf resolves
// to the target kernel's variable (a BTF-typed ksym: bpf_per_cpu_ptr/bpf_this_cpu_ptr take
// it). One declaration per name.
llvm::GlobalVariable* Lowerer::percpu_ksym(const std::string& name) {
  if (auto* gv = module_->getNamedGlobal(name)) return gv;
  auto type_id = btf_ ? btf_->percpu_var_type(name) : std::nullopt;
  BTC_CHECK(type_id && core_, "sema checks that percpu_kaddr() names a per-CPU variable");
  auto* gv = new llvm::GlobalVariable(*module_, b_.getInt8Ty(), false,
                                      llvm::GlobalValue::ExternalLinkage, nullptr, name);
  gv->setSection(".ksyms");
  gv->addDebugInfo(dib_->createGlobalVariableExpression(
      cu_, name, name, file_, 0, core_->di_type(*type_id), false, /*isDefined=*/false));
  return gv;
}

void Lowerer::create_globals() {
  auto* char_di = dib_->createBasicType("char", 8, llvm::dwarf::DW_ATE_signed_char);
  auto byte_array = [&](const std::string& name, uint32_t size, const char* section,
                        bool constant_init) {
    auto* ty = llvm::ArrayType::get(b_.getInt8Ty(), size);
    auto* gv = new llvm::GlobalVariable(*module_, ty, false, llvm::GlobalValue::ExternalLinkage,
                                        llvm::ConstantAggregateZero::get(ty), name);
    gv->setSection(section);
    gv->setAlignment(llvm::Align(8));
    // The runtime writes .rodata before load; LLVM must not fold our loads to zero.
    if (constant_init) gv->setExternallyInitialized(true);
    auto* sub = dib_->getOrCreateSubrange(0, size);
    auto* arr_di = dib_->createArrayType(size * 8, 8, char_di, dib_->getOrCreateArray({sub}));
    gv->addDebugInfo(dib_->createGlobalVariableExpression(cu_, name, name, file_, 0, arr_di,
                                                          false));
    return gv;
  };
  // The config struct sema laid out (abi::ConfigLayout).
  config_ = byte_array("btc_config", layout_.size, ".rodata", true);
  // .bss: the stop flag (abi::kStopFlagOffset), zeros that new map values are copied from,
  // and a scratch value that updates of a full map are written to.
  uint32_t value_area = sema::align8(std::max<uint32_t>(info_.max_map_value_size, 8));
  bss_discard_offset_ = abi::kBssZerosOffset + value_area;
  bss_ = byte_array("btc_bss", bss_discard_offset_ + value_area, ".bss", false);

  auto* lic_init = llvm::ConstantDataArray::getString(ctx_, info_.license);
  auto* lic = new llvm::GlobalVariable(*module_, lic_init->getType(), true,
                                       llvm::GlobalValue::ExternalLinkage, lic_init, "_license");
  lic->setSection("license");
}

void Lowerer::begin_program(const std::string& name, const std::string& section,
                            source::SourceRange range) {
  auto* fty = llvm::FunctionType::get(b_.getInt32Ty(), {ptr_ty()}, false);
  fn_ = llvm::Function::Create(fty, llvm::GlobalValue::ExternalLinkage, name, *module_);
  fn_->setSection(section);
  ctx_arg_ = fn_->getArg(0);
  ctx_arg_->setName("ctx");

  // Debug info: every function needs a DISubprogram for BTF func info and CO-RE relocations.
  auto* int_di = dib_->createBasicType("int", 32, llvm::dwarf::DW_ATE_signed);
  auto* void_ptr = dib_->createPointerType(nullptr, 64);
  auto* sty = dib_->createSubroutineType(dib_->getOrCreateTypeArray({int_di, void_ptr}));
  uint32_t line = 1;
  if (options_.source) line = options_.source->line_col(range.begin).line;
  sp_ = dib_->createFunction(cu_, fn_->getName(), fn_->getName(), file_, line, sty, line,
                             llvm::DINode::FlagPrototyped, llvm::DISubprogram::SPFlagDefinition);
  fn_->setSubprogram(sp_);
  // A named, always-preserved parameter: the kernel rejects BTF func protos without it.
  dib_->createParameterVariable(sp_, "ctx", 1, file_, line, void_ptr, true);
  fn_->addFnAttr(llvm::Attribute::NoUnwind);

  auto* entry = llvm::BasicBlock::Create(ctx_, "entry", fn_);
  b_.SetInsertPoint(entry);
  set_loc(range);
  temps_.clear();
}

void Lowerer::lower_program(const sema::ProbeInfo& p, size_t spec_index, bool twin) {
  probe_ = &p;
  spec_ = &p.specs[spec_index];
  probe_id_ = p.probe_ids[spec_index];
  twin_ = twin;
  as_fentry_ = provider().arg_array_ctx(twin);
  func_nargs_ = p.func_arg_counts[spec_index];
  vars_.clear();
  loops_.clear();
  const std::string& name = twin ? p.alt_prog_names[spec_index] : p.prog_names[spec_index];
  begin_program(name, provider().section(*spec_, twin), p.probe->range);
  provider().prologue(*this);
  if (p.probe->predicate) {
    return_if(b_.CreateNot(to_bool(lower_expr(*p.probe->predicate))), "skip");
    end_temporaries(0);
  }
  lower_block(p.probe->body);
  if (!b_.GetInsertBlock()->getTerminator()) b_.CreateRet(b_.getInt32(0));
  end_program();
}

void Lowerer::end_program() {
  dib_->finalizeSubprogram(sp_);
}

void Lowerer::emit_event_guard() {
  // Once the tool is stopping, every event probe is a no-op (BEGIN/END always run).
  auto* flag = b_.CreateLoad(i64_ty(), gep(bss_, abi::kStopFlagOffset));
  flag->setVolatile(true);
  flag->setAlignment(llvm::Align(8));
  return_if(b_.CreateICmpNE(flag, i64(0)), "stopped");
  // -p PID: kernel probes only see the target process. The pid is only asked for under -p:
  // the verifier knows the frozen .rodata value and drops the whole check otherwise.
  llvm::Value* target = config_u64(layout_.target_pid);
  auto* check = llvm::BasicBlock::Create(ctx_, "pid_filter", fn_);
  auto* go_on = llvm::BasicBlock::Create(ctx_, "", fn_);
  b_.CreateCondBr(b_.CreateICmpNE(target, i64(0)), check, go_on);
  b_.SetInsertPoint(check);
  llvm::Value* pid = b_.CreateLShr(call_helper(Helper::GetCurrentPidTgid, i64_ty(), {}), 32);
  return_if(b_.CreateICmpNE(pid, target), "other_pid");
  b_.CreateBr(go_on);
  b_.SetInsertPoint(go_on);
}

llvm::GlobalVariable* Lowerer::object_map(const std::string& name, uint32_t type, uint32_t entries,
                                          uint32_t key_size, uint32_t value_size) {
  if (llvm::GlobalVariable* map = module_->getNamedGlobal(name)) return map;
  return define_map(name, type, entries, key_size, value_size);
}

void Lowerer::return_if(llvm::Value* cond, const char* name) {
  auto* leave = llvm::BasicBlock::Create(ctx_, name, fn_);
  auto* go_on = llvm::BasicBlock::Create(ctx_, "", fn_);
  b_.CreateCondBr(cond, leave, go_on);
  b_.SetInsertPoint(leave);
  b_.CreateRet(b_.getInt32(0));
  b_.SetInsertPoint(go_on);
}

void Lowerer::set_loc(source::SourceRange r) {
  if (!sp_) return;
  uint32_t line = 1, col = 1;
  if (options_.source) {
    auto lc = options_.source->line_col(r.begin);
    line = lc.line;
    col = lc.col;
  }
  b_.SetCurrentDebugLocation(llvm::DILocation::get(ctx_, line, col, sp_));
}

llvm::Expected<LoweredModule> lower(const ast::Program& program, const sema::ProgramInfo& info,
                                    const btf::KernelBtf* btf, const CodegenOptions& options,
                                    llvm::LLVMContext& context) {
  Lowerer l(program, info, btf, options, context);
  return l.run();
}

llvm::Expected<std::vector<uint8_t>> emit_bpf(llvm::Module& module) {
  std::string err;
  auto tm = make_target_machine(err);
  if (!tm) return llvm::createStringError(llvm::inconvertibleErrorCode(), "BPF target: " + err);

  // Optimise with the new pass manager; the BPF target registers its CO-RE passes
  // (BPFAbstractMemberAccess, BPFPreserveDIType, ...) through the PassBuilder callbacks.
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(tm.get());
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  auto mpm = pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2);
  mpm.run(module, mam);

  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream os(buffer);
  llvm::legacy::PassManager pm;
  if (tm->addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::ObjectFile))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "BPF target cannot emit object files");
  pm.run(module);
  return std::vector<uint8_t>(buffer.begin(), buffer.end());
}

std::string print_ir(const llvm::Module& module) {
  std::string s;
  llvm::raw_string_ostream os(s);
  module.print(os, nullptr);
  return os.str();
}

} // namespace btc::codegen
