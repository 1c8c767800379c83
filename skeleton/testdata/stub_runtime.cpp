// skeleton/testdata/stub_runtime.cpp: a stand-in for libbtc_runtime.a in the link tests.
//
// Linked exactly where the real runtime goes; its main() proves the tool is a working static
// C++ program that reads its own .btc_payload section: it prints the sizes and FNV-1a hashes
// of the BPF object and the manifest, e.g.
//   bpf_object 6984 1f0c... manifest 120 9a3e...
#include <cstdint>
#include <iostream>
#include <span>
#include <string>

#include "btc/payload.h"

namespace {
uint64_t fnv1a(std::span<const uint8_t> bytes) {
  uint64_t h = 1469598103934665603ull;
  for (uint8_t b : bytes) h = (h ^ b) * 1099511628211ull;
  return h;
}
} // namespace

int main() {
  std::string error;
  auto p = btc::abi::read_payload("/proc/self/exe", error);
  if (!p) {
    std::cout << "no payload: " << error << std::endl;
    return 1;
  }
  std::cout << "bpf_object " << p->bpf_object.size() << " " << fnv1a(p->bpf_object) << " manifest "
            << p->manifest.size() << " " << fnv1a(p->manifest) << std::endl;
  return 0;
}
