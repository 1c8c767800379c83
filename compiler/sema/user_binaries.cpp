// user_binaries.cpp: what sema reads from the user binaries a script traces, as bpftrace 0.17
// does: types from their DWARF (`args->NAME` in uprobes, records named in casts such as
// `(struct Foo *)arg0` without a preamble definition). The uprobe provider checks offsets.
//
// The binaries are the uprobe/uretprobe/usdt targets of the program as this host finds them,
// read on first use. Every binary that shaped the program is recorded with its build-id
// (ProgramInfo::debug_binaries): the tool refuses a different binary where it runs.
//
// Example: `uprobe:/tmp/app:take_str { printf("%s %d", str(args->s), args->n); }` types args->s
// as `const char *` (a user pointer, parameter 0: %rdi) and args->n as int64 (parameter 1).
#include "sema/checker.h"

#include "userbin/host_binary.h"

#include <llvm/ADT/StringExtras.h>

namespace btc::sema {

const userbin::DebugTypes* Checker::debug_types(const std::string& target) {
  auto it = debug_types_.find(target);
  if (it != debug_types_.end()) return it->second.get();
  std::unique_ptr<userbin::DebugTypes> types;
  std::string path = target.find('*') == std::string::npos ? userbin::host_binary(target) : "";
  if (!path.empty()) {
    auto opened = userbin::DebugTypes::open(path);
    if (opened && (*opened)->has_debug_info())
      types = std::move(*opened);
    else if (!opened)
      llvm::consumeError(opened.takeError());
  }
  return (debug_types_[target] = std::move(types)).get();
}

void Checker::used_debug_types(const std::string& target) {
  if (const userbin::DebugTypes* types = debug_types(target))
    info_.debug_binaries[target] = types->build_id();
}

std::optional<Type> Checker::dwarf_type(const std::string& key) {
  for (const auto& probe : program_.probes) {
    for (const auto& ap : probe.attach_points) {
      std::string err;
      auto spec = probes::parse_attach_point(ap.text, err);
      if (!spec || spec->target.empty() ||
          probes::describe(spec->kind).memory != ast::AddrSpace::User)
        continue;
      const userbin::DebugTypes* types = debug_types(spec->target);
      if (!types) continue;
      if (auto t = types->type(key)) {
        used_debug_types(spec->target);
        return t;
      }
    }
  }
  return std::nullopt;
}

std::optional<Type> Checker::resolve_local_record(const Type& shallow) {
  if (auto r = cdecl::resolve_record(ctypes_, shallow)) return r;
  auto r = dwarf_type((shallow.is_union ? "union " : "struct ") + shallow.name);
  if (r && r->kind == ast::TypeKind::Record) return r->in(shallow.as);
  return std::nullopt;
}

// args->NAME in a uprobe: parameter NAME of the probed function, from the binary's DWARF. Every
// attach point must have the same parameters (0.17 refuses mixed arguments).
Type Checker::dwarf_args_field(ast::Expr& e, ast::FieldAccess& f) {
  std::optional<userbin::Function> common;
  for (const auto& spec : probe_->specs) {
    source::SourceRange where = probe_->probe->attach_points[spec.attach_point].range;
    const userbin::DebugTypes* types = debug_types(spec.target);
    if (!types) {
      error(where, "No debuginfo found for " + spec.target);
      return Type::none();
    }
    used_debug_types(spec.target);
    std::vector<std::string> funcs = {spec.func};
    if (spec.wildcard) {
      funcs.clear();
      for (const auto& name : types->function_names())
        if (probes::wildcard_match(spec.func, name)) funcs.push_back(name);
    }
    for (const auto& func : funcs) {
      auto fn = types->function(func);
      if (!fn) {
        error(where, "No debuginfo found for " + spec.target + ":" + func);
        return Type::none();
      }
      auto same = [](const userbin::Function& a, const userbin::Function& b) {
        if (a.params.size() != b.params.size()) return false;
        for (size_t i = 0; i < a.params.size(); ++i)
          if (a.params[i].name != b.params[i].name ||
              !ast::same_type(a.params[i].type, b.params[i].type))
            return false;
        return true;
      };
      if (!common)
        common = std::move(fn);
      else if (!same(*common, *fn)) {
        error(where, "Probe has attach points with mixed arguments");
        return Type::none();
      }
    }
  }
  if (!common) return Type::none();
  for (uint32_t index = 0; index < common->params.size(); ++index) {
    const userbin::Param& param = common->params[index];
    if (param.name != f.field) continue;
    if (!param.type.is_integer() && !param.type.is_pointer()) {
      error(e.range, "args->" + f.field + ": parameters of type " + ast::type_name(param.type) +
                         " (passed by value) are not supported by btc yet");
      return Type::none();
    }
    if (index >= 6) {
      error(e.range, "args->" + f.field + " is parameter " + std::to_string(index + 1) +
                         ": btc reads uprobe parameters from the 6 argument registers");
      return Type::none();
    }
    info_.uprobe_arg_slots[&e] = index;
    probe_->arg_mask |= 1u << index;
    return preamble_first(param.type).in(ast::AddrSpace::User);
  }
  error(e.range, "Can't find function parameter " + f.field);
  return Type::none();
}

} // namespace btc::sema
