// skeleton/testdata/stub_runtime.cpp: a stand-in for libbtc_runtime.a in the link tests.
//
// Linked exactly where the real runtime goes; its main() proves the tool is a working static
// C++ program that sees the embedded blobs: it prints their sizes and FNV-1a hashes, e.g.
//   bpf_object 6984 1f0c... manifest 120 9a3e...
#include <cstdint>
#include <iostream>
#include <string>

extern "C" const unsigned char btc_bpf_object[];
extern "C" const unsigned long btc_bpf_object_size;
extern "C" const unsigned char btc_manifest[];
extern "C" const unsigned long btc_manifest_size;

namespace {
uint64_t fnv1a(const unsigned char* p, unsigned long n) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned long i = 0; i < n; ++i)
    h = (h ^ p[i]) * 1099511628211ull;
  return h;
}
} // namespace

int main() {
  std::string line = "bpf_object " + std::to_string(btc_bpf_object_size) + " " +
                     std::to_string(fnv1a(btc_bpf_object, btc_bpf_object_size)) + " manifest " +
                     std::to_string(btc_manifest_size) + " " +
                     std::to_string(fnv1a(btc_manifest, btc_manifest_size));
  std::cout << line << std::endl;
  return 0;
}
