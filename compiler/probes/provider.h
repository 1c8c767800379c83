// provider.h: one probe family's behaviour in the compiler, behind one interface.
//
// A Provider owns everything the compiler does differently for its probe family: parsing the
// attach-point text, expanding it into programs (kfunc wildcards against BTF, tracepoint
// wildcards whose probe reads `args`), typing the context builtins (args, args->NAME, retval,
// ctx, func), the program's section, the lowering of its context reads (argN, retval, func,
// args->NAME), its prologue, and what it adds to its manifest entry. Sema, codegen and the
// manifest builder reach probe behaviour only through `provider(kind)` (registry.cpp); they
// never switch on the kind. Providers reach sema and codegen through SemaContext and
// LowerContext, which the Checker and the Lowerer implement, so this library depends on
// neither.
//
// Adding a probe kind: a ProbeKind value (btc/abi.h), a provider file in providers/ with its
// ProbeKindDesc, one line in registry.cpp, and its runtime provider (runtime/src/attach/).
// (sema/program_info.h is plain data: this library links neither sema nor codegen.)
#pragma once

#include "ast/ast.h"
#include "btc/abi.h"
#include "builtins/bpf_abi.h"
#include "probes/probes.h"
#include "sema/program_info.h"

#include <llvm/IR/IRBuilder.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace btc::codegen {
class CoreTypes;
} // namespace btc::codegen

namespace btc::btf {
class KernelBtf;
struct KfuncSignature;
struct TracepointFormat;
} // namespace btc::btf

namespace btc::probes {

// One BPF program an attach point becomes (several for a wildcard expanded when compiling).
struct ProgramPlan {
  AttachSpec spec;
  // Suffix of the twin program compiled for the other mechanism ("_fentry" for a kprobe,
  // "_kprobe" for a kfunc); empty: no twin.
  std::string twin_suffix;
  uint32_t func_arg_slots = 0; // fentry/fexit: argument slots before retval
  // The event a companion program of the attach point sends (sema gives it its id).
  std::optional<sema::EventInfo> companion_event;
};

// What sema lends a provider (implemented by sema's Checker).
class SemaContext {
public:
  virtual void error(source::SourceRange r, std::string msg) = 0;
  virtual void warning(source::SourceRange r, std::string msg) = 0;
  // The second walk (the first one only learns map types): expensive host lookups and
  // diagnostics happen then.
  virtual bool reporting() const = 0;
  virtual const btf::KernelBtf* btf() const = 0;
  virtual const std::string& tracefs_root() const = 0;
  virtual const ast::Program& program() const = 0;
  virtual sema::ProgramInfo& info() = 0;
  virtual sema::ProbeInfo& probe() = 0; // the probe being checked
  // Probes (by index) whose body reads `args` (learnt in the first walk).
  virtual bool probe_reads_args(size_t probe_index) const = 0;
  // Programs of `kind` the program has so far (BEGIN and END are unique).
  virtual size_t programs_of(ProbeKind kind) const = 0;
  virtual const btf::KfuncSignature* kfunc_sig(const std::string& func) = 0;
  virtual const btf::KfuncSignature* raw_tracepoint_sig(const std::string& event) = 0;
  virtual const btf::TracepointFormat* tracepoint_format(const std::string& tp,
                                                         source::SourceRange r) = 0;
  // A kernel type as the script sees it (records the preamble redefines are the preamble's).
  virtual ast::Type preamble_first(ast::Type t) const = 0;
  // ctx as a pointer to the kind's context record (ProbeKindDesc::ctx_record).
  virtual ast::Type context_type(ast::Expr& e) = 0;
  // args->NAME of a uprobe: the parameter's type from the binary's DWARF.
  virtual ast::Type dwarf_args_field(ast::Expr& e, ast::FieldAccess& f) = 0;
  virtual ast::AddrSpace probe_memory() const = 0;
};

// What codegen lends a provider (implemented by codegen's Lowerer) while it lowers one
// program of the provider's kind. The names are the Lowerer's own.
class LowerContext {
public:
  virtual llvm::IRBuilder<>& builder() = 0;
  virtual llvm::Function* function() = 0;
  virtual llvm::Value* context() = 0; // the program's ctx argument
  virtual const AttachSpec& spec() const = 0;
  virtual bool twin() const = 0; // the program compiled for the other mechanism
  virtual uint32_t func_arg_slots() const = 0;
  virtual const sema::ProgramInfo& program_info() const = 0;
  virtual const abi::ConfigLayout& config_layout() const = 0;
  virtual llvm::Value* i64(uint64_t v) = 0;
  virtual llvm::Value* gep(llvm::Value* ptr, uint64_t offset) = 0;
  // The u64 at `offset` of the program's context (an aligned direct load).
  virtual llvm::Value* ctx_u64(uint32_t offset) = 0;
  virtual llvm::Value* lower_expr(const ast::Expr& e) = 0;
  // CO-RE relocated accesses (null without kernel BTF).
  virtual codegen::CoreTypes* core_types() = 0;
  virtual const btf::KernelBtf* kernel_btf() const = 0;
  // A value of type `t` at `addr` in address space `as` (codegen's read_at).
  virtual llvm::Value* read_at(llvm::Value* addr, const ast::Type& t, uint32_t read_size,
                               source::SourceRange range, ast::AddrSpace as, bool bpf_memory) = 0;
  virtual llvm::Value* convert_int(llvm::Value* v, const ast::Type& from) = 0;
  virtual llvm::AllocaInst* stack_buffer(uint32_t size, const llvm::Twine& name,
                                         bool temporary) = 0;
  virtual void zero_fill(llvm::Value* ptr, uint32_t size) = 0;
  virtual llvm::Value* probe_read(llvm::Value* dst, uint32_t size, llvm::Value* src_addr,
                                  ast::AddrSpace as) = 0;
  virtual llvm::Value* call_helper(builtins::Helper h, llvm::Type* ret,
                                   llvm::ArrayRef<llvm::Value*> args) = 0;
  // The attach point's id: the BPF cookie, or the constant a program copy has patched in.
  virtual llvm::Value* attach_id() = 0;
  virtual llvm::Value* map_lookup(llvm::GlobalVariable* map, llvm::Value* key) = 0;
  // A map of the object, defined on first use.
  virtual llvm::GlobalVariable* object_map(const std::string& name, uint32_t type, uint32_t entries,
                                           uint32_t key_size, uint32_t value_size) = 0;
  virtual llvm::GlobalVariable* ringbuf() = 0;
  // bpf_ringbuf_reserve(size) on the events ring buffer; a failed reservation (a full ring
  // buffer) is counted in .bss (abi::kLostEventsOffset), which the tool reports.
  virtual llvm::Value* reserve_event(uint64_t size) = 0;
  virtual llvm::Value* config_u64(uint32_t offset) = 0;
  // Ends the program (returning 0) where `cond` holds; continues in a fresh block otherwise.
  virtual void return_if(llvm::Value* cond, const char* name) = 0;
  // The event-probe guard: return at once when the tool is stopping or, with -p PID, when
  // another process fired the probe.
  virtual void emit_event_guard() = 0;
  // An extra program of the attach point (a watchpoint's arming uprobe): started like the
  // probe's own; end_program() closes it.
  virtual void begin_program(const std::string& name, const std::string& section,
                             source::SourceRange range) = 0;
  virtual void end_program() = 0;
};

class Provider {
public:
  explicit Provider(const ProbeKindDesc& desc) : desc_(desc) {}
  virtual ~Provider() = default;
  Provider(const Provider&) = delete;
  Provider& operator=(const Provider&) = delete;
  const ProbeKindDesc& desc() const { return desc_; }
  ProbeKind kind() const { return desc_.kind; }
  std::string name() const { return std::string(desc_.name()); }

  // ---- attach point
  // `parts` is the text split at colons (parts[0] is the provider name); fills `spec`
  // (kind already set) or sets `error` to bpftrace's message.
  virtual bool parse(const std::vector<std::string_view>& parts, AttachSpec& spec,
                     std::string& error) const = 0;
  // The attach point names a positional parameter, completed where the tool starts: what
  // may wait (names are then looked up like wildcards) and what the compiler must see.
  virtual bool accepts_positionals(AttachSpec& spec, std::string& error) const;

  // ---- sema
  // The programs one attach point of probe `probe_index` becomes (none after an error).
  virtual std::vector<ProgramPlan> expand(AttachSpec spec, const ast::AttachPoint& ap,
                                          size_t probe_index, SemaContext& cx) const;
  // The twin program is a kprobe/kretprobe (kfunc's), which path() cannot use.
  virtual bool twin_is_kprobe() const { return false; }
  virtual ast::Type args_type(SemaContext& cx, ast::Expr& e) const;
  virtual ast::Type args_field(SemaContext& cx, ast::Expr& e, ast::FieldAccess& f) const;
  virtual ast::Type retval_type(SemaContext& cx, ast::Expr& e) const;
  virtual ast::Type ctx_type(SemaContext& cx, ast::Expr& e) const;
  virtual ast::Type func_type() const;
  // argN beyond the registers: the error, if this kind has registers only.
  virtual std::optional<std::string> arg_index_error(uint32_t n, const std::string& name,
                                                     const targets::Target& target) const;
  // Text added to "The retval builtin can only be used with ..." (tracepoint: use args->ret).
  virtual std::string_view retval_hint() const { return {}; }
  // printf in this kind's programs (iter: the kernel's bpf_seq_printf formats it).
  virtual void check_printf(SemaContext& cx, ast::Expr& e, ast::Call& c) const;

  // ---- codegen
  virtual std::string section(const AttachSpec& spec, bool twin) const;
  // Ahead of the predicate: the event guard, or the kind's own checks.
  virtual void prologue(LowerContext& lx) const { lx.emit_event_guard(); }
  // ctx is an array of u64 arguments (fentry/fexit, raw tracepoints), not pt_regs.
  virtual bool arg_array_ctx(bool twin) const { return twin; }
  virtual llvm::Value* lower_arg(LowerContext& lx, uint32_t n) const;
  virtual llvm::Value* lower_retval(LowerContext& lx) const;
  virtual llvm::Value* lower_func(LowerContext& lx) const;
  // args->NAME, ctx->member: nullptr when `f` is an ordinary field access.
  virtual llvm::Value* lower_ctx_field(LowerContext& lx, const ast::Expr& e,
                                       const ast::FieldAccess& f) const;
  // `probe` in a wildcard program: the probe id from the attach id.
  virtual llvm::Value* probe_id_of(LowerContext& lx, llvm::Value* attach_id) const;
  // Its links take a BPF cookie (raw tracepoint links do not before Linux 6.10: a program
  // attached at several points is then always copied, one patched constant each).
  virtual bool attach_cookies() const { return true; }
  // printf: nullptr to emit the ordinary ring-buffer event.
  virtual llvm::Value* lower_printf(LowerContext& lx, const ast::Expr& e, const ast::Call& c) const;
  // A `struct path` root for bpf_d_path that is a BTF pointer of the context (iter objects);
  // nullptr: lower the expression.
  virtual llvm::Value* direct_ctx_pointer(LowerContext& lx, const ast::Expr& root) const;

  // Programs an attach point needs beside its own (a watchpoint's arming uprobe).
  virtual void lower_companions(LowerContext& lx, const sema::ProbeInfo& p, size_t spec) const;

  // ---- manifest
  // Fields of this kind's manifest entry beyond the attach spec.
  virtual void describe_manifest(const sema::ProbeInfo& p, abi::ProbeDesc& d) const;

private:
  const ProbeKindDesc& desc_;
};

// The provider of a kind (registry.cpp); every ProbeKind has one.
const Provider& provider(ProbeKind kind);
// By provider name or alias ("tracepoint", "t"); null if none.
const Provider* find_provider(std::string_view name);

} // namespace btc::probes
