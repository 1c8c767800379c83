// instructions.h: where a uprobe may go inside a function of a user binary.
//
// A uprobe replaces the first byte of an instruction; one placed inside an instruction would
// corrupt the traced process. bpftrace 0.17 checks offsets with a disassembler where it runs;
// btc checks them when compiling with LLVM's x86-64 disassembler, and the tool refuses a
// binary with another build-id (the offsets were checked against this one).
//
// Example: for take_pair at 0x11d9 (push %rbp; mov %rsp,%rbp; mov %rdi,-0x8(%rbp); ...),
// starts_instruction(take_pair, 4) is true and starts_instruction(take_pair, 2) false.
#pragma once

#include <llvm/Object/ObjectFile.h>
#include <llvm/Support/Error.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace btc::userbin {

struct FunctionSymbol {
  std::string name;
  uint64_t addr = 0; // ELF virtual address
  uint64_t size = 0; // 0: unknown
};

// The GNU build-id note of an object as lower-case hex ("" when it has none).
std::string build_id_hex(const llvm::object::ObjectFile& obj);

class BinaryCode {
public:
  // Opens an x86-64 ELF file; an error when it is not one.
  static llvm::Expected<std::unique_ptr<BinaryCode>> open(const std::string& path);
  ~BinaryCode();

  std::optional<FunctionSymbol> function(std::string_view name) const;
  // The function whose [addr, addr + size) holds `vaddr`.
  std::optional<FunctionSymbol> function_at(uint64_t vaddr) const;
  // True when `f.addr + offset` starts an instruction, decoding from the function's start.
  bool starts_instruction(const FunctionSymbol& f, uint64_t offset) const;
  // The GNU build-id note as lower-case hex ("" when there is none).
  const std::string& build_id() const;

private:
  BinaryCode();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace btc::userbin
