// btc/usdt.h: the USDT argument table shared by codegen and the runtime.
//
// A usdt program reads argN through a BPF ARRAY map named kUsdtSpecMap (u32 key, value
// UsdtSpec), defined by codegen only when some usdt action reads an argument. The runtime
// resolves the ELF notes on the running host, sizes the map before load (one slot per probe
// location) and fills a slot before attaching that location. The BPF cookie of a usdt
// uprobe is (slot << 32) | probe-name id, so `probe` is the low half and the slot the high.
//
// Reading argument i: kind Const -> value; Reg -> (pt_regs[base_off] >> shift); Deref ->
// *(size bytes at pt_regs[base_off] + pt_regs[index_off] * scale + value) read from user
// memory; then the low `size` bytes are sign- (is_signed) or zero-extended to 64 bits.
// Example: "-4@-20(%rbp)" = {Deref, base_off 32 (rbp), value -20, size 4, is_signed 1}.
#pragma once

#include <cstddef>
#include <cstdint>

namespace btc::abi {

inline constexpr const char* kUsdtSpecMap = "btc_usdt_specs";
inline constexpr uint32_t kUsdtMaxArgs = 10; // arg0..arg9 (0.17's lexer limit)

enum class UsdtArgKind : uint8_t { None = 0, Const = 1, Reg = 2, Deref = 3 };

struct UsdtArgSpec {
  int64_t value = 0;      // Const: the constant; Deref: displacement added to the address
  uint16_t base_off = 0;  // Reg/Deref: struct pt_regs byte offset of the (base) register
  uint16_t index_off = 0; // Deref with scale != 0: pt_regs offset of the index register
  uint8_t kind = 0;       // UsdtArgKind
  uint8_t size = 0;       // 1, 2, 4 or 8 bytes
  uint8_t is_signed = 0;
  uint8_t shift = 0;      // Reg: right shift in bits (8 for %ah, %bh, %ch, %dh)
  uint8_t scale = 0;      // Deref: index scale 1/2/4/8, 0 = no index register
  uint8_t pad[7] = {};
};
static_assert(sizeof(UsdtArgSpec) == 24);
static_assert(offsetof(UsdtArgSpec, value) == 0 && offsetof(UsdtArgSpec, base_off) == 8 &&
              offsetof(UsdtArgSpec, index_off) == 10 && offsetof(UsdtArgSpec, kind) == 12 &&
              offsetof(UsdtArgSpec, size) == 13 && offsetof(UsdtArgSpec, is_signed) == 14 &&
              offsetof(UsdtArgSpec, shift) == 15 && offsetof(UsdtArgSpec, scale) == 16);

struct UsdtSpec {
  UsdtArgSpec args[kUsdtMaxArgs];
};
static_assert(sizeof(UsdtSpec) == 240);

} // namespace btc::abi
