// checker.h: the semantic checker shared by analyse.cpp (program, probes, statements),
// check_expr.cpp (expressions) and check_call.cpp (functions). Internal to sema.
//
// The checker walks the program twice: the first walk (quiet) learns map types from
// assignments anywhere in the program, so a map read before its assignment in source order
// still gets its type (bpftrace iterates its analyser for the same reason); the second walk
// reports diagnostics and fills ProgramInfo.
#pragma once

#include "btc/check.h"
#include "btf/kernel_btf.h"
#include "btf/kfunc_signature.h"
#include "btf/tracepoint.h"
#include "builtins/builtins.h"
#include "cdecl/cdecl.h"
#include "expand/expand.h"
#include "probes/provider.h"
#include "sema/sema.h"
#include "userbin/debug_types.h"
#include "userbin/instructions.h"

#include <map>
#include <set>

namespace btc::sema {

std::string type_class(const Type& t);
// "integer", "string" or the type's name: the "(X provided)" part of argument errors.
std::string value_class_of(const Type& t);
// The value of an integer expression known when compiling (literals, folded sizeof and
// offsetof, typeinfo() comparisons and operators on them); nullopt otherwise.
std::optional<int64_t> constant_int(const ast::Expr& e);
// 0.26's type predicates (is_str(x), ...) of a checked argument; nullopt for other functions.
std::optional<bool> type_predicate(builtins::ValueFn f, const ast::Expr& arg);

// The checker is also what sema lends the probe providers (probes/provider.h).
class Checker final : public probes::SemaContext {
public:
  Checker(ast::Program& program, const SemaOptions& options, diag::Diagnostics& diags)
      : program_(program), options_(options), diags_(diags) {}

  std::optional<ProgramInfo> run();

  // SemaContext
  bool reporting() const override { return reporting_; }
  const btf::KernelBtf* btf() const override { return options_.btf; }
  const std::string& tracefs_root() const override { return options_.tracefs_root; }
  const ast::Program& program() const override { return program_; }
  ProgramInfo& info() override { return info_; }
  ProbeInfo& probe() override { return *probe_; }
  bool probe_reads_args(size_t probe_index) const override {
    return args_probes_.count(probe_index) > 0;
  }
  size_t programs_of(probes::ProbeKind kind) const override;

  // analyse.cpp
  // One program of the probe being checked, planned by its kind's provider.
  void add_program(probes::ProgramPlan plan, size_t probe_index, ProbeInfo& pinfo);
  // The final resources step: event ids of companion programs, map layouts in print order.
  void fix_resources();
  void fix_config_layout();
  void check_probe(ast::Probe& probe, ProbeInfo& pinfo);
  void check_block(ast::Block& block);
  void check_stmt(ast::Stmt& stmt);
  void check_assign(ast::AssignStmt& a, ast::Stmt& stmt);
  std::string with_placeholders(const std::string& text);
  void assign_map(ast::Expr& target, const Type& value_type, ast::Expr* value);
  std::optional<Type> compound_pointer_target(const ast::AssignStmt& a) const;

  // check_modern.cpp: bpftrace 0.2x statements and values
  void check_let(ast::LetStmt& l);
  void apply_map_decls();
  void check_for(ast::ForStmt& f);
  Type check_record(ast::Expr& e, ast::RecordLit& r);
  Type check_address_of(ast::Expr& e, ast::Expr& operand);
  Type check_getopt(ast::Expr& e, ast::Call& c);
  Type check_static_assert(ast::Expr& e, ast::Call& c);
  Type check_tseries(ast::Expr& e, ast::Call& c);
  Type check_socket_cookie(ast::Expr& e, ast::Call& c);
  Type check_percpu_kaddr(ast::Expr& e, ast::Call& c);
  Type check_write_user(ast::Expr& e, ast::Call& c);
  // check_comptime.cpp: typeinfo(), fail(), `if comptime`, 0.26's unstable switches.
  Type check_typeinfo(ast::Expr& e, ast::Call& c);
  Type check_fail(ast::Expr& e, ast::Call& c);
  void check_comptime_if(ast::IfStmt& n);
  bool fold_comparison(ast::Expr& e, ast::Binary& b);
  std::string unstable_setting(const std::string& feature, const char* dflt) const;

  // check_expr.cpp
  void check_expr(ast::Expr& e);
  Type check_map_ref(ast::Expr& e, ast::MapRef& m, bool reading);
  // check_builtins.cpp: builtin variables, their context rules, stacks, ctx
  Type check_builtin(ast::Expr& e, ast::Builtin& b);
  Type stack_type(bool user, abi::StackMode mode, uint32_t limit, bool dwarf = false);
  // dw_ustack([mode][, limit]) / dw_ustack: the unstable switch, kernel BTF (the unwinder
  // reads the VMAs), and the warning event for processes without unwind tables.
  Type check_dw_ustack(ast::Expr& e, abi::StackMode mode, uint32_t limit);
  Type check_type_predicate(ast::Expr& e, ast::Call& c, builtins::ValueFn f);
  Type check_array_cast(ast::Expr& e, ast::Cast& c);
  std::optional<std::string> context_rule_violation(builtins::VarId id,
                                                    const std::string& name) const;
  Type check_binary(ast::Expr& e, ast::Binary& b);
  Type context_type(ast::Expr& e) override;
  Type pointee_value(const Type& pointer, source::SourceRange r);
  Type check_field(ast::Expr& e, ast::FieldAccess& f);
  Type check_cast(ast::Expr& e, ast::Cast& c);
  Type check_offsetof(ast::Expr& e, ast::Offsetof& o);
  std::optional<Type> resolve_type_name(const ast::TypeName& tn);
  bool is_enum_constant(const ast::TypeName& tn) const;
  // A kernel type as the script sees it: records the preamble redefines are the preamble's.
  Type preamble_first(Type t) const override;
  uint32_t sizeof_type(const Type& t) const;

  // check_call.cpp
  Type check_call(ast::Expr& e, ast::Call& c);
  Type check_call_fn(ast::Expr& e, ast::Call& c, builtins::CallFn f);
  // check_functions.cpp: value-producing functions (ksym, kaddr, ntop, buf, strftime, ...)
  Type check_function(ast::Expr& e, ast::Call& c, const builtins::FuncDesc& d, builtins::ValueFn f);
  // The runtime value's argument is `prefix` + the literal (uaddr: "BINARY:" + "SYMBOL").
  uint32_t add_runtime_value(abi::ResolveKind kind, ast::Expr& e, ast::Call& c, const char* fn,
                             const std::string& prefix = "");
  // Where 0.17 wants a string literal it also takes str($N): the literal's text, or a
  // placeholder the tool replaces by $N when it starts (abi::positional_placeholder). nullopt
  // (nothing reported) for anything else; the argument is typed either way.
  std::optional<std::string> literal_text(ast::Expr& arg);
  // For an argument btc needs when compiling (a map's histogram layout, a stack depth, a format)
  // that is a positional parameter: why it cannot come from one. "" otherwise.
  static std::string needed_when_compiling(const ast::Expr& arg);
  std::set<size_t> args_probes_; // probes (by index) whose body reads `args` (from walk 1)
  // check_registers.cpp: reg(), sargN, uaddr()
  Type check_reg(ast::Expr& e, ast::Call& c, const std::string& probe_name);
  Type check_sarg(ast::Expr& e);
  Type check_uaddr(ast::Expr& e, ast::Call& c, const std::string& probe_name);
  // check_kfunc.cpp: BTF prototypes of kernel functions and raw tracepoints (cached), path()
  const btf::KfuncSignature* kfunc_sig(const std::string& func) override;
  const btf::KfuncSignature* raw_tracepoint_sig(const std::string& event) override;
  Type check_path(ast::Expr& e, ast::Call& c);
  // user_binaries.cpp: types from the DWARF of the traced user binaries, uprobe offsets
  const userbin::DebugTypes* debug_types(const std::string& target); // null: no DWARF here
  void used_debug_types(const std::string& target);
  std::optional<Type> dwarf_type(const std::string& key);
  // A shallow record (name only) made whole: the preamble's, else the traced binaries'.
  std::optional<Type> resolve_local_record(const Type& shallow);
  Type dwarf_args_field(ast::Expr& e, ast::FieldAccess& f) override;
  std::map<std::string, std::unique_ptr<userbin::DebugTypes>> debug_types_;
  // preamble.cpp: enum definitions of the preamble
  void collect_preamble_enums();
  Type check_aggregation(ast::Expr& e, ast::Call& c, const builtins::FuncDesc& d);
  void check_printf_args(ast::Expr& e, ast::Call& c, size_t first_arg, abi::EventKind kind);
  uint32_t add_event(abi::EventKind kind, std::string format, std::vector<Type> args,
                     source::SourceRange range, uint32_t map = abi::kNoIndex);
  std::optional<uint32_t> map_arg(ast::Expr& arg, const char* fn, bool allow_key);

  // Helpers.
  void error(source::SourceRange r, std::string msg) override {
    if (reporting_) diags_.error(r, std::move(msg));
  }
  void warning(source::SourceRange r, std::string msg) override {
    if (reporting_) diags_.warning(r, std::move(msg));
  }
  MapInfo& map_info(const std::string& name, source::SourceRange r);
  uint32_t map_id(const std::string& name) const; // index in info_.maps before sorting
  void finalise_map(MapInfo& m);
  void note_positional(uint32_t index, bool numeric, source::SourceRange r);
  // The address space of this probe's context (argN, retval, reg(), casts of integers): its
  // kind's, or None when the probe mixes kinds (0.17 cannot decide either).
  ast::AddrSpace probe_memory() const override;
  // Storage type of a value kept in a map / tuple / event (ints widened to 8 bytes).
  static Type storage_type(const Type& t);
  const btf::TracepointFormat* tracepoint_format(const std::string& tp,
                                                 source::SourceRange r) override;

  ast::Program& program_;
  const SemaOptions& options_;
  diag::Diagnostics& diags_;
  ProgramInfo info_;
  bool reporting_ = false;
  static constexpr int kMaxExprDepth = 2000;
  int expr_depth_ = 0;
  bool depth_reported_ = false;

  // Map types learned so far (survive between the two walks).
  struct MapState {
    Type value;
    bool has_value = false;
    std::vector<Type> keys;
    bool has_keys = false;
    // Each key component's metric label (--metrics): the builtin or record field written
    // there; "" when it is neither or when two uses of the map disagree.
    std::vector<std::string> key_labels;
  };
  std::map<std::string, MapState> maps_;
  std::set<std::string> assigned_maps_;

  // Per-probe state.
  ProbeInfo* probe_ = nullptr;
  int loop_depth_ = 0;
  int for_depth_ = 0;               // inside `for ($kv : @m)` bodies (BPF callbacks)
  int runtime_branches_ = 0;        // enclosing run-time conditions (if, while, ?:, for, predicate)
  std::vector<ast::LetStmt*> lets_; // this probe's declarations, typed once it is checked
  bool in_str_call_ = false;

  std::map<std::string, std::optional<btf::KfuncSignature>> kfunc_sigs_; // by function name
  std::map<probes::ProbeKind, size_t> programs_of_; // programs per kind (this walk)
  uint32_t next_probe_id_ = 0;                      // the next attach point's id (this walk)
  // Events of companion programs (probe, spec, event), given ids by fix_resources.
  struct CompanionEvent {
    size_t probe, spec;
    EventInfo event;
  };
  std::vector<CompanionEvent> companion_events_;
  bool fentry_only_ = false; // this probe's body needs fentry/fexit (path()): no kprobe twin
  cdecl::CTypes ctypes_; // records, typedefs and enums defined in the preamble
  std::map<std::string, btf::TracepointFormat> tp_formats_;
  std::map<std::string, std::string> tp_failed_; // tracepoint -> why it has no format
};

} // namespace btc::sema
