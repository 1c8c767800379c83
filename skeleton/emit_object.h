// skeleton/emit_object.h: the host object that carries a BPF object and its manifest into the
// generated tool.
//
// Input: BPF ELF bytes and encoded manifest bytes (btc::abi::encode). Output: an x86-64 ELF
// relocatable object, built in memory by LLVM's X86 backend, defining (all in .rodata,
// 8-byte aligned) the symbols the runtime library (libbtc_runtime.a) reads:
//   extern "C" const unsigned char btc_bpf_object[];  extern "C" const unsigned long btc_bpf_object_size;
//   extern "C" const unsigned char btc_manifest[];    extern "C" const unsigned long btc_manifest_size;
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <llvm/Support/Error.h>

namespace btc::skel {

inline constexpr const char* kBpfObjectSymbol = "btc_bpf_object";
inline constexpr const char* kBpfObjectSizeSymbol = "btc_bpf_object_size";
inline constexpr const char* kManifestSymbol = "btc_manifest";
inline constexpr const char* kManifestSizeSymbol = "btc_manifest_size";

llvm::Expected<std::vector<uint8_t>> emit_host_object(std::span<const uint8_t> bpf_obj,
                                                      std::span<const uint8_t> manifest);

} // namespace btc::skel
