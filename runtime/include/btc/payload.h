// btc/payload.h: how a generated tool carries its BPF object and manifest.
//
// A tool is the prebuilt runtime executable (linked once, when btc is built) plus one extra,
// non-allocated ELF section, ".btc_payload", that btc appends when it compiles a script:
//   "BTCPAYL1" | u64 bpf object size | u64 manifest size | bpf object | manifest
// The compiler adds the section (add_payload_section, in memory); the tool reads it back from
// /proc/self/exe when it starts (read_payload). A non-allocated section survives `strip`.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace btc::abi {

inline constexpr const char* kPayloadSection = ".btc_payload";

// The section's contents for a BPF object and an encoded manifest.
std::vector<uint8_t> encode_payload(std::span<const uint8_t> bpf_object,
                                    std::span<const uint8_t> manifest);

// A tool written from the runtime executable `base` without copying it: the patched ELF
// header, then base[header.size(), keep), then tail (payload, section names, section headers).
struct ToolImage {
  std::vector<uint8_t> header;
  size_t keep = 0;
  std::vector<uint8_t> tail;
};

// Plans `payload` as the section .btc_payload of the 64-bit little-endian ELF executable
// `base` (section headers rewritten at the end). Returns "" or why `base` was refused.
std::string plan_payload_section(std::span<const uint8_t> base, std::span<const uint8_t> payload,
                                 ToolImage& out);

// The same, in place on a whole image.
std::string add_payload_section(std::vector<uint8_t>& image, std::span<const uint8_t> payload);

struct Payload {
  std::vector<uint8_t> bytes; // the whole section
  std::span<const uint8_t> bpf_object;
  std::span<const uint8_t> manifest;
};

// Reads the payload of the ELF file at `path` (a tool reads its own, "/proc/self/exe").
// On failure returns nullopt and says why in `error`.
std::optional<Payload> read_payload(const char* path, std::string& error);

// Splits the section's contents; nullopt when the header or the sizes are wrong.
std::optional<Payload> decode_payload(std::vector<uint8_t> bytes);

} // namespace btc::abi
