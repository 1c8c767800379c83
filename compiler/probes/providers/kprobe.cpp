// kprobe.cpp: kprobe:FUNC[+OFF] and kretprobe:FUNC (kprobe:MODULE:FUNC accepted for the name).
//
// Where the compiling host's BTF has FUNC's prototype, the same action is also compiled as an
// fentry (kretprobe: fexit) twin reading the argument array, and the tool loads whichever
// mechanism the target kernel offers (sema drops the twin when the action needs pt_regs).
// Example: `kretprobe:vfs_read { @ = hist(retval); }` gives kretprobe_0_0 in section
// "kretprobe" and its twin kretprobe_0_0_fentry in "fexit" (retval after 4 argument slots).
#include "probes/providers/providers.h"

#include "btf/kernel_btf.h"
#include "probes/parse_util.h"

namespace btc::probes::providers {
namespace {

class KprobeProvider final : public Provider {
public:
  KprobeProvider(const ProbeKindDesc& desc, bool ret, std::string_view twin_section)
      : Provider(desc), ret_(ret), twin_section_(twin_section) {}

  bool parse(const std::vector<std::string_view>& parts, AttachSpec& spec,
             std::string& error) const override {
    if (parts.size() < 2 || parts.back().empty()) {
      error = name() + " probe must have a function name";
      return false;
    }
    if (!split_offset(parts.back(), spec, error)) return false;
    if (ret_ && spec.offset) {
      error = "Offset not allowed";
      return false;
    }
    if (parts.size() == 3) spec.target = std::string(parts[1]); // module
    spec.wildcard = spec.func.find('*') != std::string::npos;
    spec.text =
        name() + ":" + (spec.target.empty() ? "" : spec.target + ":") + std::string(parts.back());
    return true;
  }

  bool accepts_positionals(AttachSpec& spec, std::string& error) const override {
    return name_from_positional(spec, error);
  }

  std::vector<ProgramPlan> expand(AttachSpec spec, const ast::AttachPoint&, size_t,
                                  SemaContext& cx) const override {
    ProgramPlan plan{std::move(spec), "", 0, std::nullopt};
    const AttachSpec& s = plan.spec;
    if (!s.wildcard && s.offset == 0 && cx.btf()) {
      if (auto n = cx.btf()->func_arg_count(s.func)) {
        plan.twin_suffix = "_fentry";
        plan.func_arg_slots = *n;
      }
    }
    return {std::move(plan)};
  }

  std::string section(const AttachSpec& spec, bool twin) const override {
    // The runtime sets the twin's attach target before loading it.
    return twin ? std::string(twin_section_) : Provider::section(spec, twin);
  }

  llvm::Value* lower_func(LowerContext& lx) const override {
    // bpf_get_func_ip answers 0 for a kprobe inside a function (6.1 and later): the
    // interrupted instruction pointer, as 0.17 reads it, lies inside FUNC as well.
    if (lx.spec().offset != 0 && !lx.twin()) return lx.ctx_u64(lx.program_info().target->ip_offset);
    return Provider::lower_func(lx);
  }

private:
  bool ret_;
  std::string_view twin_section_;
};

constexpr std::string_view kKprobeProg = "BPF_PROG_TYPE_KPROBE";
// clang-format off
const ProbeKindDesc kKprobe{ProbeKind::Kprobe, {"k"}, "kprobe", kKprobeProg,
    {.argn = true, .sargn = true, .func = true, .reg = true, .override_return = true,
     .ctx_record = "pt_regs"},
    ast::AddrSpace::Kernel};
const ProbeKindDesc kKretprobe{ProbeKind::Kretprobe, {"kr"}, "kretprobe", kKprobeProg,
    {.retval = true, .func = true, .reg = true, .ctx_record = "pt_regs"}, ast::AddrSpace::Kernel};
// clang-format on

} // namespace

BTC_PROVIDER(kprobe, KprobeProvider, kKprobe, false, "fentry")
BTC_PROVIDER(kretprobe, KprobeProvider, kKretprobe, true, "fexit")

} // namespace btc::probes::providers
