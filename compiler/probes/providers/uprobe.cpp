// uprobe.cpp: uprobe:BIN:FUNC[+OFF], uprobe:BIN:ADDR and uretprobe:BIN:FUNC.
//
// The binary and symbol are resolved where the tool runs; an offset or address is checked
// here, where the binary's instructions can be decoded (0.17's checks and messages), and the
// binary is then recorded with its build-id. args->NAME is typed from the binary's DWARF.
// func is a user symbol: {ip, pid}, symbolized in that process.
// Example: "uprobe:/bin/bash:readline+4" -> target "/bin/bash", func "readline", offset 4.
#include "probes/providers/providers.h"

#include "probes/parse_util.h"
#include "sema/program_info.h"
#include "userbin/host_binary.h"
#include "userbin/instructions.h"

#include <llvm/ADT/StringExtras.h>

#include <cctype>

namespace btc::probes::providers {
namespace {

using ast::Type;

// FUNC+OFF and ADDR must start an instruction of a function.
void check_offset(SemaContext& cx, const AttachSpec& spec, source::SourceRange where) {
  std::string path = userbin::host_binary(spec.target);
  std::string shown = spec.target + ":" + (spec.func.empty() ? "" : spec.func + "+");
  if (path.empty()) {
    cx.error(where, "Can't check if uprobe is in proper place: " + spec.target +
                        " is not on this host (btc decodes the instructions when compiling)");
    return;
  }
  auto code = userbin::BinaryCode::open(path);
  if (!code) {
    cx.error(where,
             "Can't check if uprobe is in proper place: " + llvm::toString(code.takeError()));
    return;
  }
  std::optional<userbin::FunctionSymbol> fn;
  uint64_t offset = spec.offset;
  if (spec.func.empty()) { // an address: the function holding it
    fn = (*code)->function_at(spec.offset);
    if (!fn) {
      cx.error(where, "Could not resolve address: " + spec.target + ":0x" +
                          llvm::utohexstr(spec.offset, /*LowerCase=*/true));
      return;
    }
    offset = spec.offset - fn->addr;
    shown = spec.target + ":" + fn->name + "+";
  } else {
    fn = (*code)->function(spec.func);
    if (!fn) return; // the tool reports a missing symbol where it runs
    if (fn->size && offset >= fn->size) {
      cx.error(where, "Offset outside the function bounds ('" + spec.func + "' size is " +
                          std::to_string(fn->size) + ")");
      return;
    }
  }
  if (!(*code)->starts_instruction(*fn, offset)) {
    cx.error(where,
             "Could not add uprobe into middle of instruction: " + shown + std::to_string(offset));
    return;
  }
  cx.info().debug_binaries[spec.target] = (*code)->build_id();
}

class UprobeProvider final : public Provider {
public:
  UprobeProvider(const ProbeKindDesc& desc, bool ret) : Provider(desc), ret_(ret) {}

  bool parse(const std::vector<std::string_view>& parts, AttachSpec& spec,
             std::string& error) const override {
    if (parts.size() != 3 || parts[1].empty() || parts[2].empty()) {
      error = name() + " probe must have a binary and a function: " + name() + ":BIN:FUNC";
      return false;
    }
    spec.target = unquote(parts[1]);
    if (spec.target.find('@') != std::string::npos && !parts[1].starts_with("\"")) {
      error = "source-line uprobes (" + name() + ":BIN@FILE:LINE) are not supported by btc";
      return false;
    }
    std::string func = unquote(parts[2]);
    // "func"+OFF: the quotes hold the name only.
    if (std::string_view written = parts[2]; written.starts_with("\"")) {
      size_t close = written.find('"', 1);
      if (close != std::string_view::npos && close + 1 < written.size() &&
          written[close + 1] == '+')
        func = std::string(written.substr(1, close - 1)) + std::string(written.substr(close + 1));
    }
    if (func.starts_with("0x") ||
        (!func.empty() && std::isdigit(static_cast<unsigned char>(func[0])))) {
      auto v = parse_address(func);
      if (!v) {
        error = "invalid address " + func;
        return false;
      }
      spec.offset = *v;
      spec.func = "";
      func = std::to_string(*v); // 0.17 names an address probe in decimal
    } else if (!split_offset(func, spec, error)) {
      return false;
    } else if (spec.offset == 0) {
      func = spec.func; // FUNC+0 is FUNC
    }
    if (ret_ && spec.offset && !spec.func.empty()) {
      error = "Offset not allowed";
      return false;
    }
    spec.wildcard =
        spec.target.find('*') != std::string::npos || spec.func.find('*') != std::string::npos;
    spec.text = name() + ":" + spec.target + ":" + func;
    return true;
  }

  bool accepts_positionals(AttachSpec& spec, std::string& error) const override {
    return name_from_positional(spec, error);
  }

  std::vector<ProgramPlan> expand(AttachSpec spec, const ast::AttachPoint& ap, size_t probe_index,
                                  SemaContext& cx) const override {
    if (spec.offset != 0 && !spec.wildcard && cx.reporting()) check_offset(cx, spec, ap.range);
    return Provider::expand(std::move(spec), ap, probe_index, cx);
  }

  Type args_type(SemaContext& cx, ast::Expr& e) const override {
    if (ret_) return Provider::args_type(cx, e);
    return Type::simple(ast::TypeKind::Ctx, 8); // fields typed by args_field
  }

  Type args_field(SemaContext& cx, ast::Expr& e, ast::FieldAccess& f) const override {
    if (ret_) return Provider::args_field(cx, e, f);
    return cx.dwarf_args_field(e, f);
  }

  Type func_type() const override { return Type::simple(ast::TypeKind::Usym, 16); }

  llvm::Value* lower_func(LowerContext& lx) const override {
    // usym value {ip, pid}: the address of the probed instruction in the process.
    auto& b = lx.builder();
    auto* buf = lx.stack_buffer(16, "usym", true);
    b.CreateAlignedStore(lx.ctx_u64(lx.program_info().target->ip_offset), buf, llvm::Align(8));
    llvm::Value* pid_tgid = lx.call_helper(builtins::Helper::GetCurrentPidTgid, b.getInt64Ty(), {});
    b.CreateAlignedStore(b.CreateLShr(pid_tgid, 32), lx.gep(buf, 8), llvm::Align(8));
    return buf;
  }

  llvm::Value* lower_ctx_field(LowerContext& lx, const ast::Expr& e,
                               const ast::FieldAccess& f) const override {
    if (ret_ || f.base->type.kind != ast::TypeKind::Ctx) return nullptr;
    // args->NAME: the parameter's argument register (typed from the binary's DWARF).
    return lx.convert_int(lower_arg(lx, lx.program_info().uprobe_arg_slots.at(&e)), e.type);
  }

private:
  bool ret_;
};

constexpr std::string_view kKprobeProg = "BPF_PROG_TYPE_KPROBE";
// clang-format off
const ProbeKindDesc kUprobe{ProbeKind::Uprobe, {"u"}, "uprobe", kKprobeProg,
    {.argn = true, .sargn = true, .func = true, .reg = true, .uaddr = true,
     .ctx_record = "pt_regs"},
    ast::AddrSpace::User};
const ProbeKindDesc kUretprobe{ProbeKind::Uretprobe, {"ur"}, "uretprobe", kKprobeProg,
    {.retval = true, .func = true, .reg = true, .uaddr = true, .ctx_record = "pt_regs"},
    ast::AddrSpace::User};
// clang-format on

} // namespace

BTC_PROVIDER(uprobe, UprobeProvider, kUprobe, false)
BTC_PROVIDER(uretprobe, UprobeProvider, kUretprobe, true)

} // namespace btc::probes::providers
