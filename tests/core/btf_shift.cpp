// btf_shift.cpp: makes a "foreign kernel" BTF for the CO-RE portability suite.
//
// Input: a BTF blob (raw, default /sys/kernel/btf/vmlinux, or an ELF file with .BTF) and the
// names of structs/unions. Output: the same BTF with every member of those records moved by
// +N bytes (bitfields: bit offset + 8*N) and each record's size grown by N, written raw with
// btf__raw_data. A program whose field offsets were baked in from the output reads the
// wrong bytes on the running kernel; one that goes through CO-RE relocations does not.
// Example: btf_shift -o shifted.btf --shift 64 task_struct syscall_trace_enter
//   task_struct.pid at byte 1264 on the 6.18 test kernel -> 1328 in shifted.btf.
// Records that embed a grown record by value (directly, through typedefs/qualifiers or in
// arrays) are laid out again so the result stays a consistent kernel: members after the
// embedded one move by its growth and the container grows too (struct file embeds struct
// path in a union, so shifting `path` also moves every file member after f_path).
// --no-propagate skips that. DATASEC variable sizes are left alone (CO-RE never reads them).
// Every named record must exist (all same-named struct/union types are shifted); the exit
// status is 1 on any error, with a message on stderr. --print prints, per changed record,
// `name size old->new` and one `name.member old_bits->new_bits` line per moved member.
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct Options {
  std::string input = "/sys/kernel/btf/vmlinux";
  std::string output;
  uint32_t shift = 64;
  bool print = false;
  bool propagate = true;
  std::vector<std::string> names;
  // --rename RECORD.OLD=NEW: member OLD of every record RECORD is called NEW afterwards (a
  // kernel where a field has another name, e.g. cfs_rq.nr_queued was nr_running before 6.13).
  std::vector<std::string> renames;
};

void usage() {
  std::fprintf(stderr,
               "usage: btf_shift [--in BTF] [--shift BYTES] [--print] [--no-propagate] "
               "[--rename REC.OLD=NEW]... -o OUT NAME...\n"
               "  moves every member of struct/union NAME by +BYTES and grows its size;\n"
               "  --rename renames member OLD of struct/union REC to NEW\n");
}

bool parse_args(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto value = [&](const char* what) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "btf_shift: %s needs a value\n", what);
        return nullptr;
      }
      return argv[++i];
    };
    if (a == "--in" || a == "-i") {
      const char* v = value("--in");
      if (!v) return false;
      o.input = v;
    } else if (a == "-o" || a == "--out") {
      const char* v = value("-o");
      if (!v) return false;
      o.output = v;
    } else if (a == "--shift") {
      const char* v = value("--shift");
      if (!v) return false;
      char* end = nullptr;
      unsigned long n = std::strtoul(v, &end, 0);
      if (*v == '\0' || *end != '\0' || n == 0 || n > (1u << 16)) {
        std::fprintf(stderr, "btf_shift: bad --shift '%s' (1..65536 bytes)\n", v);
        return false;
      }
      o.shift = static_cast<uint32_t>(n);
    } else if (a == "--rename") {
      const char* v = value("--rename");
      if (!v) return false;
      o.renames.emplace_back(v);
    } else if (a == "--print") {
      o.print = true;
    } else if (a == "--no-propagate") {
      o.propagate = false;
    } else if (a == "-h" || a == "--help") {
      usage();
      std::exit(0);
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "btf_shift: unknown option '%s'\n", argv[i]);
      return false;
    } else {
      o.names.emplace_back(a);
    }
  }
  if (o.output.empty() || (o.names.empty() && o.renames.empty())) {
    usage();
    return false;
  }
  return true;
}

// Loads raw BTF or the .BTF of an ELF file (btf__parse tries both).
struct btf* load_btf(const std::string& path) {
  struct btf* btf = btf__parse(path.c_str(), nullptr);
  if (!btf) {
    std::fprintf(stderr, "btf_shift: cannot load BTF from %s: %s\n", path.c_str(),
                 std::strerror(errno));
    return nullptr;
  }
  return btf;
}

// Lays records out again in place: the named ones get every member moved by `shift` bytes,
// and (with propagate) every record embedding a grown record by value moves the members after
// it. The member array lives in the btf's own writable type memory once the btf is
// modifiable (see main), so writing through btf__type_by_id's pointer is well defined.
class Shifter {
public:
  Shifter(struct btf* btf, uint32_t shift, bool propagate, bool print)
      : btf_(btf), shift_(shift), propagate_(propagate), print_(print),
        state_(btf__type_cnt(btf), State::Todo), growth_(btf__type_cnt(btf), 0) {}

  void mark(uint32_t id) { named_.push_back(id); }

  // Processes the named records, then (with propagate) every record, children first.
  bool run() {
    for (uint32_t id : named_)
      if (!grow(id)) return false;
    if (!propagate_) return true;
    for (uint32_t id = 1; id < state_.size(); ++id)
      if (btf_is_composite(btf__type_by_id(btf_, id)) && !grow(id)) return false;
    return true;
  }

  size_t changed() const { return changed_; }

private:
  enum class State : uint8_t { Todo, Busy, Done };

  bool is_named(uint32_t id) const {
    for (uint32_t n : named_)
      if (n == id) return true;
    return false;
  }

  // Bytes by which a member of type `id` grew (0 unless it embeds a grown record).
  bool member_growth(uint32_t id, uint64_t& out) {
    out = 0;
    if (!propagate_) return true;
    int r = btf__resolve_type(btf_, id); // through typedef/const/volatile/restrict/type_tag
    if (r < 0) return true;              // e.g. void or a dangling typedef: never grows
    const struct btf_type* t = btf__type_by_id(btf_, static_cast<uint32_t>(r));
    if (btf_is_composite(t)) {
      if (!grow(static_cast<uint32_t>(r))) return false;
      out = growth_[static_cast<uint32_t>(r)];
      return true;
    }
    if (btf_is_array(t)) {
      uint64_t elem = 0;
      if (!member_growth(btf_array(t)->type, elem)) return false;
      out = elem * btf_array(t)->nelems;
    }
    return true;
  }

  bool grow(uint32_t id) {
    if (state_[id] == State::Done) return true;
    auto* t = const_cast<struct btf_type*>(btf__type_by_id(btf_, id));
    const char* name = btf__name_by_offset(btf_, t->name_off);
    if (state_[id] == State::Busy) {
      std::fprintf(stderr, "btf_shift: record '%s' [%u] contains itself\n", name, id);
      return false;
    }
    state_[id] = State::Busy;
    bool kflag = btf_kflag(t);
    struct btf_member* m = btf_members(t);
    uint16_t n = btf_vlen(t);
    uint64_t base = is_named(id) ? shift_ : 0;
    // Members in offset order; each moves by `base` plus what earlier members grew (structs).
    std::vector<uint16_t> order(n);
    for (uint16_t i = 0; i < n; ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](uint16_t a, uint16_t b) {
      return btf_member_bit_offset(t, a) < btf_member_bit_offset(t, b);
    });
    uint64_t extra = base, union_max = 0;
    std::vector<uint64_t> new_bits(n);
    for (uint16_t i : order) {
      uint64_t g = 0;
      if (!member_growth(m[i].type, g)) return false;
      new_bits[i] = btf_member_bit_offset(t, i) + extra * 8;
      if (btf_is_struct(t)) extra += g;
      else union_max = std::max(union_max, g);
    }
    uint64_t total = btf_is_struct(t) ? extra : base + union_max;
    state_[id] = State::Done;
    growth_[id] = total;
    if (total == 0) return true;
    uint64_t new_size = uint64_t{t->size} + total;
    uint64_t limit = kflag ? 0xffffffull : 0xffffffffull; // kflag: 24-bit bit offsets
    if (new_size > UINT32_MAX) {
      std::fprintf(stderr, "btf_shift: %s would exceed 4 GiB\n", name);
      return false;
    }
    if (print_) std::printf("%s size %u->%llu\n", name, t->size, (unsigned long long)new_size);
    for (uint16_t i = 0; i < n; ++i) {
      uint32_t old_bits = btf_member_bit_offset(t, i);
      if (new_bits[i] > limit) {
        std::fprintf(stderr, "btf_shift: %s member %u offset overflows\n", name, i);
        return false;
      }
      if (new_bits[i] == old_bits) continue;
      if (kflag)
        m[i].offset = (BTF_MEMBER_BITFIELD_SIZE(m[i].offset) << 24) |
                      static_cast<uint32_t>(new_bits[i]);
      else
        m[i].offset = static_cast<uint32_t>(new_bits[i]);
      if (print_)
        std::printf("%s.%s %u->%llu\n", name, btf__name_by_offset(btf_, m[i].name_off), old_bits,
                    (unsigned long long)new_bits[i]);
    }
    t->size = static_cast<uint32_t>(new_size);
    ++changed_;
    return true;
  }

  struct btf* btf_;
  uint32_t shift_;
  bool propagate_, print_;
  std::vector<State> state_;
  std::vector<uint64_t> growth_;
  std::vector<uint32_t> named_;
  size_t changed_ = 0;
};

bool write_file(const std::string& path, const void* data, uint32_t size) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) {
    std::fprintf(stderr, "btf_shift: cannot write %s: %s\n", path.c_str(), std::strerror(errno));
    return false;
  }
  bool ok = std::fwrite(data, 1, size, f) == size;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) std::fprintf(stderr, "btf_shift: short write to %s\n", path.c_str());
  return ok;
}

} // namespace

// "REC.OLD=NEW": renames member OLD of every struct/union REC.
bool rename_member(struct btf* btf, const std::string& spec) {
  size_t dot = spec.find('.'), eq = spec.find('=');
  if (dot == std::string::npos || eq == std::string::npos || eq < dot) {
    std::fprintf(stderr, "btf_shift: bad --rename '%s' (REC.OLD=NEW)\n", spec.c_str());
    return false;
  }
  std::string rec = spec.substr(0, dot), old = spec.substr(dot + 1, eq - dot - 1);
  int name = btf__add_str(btf, spec.substr(eq + 1).c_str());
  if (name < 0) return false;
  int renamed = 0;
  for (uint32_t id = 1, n = btf__type_cnt(btf); id < n; ++id) {
    auto* t = const_cast<struct btf_type*>(btf__type_by_id(btf, id));
    if (!btf_is_composite(t) || rec != btf__name_by_offset(btf, t->name_off)) continue;
    struct btf_member* m = btf_members(t);
    for (uint16_t i = 0; i < btf_vlen(t); ++i)
      if (old == btf__name_by_offset(btf, m[i].name_off)) {
        m[i].name_off = static_cast<uint32_t>(name);
        ++renamed;
      }
  }
  if (renamed == 0)
    std::fprintf(stderr, "btf_shift: no member %s in a record named %s\n", old.c_str(),
                 rec.c_str());
  return renamed > 0;
}

int main(int argc, char** argv) {
  Options o;
  if (!parse_args(argc, argv, o)) return 1;
  struct btf* btf = load_btf(o.input);
  if (!btf) return 1;

  // Adding a string forces libbpf to copy the parsed blob into separately owned, writable
  // type/string buffers and to drop its cached raw image, so btf__raw_data() below
  // re-serializes the types including our in-place edits (checked with libbpf 1.1).
  if (btf__add_str(btf, "btf_shift") < 0) {
    std::fprintf(stderr, "btf_shift: cannot make BTF modifiable\n");
    btf__free(btf);
    return 1;
  }

  bool ok = true;
  Shifter shifter(btf, o.shift, o.propagate, o.print);
  uint32_t n = btf__type_cnt(btf);
  for (const std::string& want : o.names) {
    int found = 0;
    for (uint32_t id = 1; id < n; ++id) {
      const struct btf_type* t = btf__type_by_id(btf, id);
      if (btf_is_composite(t) && want == btf__name_by_offset(btf, t->name_off)) {
        shifter.mark(id);
        ++found;
      }
    }
    if (found == 0) {
      std::fprintf(stderr, "btf_shift: no struct or union named '%s' in %s\n", want.c_str(),
                   o.input.c_str());
      ok = false;
    }
  }
  ok = ok && shifter.run();
  for (const std::string& r : o.renames) ok = ok && rename_member(btf, r);
  if (ok)
    std::fprintf(stderr, "btf_shift: %zu records changed (%zu named)\n", shifter.changed(),
                 o.names.size());

  if (ok) {
    uint32_t size = 0;
    const void* raw = btf__raw_data(btf, &size);
    if (!raw) {
      std::fprintf(stderr, "btf_shift: btf__raw_data failed\n");
      ok = false;
    } else {
      ok = write_file(o.output, raw, size);
    }
  }
  btf__free(btf);
  return ok ? 0 : 1;
}
