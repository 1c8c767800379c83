// bss_view.h: the BPF object's .bss map mapped into the tool, for the words the tool and the
// probes share (btc/abi.h: the stop flag, the lost-events counter).
//
// The map is BPF_F_MMAPABLE; libbpf 1.1 remaps it into the process only for skeletons, so
// the view maps the map's fd itself after load, and unmaps it when it goes away.
// Example: BssView v; v.open(bss_map); __atomic_store_n(v.word(abi::kStopFlagOffset), 1, ...);
#pragma once

#include <cstddef>
#include <cstdint>

struct bpf_map;

namespace btc::rt {

class BssView {
public:
  BssView() = default;
  BssView(const BssView&) = delete;
  BssView& operator=(const BssView&) = delete;
  ~BssView();

  // Maps the loaded map (false: not loaded, or the kernel refused the mapping).
  bool open(const bpf_map* bss);
  // The u64 at `offset`, read and written in place (the probes update it too); null when the
  // view is not open or the value is shorter.
  volatile uint64_t* word(uint32_t offset) const;

private:
  void* addr_ = nullptr;
  size_t len_ = 0, size_ = 0;
};

} // namespace btc::rt
