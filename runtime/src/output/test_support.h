// test_support.h: helpers for the runtime unit tests: a fixed Resolver, an in-memory
// MapStore and byte builders, so formatting and map printing run without the kernel.
#pragma once

#include "output/format/value.h"
#include "output/maps.h"

#include <cstring>
#include <map>

namespace btc::rt::test {

class FakeResolver final : public Resolver {
public:
  std::string ksym(uint64_t addr) override { return addr == 0xffffffff81000000 ? "vfs_read" : hex_address(addr); }
  std::string username(uint64_t uid) override { return uid == 0 ? "root" : std::to_string(uid); }
  std::string cgroup_path(uint64_t id, std::string_view filter) override {
    std::string all = id == 1 ? "unified:/,cpu:/" : "unified:/user.slice";
    if (filter.empty()) return all;
    return filter == "c*" ? (id == 1 ? "cpu:/" : "") : "unified:/";
  }
  int64_t boot_to_epoch_ns() override { return 0; }
  std::vector<StackFrame> stack_frames(const abi::StackMapDesc&, int64_t, uint64_t) override {
    return {};
  }
  std::optional<std::string> user_symbol(uint64_t, uint64_t) override { return std::nullopt; }
};

// Maps keyed by MapDesc::bpf_name; values stored in the RawEntry layout (slots per CPU).
class MemoryMapStore final : public MapStore {
public:
  explicit MemoryMapStore(uint32_t cpus = 1) : cpus_(cpus) {}
  uint32_t slots(const abi::MapDesc& map) const override { return map.percpu ? cpus_ : 1; }
  bool read(const abi::MapDesc& map, std::vector<RawEntry>& out, std::string&) override {
    out = maps_[map.bpf_name];
    return true;
  }
  bool clear(const abi::MapDesc& map, std::string& err) override {
    if (map.is_array) return zero(map, err);
    maps_[map.bpf_name].clear();
    return true;
  }
  bool zero(const abi::MapDesc& map, std::string&) override {
    for (auto& e : maps_[map.bpf_name]) std::fill(e.value.begin(), e.value.end(), 0);
    return true;
  }
  uint64_t max_entries(const abi::MapDesc&) const override { return max_entries_; }
  void set_max_entries(uint64_t n) { max_entries_ = n; }
  std::vector<RawEntry>& entries(const std::string& bpf_name) { return maps_[bpf_name]; }

private:
  uint32_t cpus_;
  uint64_t max_entries_ = 4096;
  std::map<std::string, std::vector<RawEntry>> maps_;
};

// Little-endian byte buffer builder.
class Bytes {
public:
  explicit Bytes(size_t size = 0) : data_(size, 0) {}
  template <class T> Bytes& put(size_t offset, T value) {
    if (data_.size() < offset + sizeof(T)) data_.resize(offset + sizeof(T));
    std::memcpy(data_.data() + offset, &value, sizeof(T));
    return *this;
  }
  Bytes& str(size_t offset, std::string_view s, size_t size) {
    if (data_.size() < offset + size) data_.resize(offset + size);
    std::memcpy(data_.data() + offset, s.data(), std::min(s.size(), size));
    return *this;
  }
  Bytes& resize(size_t size) {
    data_.resize(size);
    return *this;
  }
  const std::vector<uint8_t>& data() const { return data_; }
  operator std::vector<uint8_t>() const { return data_; }

private:
  std::vector<uint8_t> data_;
};

inline uint32_t add_type(abi::Manifest& m, abi::ValueKind kind, uint32_t size,
                         std::vector<abi::Field> fields = {}, uint32_t elem = abi::kNoIndex,
                         uint32_t count = 0) {
  abi::TypeDesc t;
  t.kind = kind;
  t.size = size;
  t.fields = std::move(fields);
  t.elem = elem;
  t.count = count;
  m.types.push_back(std::move(t));
  return static_cast<uint32_t>(m.types.size() - 1);
}

inline abi::MapDesc make_map(std::string name, abi::MapKind kind, std::vector<abi::Field> keys = {},
                             uint32_t value_type = abi::kNoIndex, uint32_t value_size = 8) {
  abi::MapDesc d;
  d.bpf_name = "AT_" + name.substr(1);
  d.name = std::move(name);
  d.kind = kind;
  d.keys = std::move(keys);
  d.value_type = value_type;
  d.value_size = value_size;
  d.percpu = kind != abi::MapKind::Plain;
  return d;
}

} // namespace btc::rt::test
