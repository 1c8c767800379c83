// check_registers.cpp: the builtins that read the probed code's machine state or symbols:
// reg("name"), sargN and uaddr("symbol") (spec 6, 7.1, 1.4), with 0.17's messages.
//
// Example: in `uprobe:/bin/bash:readline { $p = uaddr("rl_point"); }` uaddr types as
// `int32 *` (rl_point is a 4-byte object on this host) and becomes a runtime value
// "/bin/bash:rl_point" that the tool resolves in the binary it finds where it runs.
#include "sema/checker.h"

#include "userbin/host_binary.h"

#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Object/ObjectFile.h>

#include <cstdlib>
#include <memory>
#include <unistd.h>

namespace btc::sema {
namespace {

enum class SymbolLookup { Found, Missing, NoBinary };

// Size of an object symbol in an ELF file (.symtab, then .dynsym).
SymbolLookup elf_symbol_size(const std::string& path, const std::string& name, uint64_t& size) {
  auto obj = llvm::object::ObjectFile::createObjectFile(path);
  if (!obj) {
    llvm::consumeError(obj.takeError());
    return SymbolLookup::NoBinary;
  }
  auto* elf = llvm::dyn_cast<llvm::object::ELFObjectFileBase>(obj->getBinary());
  if (!elf) return SymbolLookup::NoBinary;
  auto scan = [&](auto range) {
    for (const llvm::object::ELFSymbolRef sym : range) {
      auto sym_name = sym.getName();
      if (!sym_name) {
        llvm::consumeError(sym_name.takeError());
        continue;
      }
      if (*sym_name != name) continue;
      size = sym.getSize();
      return true;
    }
    return false;
  };
  if (scan(elf->symbols()) || scan(elf->getDynamicSymbolIterators())) return SymbolLookup::Found;
  return SymbolLookup::Missing;
}

} // namespace

Type Checker::check_reg(ast::Expr& e, ast::Call& c, const std::string& probe_name) {
  if (!probes::describe(probe_->kind).rules.reg) {
    error(e.range, "reg can not be used with \"" + probe_name + "\" probes");
    return Type::uint64();
  }
  auto* lit = c.args[0]->as<ast::StrLit>();
  if (!lit) {
    check_expr(*c.args[0]);
    error(e.range,
          "reg() expects a string literal (" + value_class_of(c.args[0]->type) + " provided)" +
              needed_when_compiling(*c.args[0]));
    return Type::uint64();
  }
  c.args[0]->type = Type::string(static_cast<uint32_t>(lit->value.size() + 1));
  if (!targets::register_offset(*info_.target, lit->value))
    error(e.range, "'" + lit->value + "' is not a valid register on this architecture (" +
                       std::string(info_.target->name) + ")");
  probe_->needs_pt_regs = true;
  return Type::uint64().in(probe_memory());
}

Type Checker::check_sarg(ast::Expr& e) {
  for (const auto& spec : probe_->specs) {
    if (spec.offset != 0 && !spec.func.empty()) {
      warning(e.range,
              "Using an address offset with the sargX built-in canlead to unexpected behavior ");
      break;
    }
  }
  probe_->needs_pt_regs = true;
  return Type::uint64().in(probe_memory());
}

Type Checker::check_uaddr(ast::Expr& e, ast::Call& c, const std::string& probe_name) {
  if (!probes::describe(probe_->kind).rules.uaddr) {
    error(e.range, "uaddr can not be used with \"" + probe_name + "\" probes");
    return Type::none();
  }
  auto symbol = literal_text(*c.args[0]);
  if (!symbol) {
    error(e.range,
          "uaddr() expects a string literal (" + value_class_of(c.args[0]->type) + " provided)");
    return Type::none();
  }
  const std::string binary = probe_->specs.empty() ? std::string() : probe_->specs[0].target;
  for (const auto& spec : probe_->specs) {
    if (spec.target != binary || binary.find('*') != std::string::npos) {
      error(e.range, "uaddr() needs all attach points of its probe to name the same binary, "
                     "without wildcards");
      return Type::none();
    }
  }
  if (binary.empty()) {
    error(e.range, "uaddr() needs the probe to name its binary");
    return Type::none();
  }
  // The pointee width comes from the symbol's size (0.17: 1/2/4/8 bytes, else 8) in the binary
  // as this host has it (8 for a symbol named by a positional parameter); the address itself is
  // looked up again where the tool runs.
  uint64_t size = 8;
  std::string path = abi::has_placeholder(*symbol) ? std::string() : userbin::host_binary(binary);
  if (!path.empty()) {
    switch (elf_symbol_size(path, *symbol, size)) {
    case SymbolLookup::Found:
      break;
    case SymbolLookup::Missing:
      error(e.range, "Could not resolve symbol: " + binary + ":" + *symbol);
      return Type::none();
    case SymbolLookup::NoBinary:
      size = 8;
      break;
    }
  }
  if (size != 1 && size != 2 && size != 4) size = 8;
  // The runtime value's argument is "BINARY:SYMBOL".
  add_runtime_value(abi::ResolveKind::Uaddr, e, c, "uaddr", binary + ":");
  Type p;
  p.kind = ast::TypeKind::Pointer;
  p.size = 8;
  p.as = ast::AddrSpace::User;
  p.pointee = std::make_shared<Type>(Type::integer(static_cast<uint32_t>(size), true));
  return p;
}

} // namespace btc::sema
