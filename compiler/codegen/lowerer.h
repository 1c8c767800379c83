// lowerer.h: the IR builder state shared by the codegen files (internal to codegen).
//
// module.cpp sets up the module (maps, globals, one function per attach point), then calls
// lower_probe(); lower_stmt.cpp, lower_expr.cpp and lower_call.cpp emit statements,
// expressions and builtin calls; bpf_helpers.cpp wraps BPF helper calls and memory idioms.
//
// Value representation: integers, pointers, probe ids are i64 SSA values; every other type
// (strings, tuples, records, ...) is a `ptr` to a stack buffer of Type::size bytes.
#pragma once

#include "btc/check.h"
#include "builtins/bpf_abi.h"
#include "builtins/builtins.h"
#include "codegen/codegen.h"
#include "codegen/core_access.h"
#include "probes/provider.h"

#include <llvm/IR/DIBuilder.h>
#include <llvm/IR/IRBuilder.h>

#include <map>
#include <optional>

namespace btc::builtins {
struct NameTable;
}

namespace btc::codegen {

using ast::Type;

using builtins::Helper;

// Types held in an i64 SSA value (everything else lives in a stack buffer).
bool is_scalar(const Type& t);

// The step of pointer arithmetic on pointer type `p`: its pointee's size (1 for void *).
uint64_t element_size(const Type& p);

// The helper that reads memory of address space `as` (a NUL-terminated string when `str`).
Helper read_helper(ast::AddrSpace as, bool str = false);

// The Lowerer is also what codegen lends the probe providers (probes/provider.h).
class Lowerer final : public probes::LowerContext {
public:
  Lowerer(const ast::Program& program, const sema::ProgramInfo& info, const btf::KernelBtf* btf,
          const CodegenOptions& options, llvm::LLVMContext& ctx);
  llvm::Expected<LoweredModule> run();

  // module.cpp
  void create_maps();
  void create_globals();
  llvm::GlobalVariable* define_map(const std::string& name, uint32_t type, uint32_t max_entries,
                                   uint32_t key_size, uint32_t value_size);
  void lower_program(const sema::ProbeInfo& p, size_t spec_index, bool as_fentry);
  // Starts BPF function `name` (ctx argument, debug info, entry block) in `section`.
  void begin_program(const std::string& name, const std::string& section,
                     source::SourceRange range) override;
  // The probe's provider (probes/provider.h), which lowers its context reads.
  const probes::Provider& provider() const { return probes::provider(spec_->kind); }
  // kstack/ustack/dw_ustack values; `e` is the expression (dw_ustack's warning event).
  llvm::Value* stack_value(const Type& t, const ast::Expr* e = nullptr);

  // LowerContext
  llvm::IRBuilder<>& builder() override { return b_; }
  llvm::Function* function() override { return fn_; }
  llvm::Value* context() override { return ctx_arg_; }
  const probes::AttachSpec& spec() const override { return *spec_; }
  bool twin() const override { return twin_; }
  uint32_t func_arg_slots() const override { return func_nargs_; }
  const sema::ProgramInfo& program_info() const override { return info_; }
  const abi::ConfigLayout& config_layout() const override { return layout_; }
  llvm::GlobalVariable* object_map(const std::string& name, uint32_t type, uint32_t entries,
                                   uint32_t key_size, uint32_t value_size) override;
  llvm::GlobalVariable* ringbuf() override { return ringbuf_; }
  llvm::Value* reserve_event(uint64_t size) override;
  CoreTypes* core_types() override { return core_.get(); }
  const btf::KernelBtf* kernel_btf() const override { return btf_; }
  void emit_event_guard() override;
  void end_program() override;

  // lower_stmt.cpp
  void lower_block(const ast::Block& block);
  void lower_stmt(const ast::Stmt& stmt);
  llvm::Value* lower_name_lookup(const builtins::NameTable& t, const ast::Expr& number);
  llvm::Value* lower_address_of(const ast::Expr& operand);
  llvm::Value* lower_field_address(const ast::Expr& e, const ast::FieldAccess& f);
  llvm::Value* lower_tuple(const std::vector<ast::ExprPtr>& elems, const Type& t);
  llvm::Value* var_slot(const std::string& name, const Type& t);
  // lower_for.cpp: for ($kv : @m) { ... } through bpf_for_each_map_elem.
  void lower_map_for(const ast::ForStmt& f);
  // len(@m): the entries of @m, counted by bpf_for_each_map_elem.
  llvm::Value* lower_map_len(const ast::MapRef& m);
  llvm::Function* map_callback(const std::string& name, uint32_t line, llvm::DISubprogram*& sp);
  llvm::Function* loop_callback(const ast::ForStmt& f,
                                const std::vector<std::pair<std::string, Type>>& vars,
                                const std::vector<uint32_t>& offsets);
  void lower_let(const ast::LetStmt& l);
  void lower_assign(const ast::AssignStmt& a);
  void lower_runtime_unroll(const ast::UnrollStmt& n);
  llvm::Value* compound_value(ast::AssignOp op, llvm::Value* cur, llvm::Value* rhs,
                              const Type& target);
  // `where`: the location a -k warning about a failed update points at.
  void store_map(const ast::MapRef& m, llvm::Value* value, const Type& type,
                 source::SourceRange where);
  void emit_return(llvm::Value* value = nullptr);

  // lower_expr.cpp
  llvm::Value* lower_expr(const ast::Expr& e) override;
  llvm::Value* lower_builtin(const ast::Expr& e, const ast::Builtin& b);
  llvm::Value* lower_binary(const ast::Expr& e, const ast::Binary& b);
  llvm::Value* lower_field(const ast::Expr& e, const ast::FieldAccess& f);
  // lower_field.cpp: a value of type `t` at `addr` (an i64 or ptr) in address space `as`:
  // integers and pointers are read (`read_size` bytes, 0: the type's) and widened to i64,
  // strings and arrays copied into a stack buffer; a record is its address, an LLVM pointer
  // when `bpf_memory` (a stack or map copy) else an i64. Failed reads warn with -kk at `range`.
  llvm::Value* read_at(llvm::Value* addr, const Type& t, uint32_t read_size,
                       source::SourceRange range, ast::AddrSpace as, bool bpf_memory) override;
  // A field of type `t` at `addr` inside the program's context: a direct load.
  llvm::Value* context_load(llvm::Value* addr, const Type& t);
  llvm::Value* read_bitfield(llvm::Value* base_ptr, llvm::Value* field_ptr, uint32_t record_id,
                            const btf::FieldPath& path, const Type& type, ast::AddrSpace as);
  void field_chain(const ast::Expr& e, const ast::FieldAccess& f, const ast::Expr*& root,
                   uint32_t& root_id, btf::FieldPath& path);
  llvm::Value* read_map(const ast::MapRef& m, const Type& type);
  llvm::Value* build_key(const ast::MapRef& m);
  // Equal (i1) when the bytes match up to the shorter size, a NUL or `limit` bytes (a run-time
  // count; nullptr: no limit).
  llvm::Value* string_compare(llvm::Value* a, uint32_t asize, llvm::Value* b, uint32_t bsize,
                              llvm::Value* limit = nullptr);
  llvm::Value* tuple_equal(llvm::Value* l, const Type& lt, llvm::Value* r, const Type& rt);
  llvm::Value* convert_int(llvm::Value* v, const Type& from) override;
  llvm::Value* to_bool(llvm::Value* v);

  // lower_path.cpp: path() through bpf_d_path
  llvm::Value* lower_path(const ast::Expr& e, const ast::Call& c);

  // lower_call.cpp
  llvm::Value* lower_call(const ast::Expr& e, const ast::Call& c);
  void lower_aggregation(const ast::MapRef& m, const ast::Expr& call, const Type& agg);
  void lower_tseries(llvm::Value* v, llvm::Value* arg, const Type& agg);
  llvm::GlobalVariable* percpu_ksym(const std::string& name);
  llvm::Value* stack_depth(const ast::Expr& stack);
  // lower_unwind.cpp: dw_ustack
  void create_unwind_maps();
  uint32_t dwarf_frames_limit() const;
  llvm::Function* begin_callback(const std::string& name, const std::vector<llvm::Type*>& params);
  llvm::Value* read_kernel_field(llvm::Value* base, const char* record, const char* field);
  llvm::Value* dw_scratch();
  llvm::Function* unwind_vma_callback();
  llvm::Function* unwind_step_callback();
  llvm::Value* dwarf_stack_value(const Type& t, const ast::Expr& e, bool depth);
  // An i64 copy of `v` LLVM cannot see through (inline asm): keeps checks the verifier needs
  // but LLVM would fold away.
  llvm::Value* opaque(llvm::Value* v);
  llvm::Value* sum_over_cpus(const sema::MapInfo& mi, uint32_t map_index, llvm::Value* key);
  void emit_event(uint32_t event_id, const std::vector<const ast::Expr*>& args);
  // The call's arguments from index `first` on (an event's payload).
  static std::vector<const ast::Expr*> call_args(const ast::Call& c, size_t first);
  llvm::Value* lower_str(const ast::Call& c);
  // lower_functions.cpp
  llvm::Value* lower_call_fn(const ast::Expr& e, const ast::Call& c, builtins::CallFn f);
  llvm::Value* lower_function(const ast::Expr& e, const ast::Call& c, builtins::ValueFn f);
  llvm::Value* lower_join(const ast::Expr& e, const ast::Call& c);
  llvm::Value* lower_strcontains(const ast::Call& c);
  // A HelperError event for a failed helper call at `range` (emitted when `ret` < 0 and, for
  // non-map helpers, the tool runs with -k / -kk as `level` requires).
  void check_helper_result(Helper h, llvm::Value* ret, source::SourceRange range,
                           uint32_t map, int level);

  // bpf_helpers.cpp
  llvm::Value* call_helper(Helper h, llvm::Type* ret, llvm::ArrayRef<llvm::Value*> args) override;
  // A zero-sized-aligned stack buffer. Temporaries (the default) live until the end of the
  // statement being lowered: lifetime markers let LLVM's stack colouring share their slots,
  // which keeps programs under the 512-byte BPF stack.
  llvm::AllocaInst* stack_buffer(uint32_t size, const llvm::Twine& name = "buf",
                                 bool temporary = true) override;
  void end_temporaries(size_t from);
  llvm::AllocaInst* entry_alloca(llvm::Type* t, const llvm::Twine& name);
  void zero_fill(llvm::Value* ptr, uint32_t size) override;
  void copy_bytes(llvm::Value* dst, llvm::Value* src, uint32_t size);
  // Stores `value` of `type` into `dst` in storage layout (ints as 8 bytes, or `dst_size`
  // bytes when narrower: tuple elements). `dst_type`: what `dst` holds, when a tuple there may
  // be laid out differently from `type` (a map or variable first assigned shorter strings).
  void store_value(llvm::Value* dst, llvm::Value* value, const Type& type, uint32_t dst_size,
                   const Type* dst_type = nullptr);
  llvm::Value* load_u64(llvm::Value* ptr, uint32_t offset = 0);
  llvm::Value* ctx_u64(uint32_t offset) override {
    return b_.CreateAlignedLoad(i64_ty(), gep(ctx_arg_, offset), llvm::Align(8));
  }
  llvm::Value* gep(llvm::Value* ptr, uint64_t offset) override;
  llvm::Value* map_lookup(llvm::GlobalVariable* map, llvm::Value* key) override;
  // Looks up `key`, inserting a zero value first if missing; returns a non-null value ptr in
  // the current block: the .bss scratch value if even the insert failed (a full map), so the
  // action goes on as in 0.17. `where`: the location a -k warning about the insert points at.
  llvm::Value* map_lookup_or_init(llvm::GlobalVariable* map, llvm::Value* key,
                                  source::SourceRange where);
  llvm::Value* config_u64(uint32_t offset) override;
  // Ends the program (returning 0) where `cond` holds; continues in a fresh block otherwise.
  void return_if(llvm::Value* cond, const char* name) override;
  // The id of the attach point that fired a program attached at several places: its BPF
  // cookie, or on kernels without cookies abi::kAttachIdMarker, patched per program copy.
  llvm::Value* attach_id() override;
  llvm::Value* attach_id_marker(); // the bare marker (kinds without cookies: always copies)
  llvm::Value* probe_read(llvm::Value* dst, uint32_t size, llvm::Value* src_addr,
                          ast::AddrSpace as) override;
  // Where the value `v` of type `t` (a record, array or string reached through a pointer, or
  // a pointer itself) must be read from: an LLVM pointer is BPF memory (a stack buffer or map
  // value: a kernel read), an i64 address is in `t`'s address space.
  static ast::AddrSpace memory_of(const Type& t, const llvm::Value* v);
  llvm::Value* i64(uint64_t v) override { return b_.getInt64(v); }
  llvm::Type* i64_ty() { return b_.getInt64Ty(); }
  llvm::PointerType* ptr_ty() { return b_.getPtrTy(); }
  void set_loc(source::SourceRange r);

  const ast::Program& program_;
  const sema::ProgramInfo& info_;
  const btf::KernelBtf* btf_;
  const CodegenOptions& options_;
  llvm::LLVMContext& ctx_;
  std::unique_ptr<llvm::Module> module_;
  llvm::IRBuilder<> b_;
  std::unique_ptr<llvm::DIBuilder> dib_;
  llvm::DICompileUnit* cu_ = nullptr;
  llvm::DIFile* file_ = nullptr;
  std::unique_ptr<CoreTypes> core_;
  source::SourceFile* source_ = nullptr;

  std::vector<llvm::GlobalVariable*> maps_; // parallel to info_.maps
  llvm::GlobalVariable* ringbuf_ = nullptr;
  llvm::GlobalVariable* config_ = nullptr;
  llvm::GlobalVariable* bss_ = nullptr; // stop flag, zeros, scratch value (create_globals)
  uint32_t bss_discard_offset_ = 0;
  const abi::ConfigLayout& layout_; // ProgramInfo::config

  // Per-program state.
  llvm::Function* fn_ = nullptr;
  llvm::Value* ctx_arg_ = nullptr;
  const sema::ProbeInfo* probe_ = nullptr;
  const probes::AttachSpec* spec_ = nullptr;
  uint32_t probe_id_ = 0;
  bool twin_ = false;      // the program compiled for the other mechanism (kprobe <-> fentry)
  bool as_fentry_ = false; // ctx is the u64 argument array (fentry/fexit, kfunc programs)
  uint32_t func_nargs_ = 0;
  std::vector<llvm::GlobalVariable*> stack_maps_; // parallel to info_.stack_maps
  // dw_ustack's maps (btc/unwind.h), when a script uses it.
  llvm::GlobalVariable* dw_scratch_ = nullptr;
  llvm::GlobalVariable* dw_rows_ = nullptr;
  llvm::GlobalVariable* dw_files_ = nullptr;
  // Where each scratch variable lives: a stack slot, or inside a for loop's frame (the loop
  // body is a callback function that reaches the probe's variables through it).
  std::map<std::string, llvm::Value*> vars_;
  // Inside a for loop's callback: its frame (u64 return flag, ctx, variables) and return type.
  llvm::Value* loop_frame_ = nullptr;
  struct LoopTargets {
    llvm::BasicBlock* break_bb;
    llvm::BasicBlock* continue_bb;
  };
  std::vector<LoopTargets> loops_;
  std::vector<llvm::AllocaInst*> temps_;
  source::SourceRange stmt_range_;
  llvm::DISubprogram* sp_ = nullptr;
};

} // namespace btc::codegen
