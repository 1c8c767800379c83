// kfunc.cpp: kfunc:[MODULE:]FUNC / kretfunc:[MODULE:]FUNC (fentry/fexit; a module's
// functions are typed from its BTF, loaded by the driver on top of vmlinux's).
//
// `kfunc:vfs_*` is expanded here, against the compiling host's BTF, into one program per
// matching function (as bpftrace 0.17 does); args->NAME and retval are typed from the
// function's BTF prototype. When every argument sits in a register, a kprobe twin is compiled
// too and the tool picks fentry or kprobe when it starts.
// Example: `kretfunc:vfs_read { @ = hist(retval); }` -> program kretfunc_0_0 in "fexit/vfs_read",
// twin kretfunc_0_0_kprobe in "kretprobe/vfs_read", retval after 4 argument slots.
#include "probes/providers/providers.h"

#include "btc/check.h"
#include "btf/kernel_btf.h"
#include "btf/kfunc_signature.h"
#include "sema/program_info.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <algorithm>
#include <filesystem>

namespace btc::probes::providers {
namespace {

using ast::Type;

// Modules (other than vmlinux) whose split BTF under /sys/kernel/btf defines FUNC `func`.
std::vector<std::string> modules_defining(const btf::KernelBtf& vmlinux, const std::string& func) {
  std::vector<std::string> mods;
  std::error_code ec;
  for (const auto& ent : std::filesystem::directory_iterator("/sys/kernel/btf", ec)) {
    std::string name = ent.path().filename().string();
    if (name == "vmlinux") continue;
    struct btf* b = btf__parse_split(ent.path().c_str(), const_cast<struct btf*>(vmlinux.raw()));
    if (libbpf_get_error(b) || !b) continue;
    if (btf__find_by_name_kind(b, func.c_str(), BTF_KIND_FUNC) > 0) mods.push_back(name);
    btf__free(b);
  }
  std::sort(mods.begin(), mods.end());
  return mods;
}

class KfuncProvider final : public Provider {
public:
  KfuncProvider(const ProbeKindDesc& desc, bool ret) : Provider(desc), ret_(ret) {}

  bool parse(const std::vector<std::string_view>& parts, AttachSpec& spec,
             std::string& error) const override {
    if (parts.size() != 2 && parts.size() != 3) {
      error = name() + " probe type requires 1 or 2 arguments";
      return false;
    }
    if (parts.back().empty()) {
      error = "kfunc should specify a function";
      return false;
    }
    spec.func = std::string(parts.back());
    if (parts.size() == 3) spec.target = std::string(parts[1]);
    spec.wildcard =
        spec.func.find('*') != std::string::npos || spec.target.find('*') != std::string::npos;
    spec.text = name() + ":" + (spec.target.empty() ? "" : spec.target + ":") + spec.func;
    return true;
  }

  std::vector<ProgramPlan> expand(AttachSpec spec, const ast::AttachPoint& ap, size_t,
                                  SemaContext& cx) const override {
    const btf::KernelBtf* kbtf = cx.btf();
    if (!kbtf) {
      cx.error(ap.range, name() + " probes need kernel BTF");
      return {};
    }
    const std::string module = spec.target == "vmlinux" ? "" : spec.target;
    if (!module.empty() && module != kbtf->module()) {
      cx.error(ap.range, "no BTF for module '" + module + "' on this host (/sys/kernel/btf/" +
                             module + "): load the module here, or pass --module-btf " + module +
                             "=FILE (its .ko or a BTF dump)" +
                             (kbtf->module().empty() ? ""
                                                     : "; one module per script (this one uses " +
                                                           kbtf->module() + ")"));
      return {};
    }
    std::vector<std::string> funcs;
    if (spec.wildcard) {
      funcs = kbtf->funcs_matching(spec.func);
      if (funcs.empty()) {
        cx.error(ap.range, "No matches for " + spec.text);
        return {};
      }
    } else {
      // kfunc_sig finds a syscall function of the target under the compiling BTF's own
      // prefix when that BTF is another architecture's (targets::function_spellings).
      if (!cx.kfunc_sig(spec.func)) {
        report_missing(cx, *kbtf, spec.func, ap.range);
        return {};
      }
      funcs.push_back(spec.func);
    }
    std::vector<ProgramPlan> plans;
    for (const auto& f : funcs) {
      const btf::KfuncSignature* sig = cx.kfunc_sig(f);
      if (!sig) continue; // a FUNC without a FUNC_PROTO: nothing to attach to
      AttachSpec s = spec;
      s.func = f;
      s.target = module; // the runtime finds a module function's BTF there
      s.wildcard = false;
      s.text = name() + ":" + (module.empty() ? "" : module + ":") + f;
      plans.push_back(
          {std::move(s), sig->register_args ? "_kprobe" : "", sig->retval_slot, std::nullopt});
    }
    return plans;
  }

  bool twin_is_kprobe() const override { return true; }

  Type args_type(SemaContext&, ast::Expr&) const override {
    return Type::simple(ast::TypeKind::Ctx, 8); // fields typed by args_field
  }

  Type args_field(SemaContext& cx, ast::Expr& e, ast::FieldAccess& f) const override {
    return btf_args_field(cx, e, f);
  }

  Type retval_type(SemaContext& cx, ast::Expr& e) const override {
    std::optional<Type> result;
    for (const auto& spec : cx.probe().specs) {
      const btf::KfuncSignature* sig = cx.kfunc_sig(spec.func);
      if (spec.kind != ProbeKind::Kretfunc || !sig || sig->retval.kind == ast::TypeKind::None) {
        cx.error(e.range, "Can't find a field $retval");
        return Type::none();
      }
      if (!sig->retval.is_integer() && !sig->retval.is_pointer()) {
        cx.error(e.range, "retval of type " + ast::type_name(sig->retval) +
                              " (returned by value) is not supported by btc yet");
        return Type::none();
      }
      if (!result)
        result = sig->retval;
      else if (!ast::same_type(*result, sig->retval)) {
        cx.error(e.range, "Probe has attach points with mixed arguments");
        return Type::none();
      }
    }
    if (!result) return Type::none();
    result->as = ast::AddrSpace::Kernel;
    return cx.preamble_first(*result);
  }

  std::string section(const AttachSpec& spec, bool twin) const override {
    if (ret_) return std::string(twin ? "kretprobe/" : "fexit/") + spec.func;
    return std::string(twin ? "kprobe/" : "fentry/") + spec.func;
  }

  bool arg_array_ctx(bool twin) const override { return !twin; } // the twin is a kprobe

  llvm::Value* lower_ctx_field(LowerContext& lx, const ast::Expr& e,
                               const ast::FieldAccess& f) const override {
    return lower_btf_args_field(*this, lx, e, f);
  }

private:
  // No BTF prototype: name the module that has the function, if one does.
  void report_missing(SemaContext& cx, const btf::KernelBtf& kbtf, const std::string& func,
                      source::SourceRange r) const {
    if (kbtf.path() == btf::KernelBtf::kVmlinuxPath) {
      auto mods = modules_defining(kbtf, func);
      if (mods.size() > 1) {
        cx.error(r, "ambiguous attach point, please specify module containing the function '" +
                        func + "'");
        return;
      }
      if (mods.size() == 1) {
        cx.error(r, "kfunc: " + func + " is in module '" + mods[0] + "': write " + name() + ":" +
                        mods[0] + ":" + func);
        return;
      }
    }
    cx.error(r, "no BTF data for " + func + " (not a kernel function known to the kernel BTF " +
                    kbtf.path() + ")");
  }

  bool ret_;
};

// clang-format off
const ProbeKindDesc kKfunc{ProbeKind::Kfunc, {"f", "fentry"}, "fentry", "BPF_PROG_TYPE_TRACING",
    {.retval = true, .func = true, .path = true, .module_btf = true}, ast::AddrSpace::Kernel,
    "fentry"};
const ProbeKindDesc kKretfunc{ProbeKind::Kretfunc, {"fr", "fexit"}, "fexit",
    "BPF_PROG_TYPE_TRACING", {.retval = true, .func = true, .path = true, .module_btf = true},
    ast::AddrSpace::Kernel, "fexit"};
// clang-format on

} // namespace

Type btf_args_field(SemaContext& cx, ast::Expr& e, ast::FieldAccess& f) {
  std::optional<Type> result;
  for (const auto& spec : cx.probe().specs) {
    const btf::KfuncSignature* sig = nullptr;
    if (spec.kind == ProbeKind::RawTracepoint) {
      // rawtracepoint:EVENT: the arguments of its BTF `btf_trace_EVENT` prototype.
      if (spec.wildcard) {
        cx.error(e.range, "args in a wildcard rawtracepoint probe is not supported by btc "
                          "(each event has its own arguments)");
        return Type::none();
      }
      sig = cx.raw_tracepoint_sig(spec.func);
      if (!sig) {
        cx.error(e.range, "no BTF arguments for raw tracepoint " + spec.func);
        return Type::none();
      }
    } else {
      sig = cx.kfunc_sig(spec.func);
    }
    const btf::KfuncArg* arg = sig ? btf::find_kfunc_arg(*sig, f.field) : nullptr;
    if (!arg) {
      cx.error(e.range, "Can't find function parameter " + f.field);
      return Type::none();
    }
    if (!arg->type.is_integer() && !arg->type.is_pointer()) {
      cx.error(e.range, "args->" + f.field + ": parameters of type " + ast::type_name(arg->type) +
                            " (passed by value) are not supported by btc yet");
      return Type::none();
    }
    cx.info().arg_slots[{&e, spec.text}] = arg->slot;
    if (!result) {
      result = cx.preamble_first(arg->type);
    } else if (!ast::same_type(*result, arg->type)) {
      cx.error(e.range, "Probe has attach points with mixed arguments");
      return Type::none();
    }
  }
  return result.value_or(Type::none());
}

llvm::Value* lower_btf_args_field(const Provider& p, LowerContext& lx, const ast::Expr& e,
                                  const ast::FieldAccess& f) {
  if (f.base->type.kind != ast::TypeKind::Ctx) return nullptr;
  const auto& slots = lx.program_info().arg_slots;
  auto it = slots.find({&e, lx.spec().text});
  BTC_CHECK(it != slots.end(), "sema records the slot of every args field it types");
  return lx.convert_int(p.lower_arg(lx, it->second), e.type);
}

BTC_PROVIDER(kfunc, KfuncProvider, kKfunc, false)
BTC_PROVIDER(kretfunc, KfuncProvider, kKretfunc, true)

} // namespace btc::probes::providers
