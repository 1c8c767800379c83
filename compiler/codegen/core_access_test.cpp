// core_access_test.cpp: CoreTypes end to end. Builds BPF modules reading kernel fields the way
// bpftrace scripts do (curtask->pid, curtask->real_parent->tgid, curtask->se.load.weight,
// args->filename of a syscall tracepoint), compiles them with LLVM's BPF target in memory,
// checks the .BTF.ext CO-RE relocations, and, as root, loads the programs with libbpf against
// the running kernel and runs them.
#include "codegen/core_access.h"

#include "btf/tracepoint.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <gtest/gtest.h>

#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Target/TargetMachine.h>

#include <cstdio>
#include <cstring>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

namespace btc::codegen {
namespace {

constexpr uint64_t kHelperGetCurrentTask = 35;
constexpr uint64_t kHelperProbeReadKernel = 113;

const btf::KernelBtf* kernel_btf() {
  static std::optional<btf::KernelBtf> k = [] {
    auto r = btf::KernelBtf::load();
    if (!r) {
      llvm::consumeError(r.takeError());
      return std::optional<btf::KernelBtf>();
    }
    return std::optional<btf::KernelBtf>(std::move(*r));
  }();
  return k ? &*k : nullptr;
}

// A BPF module with debug info, the way codegen sets one up.
struct TestModule {
  llvm::LLVMContext ctx;
  std::unique_ptr<llvm::Module> m = std::make_unique<llvm::Module>("core_test", ctx);
  std::unique_ptr<llvm::DIBuilder> dib;
  llvm::DIFile* file = nullptr;
  std::unique_ptr<llvm::TargetMachine> tm;

  TestModule() {
    LLVMInitializeBPFTargetInfo();
    LLVMInitializeBPFTarget();
    LLVMInitializeBPFTargetMC();
    LLVMInitializeBPFAsmPrinter();
    std::string err;
    const llvm::Target* target = llvm::TargetRegistry::lookupTarget("bpfel", err);
    EXPECT_TRUE(target) << err;
    tm.reset(target->createTargetMachine("bpfel", "v3", "", llvm::TargetOptions(),
                                         std::nullopt, std::nullopt,
                                         llvm::CodeGenOptLevel::Aggressive));
    m->setTargetTriple("bpfel");
    m->setDataLayout(tm->createDataLayout());
    m->addModuleFlag(llvm::Module::Warning, "Debug Info Version", llvm::DEBUG_METADATA_VERSION);
    m->addModuleFlag(llvm::Module::Warning, "Dwarf Version", 4);
    dib = std::make_unique<llvm::DIBuilder>(*m);
    file = dib->createFile("test.bt", "/");
    dib->createCompileUnit(llvm::dwarf::DW_LANG_C99, file, "btc", true, "", 0);
    // bpf_get_current_task and bpf_probe_read_kernel are GPL-only helpers.
    auto* license = llvm::ConstantDataArray::getString(ctx, "GPL");
    auto* gv = new llvm::GlobalVariable(*m, license->getType(), true,
                                        llvm::GlobalValue::ExternalLinkage, license, "_license");
    gv->setSection("license");
  }

  // `int name(void *ctx)` in `section`, with a DISubprogram (BTFDebug requires one).
  llvm::Function* add_function(const std::string& name, const std::string& section,
                               llvm::IRBuilder<>& b) {
    auto* fty = llvm::FunctionType::get(b.getInt32Ty(), {b.getPtrTy()}, false);
    auto* f = llvm::Function::Create(fty, llvm::GlobalValue::ExternalLinkage, name, *m);
    f->setSection(section);
    f->addFnAttr(llvm::Attribute::NoUnwind); // else the backend emits .eh_frame
    auto* int_ty = dib->createBasicType("int", 32, llvm::dwarf::DW_ATE_signed);
    auto* ptr_ty = dib->createPointerType(nullptr, 64);
    auto* sty = dib->createSubroutineType(dib->getOrCreateTypeArray({int_ty, ptr_ty}));
    auto* sp = dib->createFunction(file, name, name, file, 1, sty, 1,
                                   llvm::DINode::FlagPrototyped,
                                   llvm::DISubprogram::SPFlagDefinition);
    f->setSubprogram(sp);
    // The kernel rejects BTF FUNCs whose arguments have no names; BTFDebug takes them from
    // retained parameter variables.
    dib->createParameterVariable(sp, "ctx", 1, file, 1, ptr_ty, true);
    b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", f));
    b.SetCurrentDebugLocation(llvm::DILocation::get(ctx, 1, 0, sp));
    return f;
  }

  llvm::GlobalVariable* add_bss(const std::string& name, unsigned n_u64) {
    auto* ty = llvm::ArrayType::get(llvm::Type::getInt64Ty(ctx), n_u64);
    auto* gv = new llvm::GlobalVariable(*m, ty, false, llvm::GlobalValue::ExternalLinkage,
                                        llvm::ConstantAggregateZero::get(ty), name);
    gv->setSection(".bss");
    gv->setAlignment(llvm::Align(8));
    return gv;
  }

  // O2 pipeline (with the BPF target's CO-RE passes), then the BPF backend. Returns an empty
  // vector when the module is invalid.
  std::vector<char> compile_here() {
    dib->finalize();
    std::string verify_msg;
    llvm::raw_string_ostream vos(verify_msg);
    if (llvm::verifyModule(*m, &vos)) {
      std::fprintf(stderr, "invalid module: %s\n", verify_msg.c_str());
      return {};
    }
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PassBuilder pb(tm.get()); // registers BPFAbstractMemberAccess & co.
    pb.registerModuleAnalyses(mam);
    pb.registerCGSCCAnalyses(cgam);
    pb.registerFunctionAnalyses(fam);
    pb.registerLoopAnalyses(lam);
    pb.crossRegisterProxies(lam, fam, cgam, mam);
    pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2).run(*m, mam);
    llvm::SmallVector<char, 0> out;
    llvm::raw_svector_ostream os(out);
    llvm::legacy::PassManager pm;
    if (tm->addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::ObjectFile))
      return {};
    pm.run(*m);
    return std::vector<char>(out.begin(), out.end());
  }

  // BPFAbstractMemberAccess keeps a process-wide map from access key to the global it
  // created for the first module; a later module with the same key gets a dangling global
  // and crashes. So each test compiles in a child process (btc compiles one module per run).
  std::vector<char> compile() {
    int fds[2];
    if (pipe(fds) != 0)
      return {};
    pid_t pid = fork();
    if (pid == 0) {
      close(fds[0]);
      std::vector<char> elf = compile_here();
      for (size_t done = 0; done < elf.size();) {
        ssize_t n = write(fds[1], elf.data() + done, elf.size() - done);
        if (n <= 0)
          _exit(2);
        done += static_cast<size_t>(n);
      }
      _exit(elf.empty() ? 1 : 0);
    }
    close(fds[1]);
    std::vector<char> elf;
    char buf[65536];
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;)
      elf.insert(elf.end(), buf, buf + n);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "compile failed";
    return elf;
  }
};

llvm::Value* call_helper(llvm::IRBuilder<>& b, uint64_t id, llvm::Type* ret,
                         llvm::ArrayRef<llvm::Value*> args) {
  std::vector<llvm::Type*> params;
  for (llvm::Value* a : args)
    params.push_back(a->getType());
  auto* fty = llvm::FunctionType::get(ret, params, false);
  auto* callee = llvm::ConstantExpr::getIntToPtr(b.getInt64(id), b.getPtrTy());
  return b.CreateCall(fty, callee, args);
}

// bpf_probe_read_kernel(&tmp, size, src) and the loaded value widened to i64.
llvm::Value* probe_read(llvm::IRBuilder<>& b, llvm::Value* src, llvm::Type* ty) {
  llvm::Function* f = b.GetInsertBlock()->getParent();
  llvm::IRBuilder<> entry(&f->getEntryBlock(), f->getEntryBlock().begin());
  llvm::AllocaInst* tmp = entry.CreateAlloca(ty);
  b.CreateStore(llvm::Constant::getNullValue(ty), tmp);
  call_helper(b, kHelperProbeReadKernel, b.getInt64Ty(),
              {tmp, b.getInt32(f->getDataLayout().getTypeStoreSize(ty)), src});
  llvm::Value* v = b.CreateLoad(ty, tmp);
  return ty->isPointerTy() ? v : b.CreateZExt(v, b.getInt64Ty());
}

btf::FieldPath field(uint32_t rec, std::string_view name) {
  auto p = kernel_btf()->find_field(rec, name);
  EXPECT_TRUE(p) << name;
  return p ? *p : btf::FieldPath{};
}

// task_struct accesses: out[0] = pid, out[1] = tgid, out[2] = real_parent->tgid,
// out[3] = se.load.weight, out[4] = PIDTYPE_TGID via an enum-value relocation.
void build_task_program(TestModule& tm, CoreTypes& core) {
  const btf::KernelBtf& k = *kernel_btf();
  llvm::IRBuilder<> b(tm.ctx);
  llvm::GlobalVariable* out = tm.add_bss("out", 5);
  tm.add_function("read_task", "raw_tp", b);
  uint32_t task = *k.find_record("task_struct");
  auto slot = [&](unsigned i) { return b.CreateConstGEP2_64(out->getValueType(), out, 0, i); };
  llvm::Value* cur = b.CreateIntToPtr(
      call_helper(b, kHelperGetCurrentTask, b.getInt64Ty(), {}), b.getPtrTy());

  b.CreateStore(probe_read(b, core.field_address(b, cur, task, field(task, "pid")),
                           b.getInt32Ty()), slot(0));
  b.CreateStore(probe_read(b, core.field_address(b, cur, task, field(task, "tgid")),
                           b.getInt32Ty()), slot(1));
  llvm::Value* parent = probe_read(
      b, core.field_address(b, cur, task, field(task, "real_parent")), b.getPtrTy());
  b.CreateStore(probe_read(b, core.field_address(b, parent, task, field(task, "tgid")),
                           b.getInt32Ty()), slot(2));
  // se.load.weight: three nested embedded records.
  btf::FieldPath se = field(task, "se");
  uint32_t se_rec = k.resolve(se.type_id);
  btf::FieldPath load = field(se_rec, "load");
  btf::FieldPath weight = field(k.resolve(load.type_id), "weight");
  btf::FieldPath path = se;
  path.member_indices.push_back(load.member_indices.at(0));
  path.member_indices.push_back(weight.member_indices.at(0));
  b.CreateStore(probe_read(b, core.field_address(b, cur, task, path), b.getInt64Ty()), slot(3));

  llvm::Value* tgid_type = core.enum_value_reloc(b, *k.find_type("pid_type"), "PIDTYPE_TGID");
  EXPECT_TRUE(tgid_type);
  if (tgid_type)
    b.CreateStore(tgid_type, slot(4));
  b.CreateRet(b.getInt32(0));
}

// sys_enter_write: if the caller is out[0]'s tgid, out[1] = args[1], out[2] = args[2],
// loaded directly from the context (the backend folds the relocation into the load).
void build_syscall_program(TestModule& tm, CoreTypes& core) {
  const btf::KernelBtf& k = *kernel_btf();
  llvm::IRBuilder<> b(tm.ctx);
  llvm::GlobalVariable* out = tm.add_bss("tp_out", 3);
  llvm::Function* f = tm.add_function("on_write", "tracepoint/syscalls/sys_enter_write", b);
  auto slot = [&](unsigned i) { return b.CreateConstGEP2_64(out->getValueType(), out, 0, i); };
  constexpr uint64_t kHelperGetCurrentPidTgid = 14;
  llvm::Value* tgid =
      b.CreateLShr(call_helper(b, kHelperGetCurrentPidTgid, b.getInt64Ty(), {}), 32);
  llvm::Value* want = b.CreateLoad(b.getInt64Ty(), slot(0));
  auto* hit = llvm::BasicBlock::Create(tm.ctx, "hit", f);
  auto* done = llvm::BasicBlock::Create(tm.ctx, "done", f);
  b.CreateCondBr(b.CreateICmpEQ(tgid, want), hit, done);
  b.SetInsertPoint(hit);
  uint32_t rec = *k.find_record("syscall_trace_enter");
  btf::FieldPath args = field(rec, "args");
  llvm::Value* args_ptr = core.field_address(b, f->getArg(0), rec, args);
  for (unsigned i : {1u, 2u}) {
    llvm::Value* p = core.array_element_address(b, args_ptr, args.type_id, i);
    b.CreateStore(b.CreateLoad(b.getInt64Ty(), p), slot(i));
  }
  b.CreateBr(done);
  b.SetInsertPoint(done);
  b.CreateRet(b.getInt32(0));
}

// out[0] = skb->dev (through two anonymous unions and an anonymous struct) of a null skb
// (probe_read fails, value unused); out[1..4] = byte offset, byte size, left and right shift
// of the bitfield task_struct.sched_reset_on_fork, as patched by libbpf.
void build_union_bitfield_program(TestModule& tm, CoreTypes& core) {
  const btf::KernelBtf& k = *kernel_btf();
  llvm::IRBuilder<> b(tm.ctx);
  llvm::GlobalVariable* out = tm.add_bss("ub_out", 5);
  tm.add_function("unions_bitfields", "raw_tp", b);
  auto slot = [&](unsigned i) { return b.CreateConstGEP2_64(out->getValueType(), out, 0, i); };
  uint32_t skb = *k.find_record("sk_buff");
  llvm::Value* null = llvm::ConstantPointerNull::get(b.getPtrTy());
  llvm::Value* dev = probe_read(b, core.field_address(b, null, skb, field(skb, "dev")),
                                b.getPtrTy());
  b.CreateStore(b.CreatePtrToInt(dev, b.getInt64Ty()), slot(0));
  uint32_t task = *k.find_record("task_struct");
  btf::FieldPath bit = field(task, "sched_reset_on_fork");
  EXPECT_EQ(bit.bitfield_size, 1u);
  EXPECT_TRUE(core.bitfield_info_supported(task, bit));
  llvm::Value* cur = b.CreateIntToPtr(
      call_helper(b, kHelperGetCurrentTask, b.getInt64Ty(), {}), b.getPtrTy());
  unsigned i = 1;
  for (FieldInfoKind kind : {FieldInfoKind::ByteOffset, FieldInfoKind::ByteSize,
                             FieldInfoKind::LShiftU64, FieldInfoKind::RShiftU64}) {
    llvm::Value* v = core.field_info(b, core.field_address(b, cur, task, bit), kind);
    b.CreateStore(b.CreateZExt(v, b.getInt64Ty()), slot(i++));
  }
  b.CreateRet(b.getInt32(0));
}

struct CoreReloc {
  std::string section;
  uint32_t kind = 0;
  std::string spec; // "task_struct.se.load.weight", "syscall_trace_enter.args[1]"
};

uint32_t strip(const struct btf* btf, uint32_t id) {
  const struct btf_type* t = btf__type_by_id(btf, id);
  while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
    id = t->type;
    t = btf__type_by_id(btf, id);
  }
  return id;
}

// Renders an access string ("0:55:0:0") as member names through the object's own BTF.
std::string render_access(const struct btf* btf, uint32_t root, const std::string& access) {
  std::string out = btf__name_by_offset(btf, btf__type_by_id(btf, root)->name_off);
  uint32_t cur = strip(btf, root);
  size_t pos = access.find(':');
  while (pos != std::string::npos) {
    size_t next = access.find(':', pos + 1);
    uint32_t idx = std::stoul(access.substr(pos + 1, next - pos - 1));
    const struct btf_type* t = btf__type_by_id(btf, cur);
    if (btf_is_composite(t)) {
      const struct btf_member* m = btf_members(t) + idx;
      out += std::string(".") + btf__name_by_offset(btf, m->name_off);
      cur = strip(btf, m->type);
    } else if (btf_is_array(t)) {
      out += "[" + std::to_string(idx) + "]";
      cur = strip(btf, btf_array(t)->type);
    }
    pos = next;
  }
  return out;
}

// Reads the core_relo part of .BTF.ext (header: magic, version, flags, hdr_len, then
// func/line/core_relo offset+length pairs; each part: rec_size, then per ELF section
// {sec_name_off, num_info, records[num_info]}; a record is {insn_off, type_id,
// access_str_off, kind}).
std::vector<CoreReloc> core_relocs(const std::vector<char>& elf) {
  auto obj = llvm::object::ObjectFile::createObjectFile(
      llvm::MemoryBufferRef(llvm::StringRef(elf.data(), elf.size()), "bpf.o"));
  EXPECT_TRUE(static_cast<bool>(obj));
  if (!obj) {
    llvm::consumeError(obj.takeError());
    return {};
  }
  llvm::StringRef btf_data, ext;
  for (const llvm::object::SectionRef& s : (*obj)->sections()) {
    llvm::Expected<llvm::StringRef> name = s.getName(), data = s.getContents();
    if (!name || !data) {
      llvm::consumeError(name.takeError());
      llvm::consumeError(data.takeError());
      continue;
    }
    if (*name == ".BTF")
      btf_data = *data;
    else if (*name == ".BTF.ext")
      ext = *data;
  }
  EXPECT_FALSE(btf_data.empty());
  EXPECT_FALSE(ext.empty());
  if (btf_data.empty() || ext.size() < 32)
    return {};
  struct btf* btf = btf__new(btf_data.data(), btf_data.size());
  auto u32 = [&](size_t off) {
    uint32_t v;
    std::memcpy(&v, ext.data() + off, 4);
    return v;
  };
  uint32_t hdr_len = u32(4);
  std::vector<CoreReloc> relocs;
  if (hdr_len < 32)
    return relocs;
  size_t begin = hdr_len + u32(24), end = begin + u32(28);
  if (end > ext.size() || begin == end) {
    btf__free(btf);
    return relocs;
  }
  uint32_t rec_size = u32(begin);
  for (size_t p = begin + 4; p + 8 <= end;) {
    std::string sec = btf__name_by_offset(btf, u32(p));
    uint32_t n = u32(p + 4);
    p += 8;
    for (uint32_t i = 0; i < n; ++i, p += rec_size) {
      CoreReloc r{sec, u32(p + 12), ""};
      r.spec = render_access(btf, u32(p + 4), btf__name_by_offset(btf, u32(p + 8)));
      relocs.push_back(r);
    }
  }
  btf__free(btf);
  return relocs;
}

size_t count(const std::vector<CoreReloc>& rs, const std::string& spec, uint32_t kind = 0) {
  size_t n = 0;
  for (const CoreReloc& r : rs)
    n += r.spec == spec && r.kind == kind;
  return n;
}

class CoreAccess : public ::testing::Test {
protected:
  void SetUp() override {
    if (!kernel_btf())
      GTEST_SKIP() << "no kernel BTF";
  }
};

TEST_F(CoreAccess, TaskStructAccessesBecomeFieldRelocations) {
  TestModule tm;
  CoreTypes core(*tm.m, *tm.dib, *kernel_btf());
  build_task_program(tm, core);
  std::vector<CoreReloc> rs = core_relocs(tm.compile());
  std::string all;
  for (const CoreReloc& r : rs)
    all += r.section + " " + std::to_string(r.kind) + " " + r.spec + "\n";
  EXPECT_EQ(count(rs, "task_struct.pid"), 1u) << all;
  // current->tgid and real_parent->tgid: the optimizer may share one relocated offset.
  EXPECT_GE(count(rs, "task_struct.tgid"), 1u) << all;
  EXPECT_EQ(count(rs, "task_struct.real_parent"), 1u) << all;
  EXPECT_EQ(count(rs, "task_struct.se.load.weight"), 1u) << all;
  constexpr uint32_t kEnumValueReloc = 11; // BPF_CORE_ENUMVAL_VALUE
  EXPECT_EQ(count(rs, "pid_type", kEnumValueReloc), 1u) << all;
  for (const CoreReloc& r : rs)
    EXPECT_EQ(r.section, "raw_tp");
}

TEST_F(CoreAccess, SyscallArgsBecomeArrayElementRelocations) {
  TestModule tm;
  CoreTypes core(*tm.m, *tm.dib, *kernel_btf());
  build_syscall_program(tm, core);
  std::vector<CoreReloc> rs = core_relocs(tm.compile());
  std::string all;
  for (const CoreReloc& r : rs)
    all += r.section + " " + std::to_string(r.kind) + " " + r.spec + "\n";
  EXPECT_EQ(count(rs, "syscall_trace_enter.args[1]"), 1u) << all;
  EXPECT_EQ(count(rs, "syscall_trace_enter.args[2]"), 1u) << all;
}

TEST_F(CoreAccess, AnonymousUnionsAndBitfieldInfo) {
  TestModule tm;
  CoreTypes core(*tm.m, *tm.dib, *kernel_btf());
  build_union_bitfield_program(tm, core);
  std::vector<char> elf = tm.compile();
  std::vector<CoreReloc> rs = core_relocs(elf);
  std::string all;
  for (const CoreReloc& r : rs)
    all += r.section + " " + std::to_string(r.kind) + " " + r.spec + "\n";
  EXPECT_EQ(count(rs, "sk_buff....dev"), 1u) << all; // three anonymous members, then dev
  for (uint32_t kind : {0u, 1u, 4u, 5u})
    EXPECT_EQ(count(rs, "task_struct.sched_reset_on_fork", kind), 1u) << kind << "\n" << all;
  if (geteuid() != 0)
    return;
  struct bpf_object* obj = bpf_object__open_mem(elf.data(), elf.size(), nullptr);
  ASSERT_TRUE(obj && !libbpf_get_error(obj));
  ASSERT_EQ(bpf_object__load(obj), 0);
  LIBBPF_OPTS(bpf_test_run_opts, opts);
  ASSERT_EQ(bpf_prog_test_run_opts(
                bpf_program__fd(bpf_object__find_program_by_name(obj, "unions_bitfields")),
                &opts), 0);
  uint64_t out[5] = {};
  int zero = 0;
  ASSERT_EQ(bpf_map_lookup_elem(bpf_map__fd(bpf_object__find_map_by_name(obj, ".bss")),
                                &zero, out), 0);
  btf::FieldPath bit = field(*kernel_btf()->find_record("task_struct"), "sched_reset_on_fork");
  // The loaded storage unit [offset, offset+size) holds the bit; shifts extract one bit.
  EXPECT_LE(out[1], bit.offset);
  EXPECT_GT(out[1] + out[2], bit.offset);
  EXPECT_EQ(out[4], 63u);
  EXPECT_EQ(out[3], 64 - 8 * out[2] + (8 * out[2] - 1 - ((bit.offset - out[1]) * 8 +
                                                         bit.bitfield_offset)));
  bpf_object__close(obj);
}

// Loading needs CAP_BPF (root here); BPF_PROG_TEST_RUN runs a raw_tp program in the calling
// thread, so the program sees this process as `current`.
TEST_F(CoreAccess, LoadsAndReadsCurrentTaskOnThisKernel) {
  if (geteuid() != 0)
    GTEST_SKIP() << "needs root";
  TestModule tm;
  CoreTypes core(*tm.m, *tm.dib, *kernel_btf());
  build_task_program(tm, core);
  std::vector<char> elf = tm.compile();
  struct bpf_object* obj = bpf_object__open_mem(elf.data(), elf.size(), nullptr);
  ASSERT_TRUE(obj && !libbpf_get_error(obj));
  ASSERT_EQ(bpf_object__load(obj), 0) << "verifier or CO-RE relocation failed (see stderr)";
  struct bpf_program* prog = bpf_object__find_program_by_name(obj, "read_task");
  ASSERT_TRUE(prog);
  LIBBPF_OPTS(bpf_test_run_opts, opts);
  ASSERT_EQ(bpf_prog_test_run_opts(bpf_program__fd(prog), &opts), 0);
  struct bpf_map* bss = bpf_object__find_map_by_name(obj, ".bss");
  ASSERT_TRUE(bss);
  uint64_t out[5] = {};
  int zero = 0;
  ASSERT_EQ(bpf_map_lookup_elem(bpf_map__fd(bss), &zero, out), 0);
  EXPECT_EQ(out[0], static_cast<uint64_t>(gettid()));
  EXPECT_EQ(out[1], static_cast<uint64_t>(getpid()));
  EXPECT_EQ(out[2], static_cast<uint64_t>(getppid()));
  EXPECT_GT(out[3], 0u);
  EXPECT_EQ(static_cast<int64_t>(out[4]), *kernel_btf()->enum_value("PIDTYPE_TGID"));
  bpf_object__close(obj);
}

// Attaches to syscalls:sys_enter_write (needs tracefs, mounted by ensure_tracefs) and checks
// the buffer pointer and count of our own write().
TEST_F(CoreAccess, TracepointArgsThroughCoreOnThisKernel) {
  if (geteuid() != 0)
    GTEST_SKIP() << "needs root";
  std::string root;
  if (llvm::Error err = btf::ensure_tracefs(root))
    GTEST_SKIP() << llvm::toString(std::move(err));
  TestModule tm;
  CoreTypes core(*tm.m, *tm.dib, *kernel_btf());
  build_syscall_program(tm, core);
  std::vector<char> elf = tm.compile();
  struct bpf_object* obj = bpf_object__open_mem(elf.data(), elf.size(), nullptr);
  ASSERT_TRUE(obj && !libbpf_get_error(obj));
  ASSERT_EQ(bpf_object__load(obj), 0) << "verifier or CO-RE relocation failed (see stderr)";
  struct bpf_map* bss = bpf_object__find_map_by_name(obj, ".bss");
  ASSERT_TRUE(bss);
  int zero = 0;
  uint64_t out[3] = {static_cast<uint64_t>(getpid()), 0, 0};
  ASSERT_EQ(bpf_map_update_elem(bpf_map__fd(bss), &zero, out, BPF_ANY), 0);
  struct bpf_link* link =
      bpf_program__attach(bpf_object__find_program_by_name(obj, "on_write"));
  ASSERT_TRUE(link && !libbpf_get_error(link));
  static const char kMsg[] = "core!\n";
  int fd = open("/dev/null", O_WRONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, kMsg, 6), 6);
  close(fd);
  ASSERT_EQ(bpf_map_lookup_elem(bpf_map__fd(bss), &zero, out), 0);
  EXPECT_EQ(out[1], reinterpret_cast<uint64_t>(kMsg));
  EXPECT_EQ(out[2], 6u);
  bpf_link__destroy(link);
  bpf_object__close(obj);
}

} // namespace
} // namespace btc::codegen
