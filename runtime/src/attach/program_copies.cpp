// program_copies.cpp: per-attach-point program copies for kernels without BPF cookies (see
// program_copies.h).
#include "attach/program_copies.h"

#include "attach/provider.h"

#include "btc/abi.h"
#include "host/kernel_btf.h"
#include "host/libbpf_log.h"

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace btc::rt {
namespace {

constexpr uint8_t kLdImm64 = BPF_LD | BPF_DW | BPF_IMM;

bool is_marker(const bpf_insn* insn, size_t left) {
  if (left < 2 || insn[0].code != kLdImm64 || insn[0].src_reg != 0) return false;
  uint64_t value = static_cast<uint32_t>(insn[0].imm) |
                   static_cast<uint64_t>(static_cast<uint32_t>(insn[1].imm)) << 32;
  return value == abi::kAttachIdMarker;
}

bool reads_marker(const bpf_program* prog) {
  const bpf_insn* insns = bpf_program__insns(prog);
  size_t n = bpf_program__insn_cnt(prog);
  for (size_t i = 0; insns && i < n; ++i)
    if (is_marker(insns + i, n - i)) return true;
  return false;
}

} // namespace

bool bpf_cookies_supported() {
  const char* forced = std::getenv("BTC_NO_BPF_COOKIES");
  if (forced && std::string_view(forced) == "1") return false;
  return libbpf_probe_bpf_helper(BPF_PROG_TYPE_KPROBE, BPF_FUNC_get_attach_cookie, nullptr) == 1;
}

size_t patch_attach_id(std::vector<bpf_insn>& insns, uint64_t id) {
  size_t patched = 0;
  for (size_t i = 0; i < insns.size(); ++i) {
    if (!is_marker(&insns[i], insns.size() - i)) continue;
    insns[i].imm = static_cast<int32_t>(static_cast<uint32_t>(id));
    insns[i + 1].imm = static_cast<int32_t>(static_cast<uint32_t>(id >> 32));
    ++patched;
    ++i;
  }
  return patched;
}

bpf_program* ProgramCopies::program_for_attach(bpf_object* obj, const std::string& name,
                                               uint64_t id, std::string& err) {
  bpf_program* prog = obj ? bpf_object__find_program_by_name(obj, name.c_str()) : nullptr;
  if (!prog) {
    err = "BPF program '" + name + "' is missing from the object";
    return nullptr;
  }
  if (bpf_program__autoload(prog)) return prog;
  if (!held_.count(name)) {
    err = "BPF program '" + name + "' was not loaded";
    return nullptr;
  }
  bpf_object* copy = this->copy(obj, name, id, err);
  return copy ? bpf_object__find_program_by_name(copy, name.c_str()) : nullptr;
}

ProgramCopies::~ProgramCopies() {
  for (bpf_object* obj : copies_) bpf_object__close(obj);
}

std::set<std::string> ProgramCopies::hold_back(bpf_object* main, bool all,
                                               const std::set<std::string>& always) {
  std::set<std::string> held;
  bpf_program* prog = nullptr;
  bpf_object__for_each_program(prog, main) {
    if (!all && !always.count(bpf_program__name(prog))) continue;
    if (!bpf_program__autoload(prog) || !reads_marker(prog)) continue;
    bpf_program__set_autoload(prog, false);
    held.insert(bpf_program__name(prog));
  }
  held_.insert(held.begin(), held.end());
  return held;
}

bpf_object* ProgramCopies::copy(bpf_object* main, const std::string& prog_name, uint64_t id,
                                std::string& err) {
  LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = object_name_.c_str(),
              .btf_custom_path = btf_path_.empty() ? nullptr : btf_path_.c_str());
  bpf_object* obj = bpf_object__open_mem(object_.data(), object_.size(), &oo);
  if (!obj) {
    err = "cannot open a copy of the BPF object: " + std::string(std::strerror(errno));
    return nullptr;
  }
  copies_.push_back(obj);
  bpf_map* map = nullptr;
  bpf_object__for_each_map(map, obj) {
    bpf_map* shared = bpf_object__find_map_by_name(main, bpf_map__name(map));
    if (!shared || bpf_map__reuse_fd(map, bpf_map__fd(shared)) != 0) {
      err = "cannot share map '" + std::string(bpf_map__name(map)) + "' with a program copy";
      return nullptr;
    }
  }
  bpf_program* wanted = nullptr;
  bpf_program* prog = nullptr;
  bpf_object__for_each_program(prog, obj) {
    bool keep = prog_name == bpf_program__name(prog);
    bpf_program__set_autoload(prog, keep);
    if (keep) wanted = prog;
  }
  if (!wanted) {
    err = "BPF program '" + prog_name + "' is missing from the object";
    return nullptr;
  }
  const bpf_insn* insns = bpf_program__insns(wanted);
  std::vector<bpf_insn> patched(insns, insns + bpf_program__insn_cnt(wanted));
  if (patch_attach_id(patched, id) == 0 ||
      bpf_program__set_insns(wanted, patched.data(), patched.size()) != 0) {
    err = "cannot give program '" + prog_name + "' its attach point id";
    return nullptr;
  }
  if (bpf_object__load(obj) != 0) {
    int e = errno;
    std::string why = verifier_reason(log_.text());
    err = "the kernel refused to load a copy of program '" + prog_name +
          "': " + (why.empty() ? std::string(std::strerror(e)) : why);
    return nullptr;
  }
  return obj;
}

bpf_program* program_for(const AttachInput& in, const AttachPoint& point, std::string& err) {
  return in.programs.program_for_attach(in.obj, point.probe->prog_name, point.id, err);
}

} // namespace btc::rt
