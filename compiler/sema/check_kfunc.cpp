// check_kfunc.cpp: sema for kfunc/kretfunc (fentry/fexit) and iter probes, and path().
//
// kfunc: `kfunc:vfs_*` is expanded here, against the compiling host's BTF, into one program
// per matching function (as bpftrace 0.17 does); `args->NAME` and `retval` are typed from the
// function's BTF prototype (kfunc_signature.h). When every argument sits in a register, a
// kprobe twin is compiled too, and the tool picks fentry or kprobe when it starts.
// iter: `ctx` is `struct bpf_iter__task *` / `struct bpf_iter__task_file *` from BTF, printf
// writes to the iterator's seq_file (bpf_seq_printf), and an iter probe may only be
// accompanied by BEGIN and END.
// Example: `kretfunc:vfs_read { @ = hist(retval); }` -> ProbeInfo specs [kretfunc:vfs_read],
// prog "kretfunc_0_0" (fexit/vfs_read), twin "kretfunc_0_0_kprobe", 4 argument slots.
#include "sema/checker.h"
#include "sema/printf_format.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <algorithm>
#include <filesystem>

namespace btc::sema {

namespace {
using probes::ProbeKind;

bool is_kfunc(ProbeKind k) { return k == ProbeKind::Kfunc || k == ProbeKind::Kretfunc; }

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
} // namespace

const KfuncSignature* Checker::kfunc_sig(const std::string& func) {
  if (!options_.btf) return nullptr;
  auto it = kfunc_sigs_.find(func);
  if (it == kfunc_sigs_.end()) it = kfunc_sigs_.emplace(func, kfunc_signature(*options_.btf, func)).first;
  return it->second ? &*it->second : nullptr;
}

const KfuncSignature* Checker::raw_tracepoint_sig(const std::string& event) {
  if (!options_.btf) return nullptr;
  std::string key = "rawtracepoint:" + event; // no kernel function has a ':' in its name
  auto it = kfunc_sigs_.find(key);
  if (it == kfunc_sigs_.end())
    it = kfunc_sigs_.emplace(key, raw_tracepoint_signature(*options_.btf, event)).first;
  return it->second ? &*it->second : nullptr;
}

void Checker::add_tracing_specs(probes::AttachSpec spec, const ast::Probe& probe,
                                const ast::AttachPoint& ap, size_t probe_index,
                                ProbeInfo& pinfo, uint32_t& next_probe_id) {
  auto add = [&](probes::AttachSpec s, uint32_t nslots, bool twin) {
    std::string prog = std::string(probes::describe(s.kind).name) + "_" +
                       std::to_string(probe_index) + "_" + std::to_string(pinfo.specs.size());
    pinfo.kind = s.kind;
    pinfo.probe_ids.push_back(next_probe_id++);
    pinfo.prog_names.push_back(prog);
    pinfo.alt_prog_names.push_back(twin ? prog + "_kprobe" : "");
    pinfo.func_arg_counts.push_back(nslots);
    pinfo.specs.push_back(std::move(s));
  };
  if (spec.kind == ProbeKind::Iter) {
    if (probe.attach_points.size() > 1) {
      error(ap.range, "Only single iter attach point is allowed.");
      return;
    }
    if (spec.target != "task" && spec.target != "task_file") {
      error(ap.range, "iter " + spec.target + " not available for your kernel version.");
      return;
    }
    // 0.17 reads the iterator after attaching every probe; btc refuses the combination
    // instead of mixing an event loop with the iterator's output (docs/compat.md).
    std::string other_probe;
    for (const auto& other : program_.probes) {
      for (const auto& oap : other.attach_points) {
        std::string err;
        auto os = probes::parse_attach_point(oap.text, err);
        if (os && other_probe.empty() && os->kind != ProbeKind::Iter &&
            os->kind != ProbeKind::Begin && os->kind != ProbeKind::End)
          other_probe = os->text;
      }
    }
    if (!other_probe.empty())
      error(ap.range, "iter probes can only be combined with BEGIN and END probes (" +
                          other_probe + " found)");
    add(std::move(spec), 0, false);
    return;
  }
  if (!options_.btf) {
    error(ap.range, std::string(probes::describe(spec.kind).name) + " probes need kernel BTF");
    return;
  }
  if (!spec.target.empty() && spec.target != "vmlinux") {
    error(ap.range, "kfunc: functions of module '" + spec.target +
                        "' are not supported by btc yet (only vmlinux)");
    return;
  }
  std::vector<std::string> funcs;
  if (spec.wildcard) {
    funcs = options_.btf->funcs_matching(spec.func);
    if (funcs.empty()) {
      error(ap.range, "No matches for " + spec.text);
      return;
    }
  } else {
    if (!options_.btf->func_proto(spec.func)) {
      if (options_.btf->path() == btf::KernelBtf::kVmlinuxPath) {
        auto mods = modules_defining(*options_.btf, spec.func);
        if (mods.size() > 1) {
          error(ap.range, "ambiguous attach point, please specify module containing the "
                          "function '" + spec.func + "'");
          return;
        }
        if (mods.size() == 1) {
          error(ap.range, "kfunc: " + spec.func + " is in module '" + mods[0] +
                              "', whose functions btc does not support yet");
          return;
        }
      }
      error(ap.range, "no BTF data for " + spec.func + " (not a kernel function known to the "
                      "kernel BTF " + options_.btf->path() + ")");
      return;
    }
    funcs.push_back(spec.func);
  }
  std::string provider(probes::describe(spec.kind).name);
  for (const auto& f : funcs) {
    const KfuncSignature* sig = kfunc_sig(f);
    if (!sig) continue; // a FUNC without a FUNC_PROTO: nothing to attach to
    probes::AttachSpec s = spec;
    s.func = f;
    s.target.clear();
    s.wildcard = false;
    s.text = provider + ":" + f;
    add(std::move(s), sig->retval_slot, sig->register_args);
  }
}

// Runs after the body was checked: path() needs a fentry/fexit program (bpf_d_path is not
// available to kprobes), so such probes get no kprobe twin.
void Checker::finish_tracing_probe(ProbeInfo& pinfo) {
  if (fentry_only_)
    for (auto& alt : pinfo.alt_prog_names)
      if (is_kfunc(pinfo.kind)) alt.clear();
  fentry_only_ = false;
}

// args->NAME in kfunc/kretfunc: the parameter's BTF type; every attach point of the block
// must have the parameter with the same type.
Type Checker::check_kfunc_args_field(ast::Expr& e, ast::FieldAccess& f) {
  if (!f.arrow) {
    error(e.range, "Can not access field '" + f.field +
                       "' on type '(ctx) struct kfunc *'. Try dereferencing it first, or "
                       "using '->'");
    return Type::none();
  }
  std::optional<Type> result;
  for (const auto& spec : probe_->specs) {
    const KfuncSignature* sig = nullptr;
    if (spec.kind == ProbeKind::RawTracepoint) {
      // rawtracepoint:EVENT: the arguments of its BTF `btf_trace_EVENT` prototype.
      if (spec.wildcard) {
        error(e.range, "args in a wildcard rawtracepoint probe is not supported by btc "
                       "(each event has its own arguments)");
        return Type::none();
      }
      sig = raw_tracepoint_sig(spec.func);
      if (!sig) {
        error(e.range, "no BTF arguments for raw tracepoint " + spec.func);
        return Type::none();
      }
    } else {
      sig = kfunc_sig(spec.func);
    }
    const KfuncArg* arg = sig ? find_kfunc_arg(*sig, f.field) : nullptr;
    if (!arg) {
      error(e.range, "Can't find function parameter " + f.field);
      return Type::none();
    }
    if (!arg->type.is_integer() && !arg->type.is_pointer()) {
      error(e.range, "args->" + f.field + ": parameters of type " +
                         ast::type_name(arg->type) +
                         " (passed by value) are not supported by btc yet");
      return Type::none();
    }
    if (!result) {
      result = preamble_first(arg->type);
    } else if (!ast::same_type(*result, arg->type)) {
      error(e.range, "Probe has attach points with mixed arguments");
      return Type::none();
    }
  }
  return result.value_or(Type::none());
}

Type Checker::kfunc_retval_type(ast::Expr& e) {
  std::optional<Type> result;
  for (const auto& spec : probe_->specs) {
    const KfuncSignature* sig = kfunc_sig(spec.func);
    if (spec.kind != ProbeKind::Kretfunc || !sig || sig->retval.kind == ast::TypeKind::None) {
      error(e.range, "Can't find a field $retval");
      return Type::none();
    }
    if (!sig->retval.is_integer() && !sig->retval.is_pointer()) {
      error(e.range, "retval of type " + ast::type_name(sig->retval) +
                         " (returned by value) is not supported by btc yet");
      return Type::none();
    }
    if (!result) result = sig->retval;
    else if (!ast::same_type(*result, sig->retval)) {
      error(e.range, "Probe has attach points with mixed arguments");
      return Type::none();
    }
  }
  if (!result) return Type::none();
  result->as = ast::AddrSpace::Kernel;
  return preamble_first(*result);
}

// ctx in iter:task / iter:task_file: a pointer to the iterator's context struct.
Type Checker::iter_ctx_type(ast::Expr& e) {
  const std::string& it = probe_->specs.empty() ? std::string() : probe_->specs[0].target;
  std::string record = "bpf_iter__" + it;
  std::optional<uint32_t> id;
  if (options_.btf) id = options_.btf->find_record(record);
  if (!id) {
    error(e.range, "unsupported iter type: " + it);
    return Type::none();
  }
  Type p = Type::simple(ast::TypeKind::Pointer, 8);
  p.btf_id = *id;
  p.as = ast::AddrSpace::Kernel;
  p.pointee = std::make_shared<Type>(options_.btf->to_ast_type(*id));
  return p;
}

// path(struct path *) / path(struct path): the d_path of a kernel `struct path`.
Type Checker::check_path(ast::Expr& e, ast::Call& c) {
  check_expr(*c.args[0]);
  const Type& t = c.args[0]->type;
  if (t.kind == ast::TypeKind::None) return Type::none();
  bool record = t.kind == ast::TypeKind::Record;
  bool pointer = t.is_pointer();
  if (!record && !pointer) {
    error(e.range, "path() only supports pointer or record argument (" + value_class_of(t) +
                       " provided)");
    return Type::none();
  }
  const Type* rec = record ? &t : t.pointee.get();
  if (rec && rec->kind == ast::TypeKind::Record && rec->name != "path") {
    error(e.range, "path() expects a struct path (" + ast::type_name(t) + " provided)");
    return Type::none();
  }
  fentry_only_ = true;
  return Type::string(options_.strlen);
}

// printf in an iter probe goes through bpf_seq_printf: the kernel formats it, so only the
// conversions the kernel knows (d i u x X c s p with an optional l/ll) and at most 12
// arguments, integers or strings.
void Checker::check_seq_printf(ast::Expr& e, ast::Call& c) {
  auto* fmt = c.args.empty() ? nullptr : c.args[0]->as<ast::StrLit>();
  if (!fmt) return;
  std::string err;
  auto convs = parse_format(fmt->value, err);
  if (!convs) return; // reported by check_printf_args
  if (convs->size() > 12)
    error(e.range, "printf in iter probes takes at most 12 arguments");
  for (size_t i = 0; i < convs->size(); ++i) {
    const auto& conv = (*convs)[i];
    bool bad_len = conv.spec.find('h') != std::string::npos ||
                   conv.spec.find('j') != std::string::npos ||
                   conv.spec.find('z') != std::string::npos ||
                   conv.spec.find('t') != std::string::npos;
    if (conv.cls == ConvClass::Buffer || bad_len || conv.spec.back() == 'o') {
      error(e.range, "printf format " + conv.spec + " is not supported in iter probes "
                     "(the kernel formats their output)");
      continue;
    }
    if (i + 1 >= c.args.size()) continue;
    const Type& t = c.args[i + 1]->type;
    if (conv.cls == ConvClass::String && !t.is_string())
      error(c.args[i + 1]->range, "printf in iter probes prints strings and integers only (" +
                                      ast::type_name(t) + " provided)");
  }
}

} // namespace btc::sema
