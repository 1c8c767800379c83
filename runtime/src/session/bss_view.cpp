// bss_view.cpp: BssView (see bss_view.h).
#include "session/bss_view.h"

#include <bpf/libbpf.h>
#include <sys/mman.h>
#include <unistd.h>

namespace btc::rt {

BssView::~BssView() {
  if (addr_) munmap(addr_, len_);
}

bool BssView::open(const bpf_map* bss) {
  if (addr_) return true;
  if (!bss || bpf_map__fd(bss) < 0) return false;
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  size_t size = bpf_map__value_size(bss);
  size_t len = (size + page - 1) / page * page;
  void* mem = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(bss), 0);
  if (mem == MAP_FAILED) return false;
  addr_ = mem;
  len_ = len;
  size_ = size;
  return true;
}

volatile uint64_t* BssView::word(uint32_t offset) const {
  if (!addr_ || size_ < offset + sizeof(uint64_t)) return nullptr;
  return reinterpret_cast<volatile uint64_t*>(static_cast<uint8_t*>(addr_) + offset);
}

} // namespace btc::rt
