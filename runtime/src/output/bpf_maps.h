// bpf_maps.h: MapStore over the maps of a loaded bpf_object (bpf_map_get_next_key /
// bpf_map_lookup_elem / update / delete on the map named MapDesc::bpf_name).
#pragma once

#include "output/maps.h"

#include <set>
#include <string>

struct bpf_object;

namespace btc::rt {

class BpfMapStore final : public MapStore {
public:
  explicit BpfMapStore(bpf_object* obj);
  uint32_t slots(const abi::MapDesc& map) const override;
  bool read(const abi::MapDesc& map, std::vector<RawEntry>& out, std::string& err) override;
  bool clear(const abi::MapDesc& map, std::string& err) override;
  bool zero(const abi::MapDesc& map, std::string& err) override;
  uint64_t max_entries(const abi::MapDesc& map) const override;

private:
  // fd, key size and whether the map is an array; false with err if the map is missing.
  bool resolve(const abi::MapDesc& map, int& fd, uint32_t& key_size, bool& is_array,
               std::string& err) const;
  bool keys(int fd, uint32_t key_size, std::vector<std::vector<uint8_t>>& out,
            std::string& err) const;

  bool read_batched(const abi::MapDesc& map, int fd, uint32_t key_size,
                    std::vector<RawEntry>& out) const;
  bool zero_values(const abi::MapDesc& map, int fd, uint32_t key_size, std::string& err);

  bpf_object* obj_;
  // Scalar histograms (one-entry arrays) that zero() emptied: still printed, empty.
  std::set<std::string> zeroed_;
  uint32_t possible_cpus_;
};

} // namespace btc::rt
