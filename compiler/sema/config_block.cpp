// config_block.cpp: the config variables of bpftrace 0.2x's docs/language.md, each with how
// btc applies it (see config_block.h).
//
// Names may be written as the variable (`max_strlen`), its environment variable
// (`BPFTRACE_MAX_STRLEN`) or that without the prefix in any case (`MAX_STRLEN`); 0.17's
// environment names (`BPFTRACE_STRLEN`, `BPFTRACE_MAP_KEYS_MAX`, `BPFTRACE_CAT_BYTES_MAX`) too.
// Example: `config = { missing_probes = ignore; max_strlen = 100 }` -> max_strlen 100 and the
// setting {missing_probes, ignore}.
#include "sema/config_block.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace btc::sema {

namespace {

enum class Apply {
  Strlen,
  MapKeys,
  RbPages,
  MaxProgs,
  StackMode,
  License,
  Runtime,
  Unstable,
  Ignored,
  Refused
};
enum class Value { Int, Bool, Word, Text };

struct VarDesc {
  std::string_view name;
  Apply apply;
  Value value;
  std::array<std::string_view, 3> words; // accepted words (Value::Word; "" unused)
  std::string_view refused_why;          // Apply::Refused
};

// clang-format off
const VarDesc kVars[] = {
  {"max_strlen", Apply::Strlen, Value::Int, {}, {}},
  {"max_map_keys", Apply::MapKeys, Value::Int, {}, {}},
  {"perf_rb_pages", Apply::RbPages, Value::Int, {}, {}},
  {"max_bpf_progs", Apply::MaxProgs, Value::Int, {}, {}},
  {"stack_mode", Apply::StackMode, Value::Word, {"bpftrace", "perf", "raw"}, {}},
  {"license", Apply::License, Value::Text, {}, {}},
  {"missing_probes", Apply::Runtime, Value::Word, {"error", "warn", "ignore"}, {}},
  {"print_maps_on_exit", Apply::Runtime, Value::Bool, {}, {}},
  {"max_probes", Apply::Runtime, Value::Int, {}, {}},
  {"max_cat_bytes", Apply::Runtime, Value::Int, {}, {}},
  {"cpp_demangle", Apply::Runtime, Value::Bool, {}, {}},
  {"cache_user_symbols", Apply::Refused, Value::Word, {},
   "btc's tools cache user symbols per process and re-read the mappings of the -p/-c process"},
  {"lazy_symbolication", Apply::Refused, Value::Bool, {},
   "btc's tools always symbolize when they print"},
  {"log_size", Apply::Refused, Value::Int, {},
   "btc's tools size the verifier log themselves and print it with -v"},
  {"on_stack_limit", Apply::Refused, Value::Int, {},
   "btc decides where values live when it compiles (BPF stack or map scratch space)"},
  {"show_debug_info", Apply::Refused, Value::Bool, {},
   "btc's symbolizer reads no DWARF line information (bpftrace needs blazesym for it)"},
  {"str_trunc_trailer", Apply::Refused, Value::Text, {},
   "btc prints truncated strings as bpftrace 0.17 does, without a trailer"},
  {"unstable_tseries", Apply::Unstable, Value::Word, {"enable", "warn", "error"}, {}},
  {"unstable_typeinfo", Apply::Unstable, Value::Word, {"enable", "warn", "error"}, {}},
  {"unstable_dw_ustack", Apply::Unstable, Value::Word, {"enable", "warn", "error"}, {}},
  // Deprecated in 0.26 (the features are always on): accepted and ignored, as there.
  {"unstable_import", Apply::Ignored, Value::Word, {"enable", "warn", "error"}, {}},
  {"unstable_macro", Apply::Ignored, Value::Word, {"enable", "warn", "error"}, {}},
  {"unstable_map_decl", Apply::Ignored, Value::Word, {"enable", "warn", "error"}, {}},
};
// clang-format on

// 0.17's environment names of the same variables.
const std::pair<std::string_view, std::string_view> kOldNames[] = {
    {"strlen", "max_strlen"}, {"map_keys_max", "max_map_keys"}, {"cat_bytes_max", "max_cat_bytes"}};

std::string canonical(std::string key) {
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (key.rfind("bpftrace_", 0) == 0) key = key.substr(9);
  for (const auto& [old_name, name] : kOldNames)
    if (key == old_name) return std::string(name);
  return key;
}

const VarDesc* find(const std::string& key) {
  for (const auto& v : kVars)
    if (v.name == key) return &v;
  return nullptr;
}

constexpr std::string_view kLicenses[] = {
    "GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"};

} // namespace

ConfigBlock read_config(const std::vector<ast::ConfigItem>& items, diag::Diagnostics& diags) {
  ConfigBlock out;
  std::vector<std::string> seen;
  for (const auto& item : items) {
    std::string key = canonical(item.key);
    const VarDesc* v = find(key);
    if (!v) {
      diags.error(item.range, "unknown config variable '" + item.key + "'");
      continue;
    }
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      diags.error(item.range, "config variable '" + key + "' is set twice");
      continue;
    }
    seen.push_back(key);
    if (v->apply == Apply::Refused) {
      diags.error(item.range, "config variable '" + key + "' has no meaning for a compiled tool: " +
                                  std::string(v->refused_why));
      continue;
    }
    using K = ast::ConfigItem::Kind;
    std::string value = item.value;
    bool ok = false;
    switch (v->value) {
    case Value::Int:
      ok = item.kind == K::Int;
      break;
    case Value::Bool:
      ok = item.kind == K::Bool || (item.kind == K::Int && (value == "0" || value == "1"));
      if (ok) value = value == "true" || value == "1" ? "true" : "false";
      break;
    case Value::Word:
      ok = (item.kind == K::Ident || item.kind == K::String) && !value.empty() &&
           std::find(v->words.begin(), v->words.end(), value) != v->words.end();
      break;
    case Value::Text:
      ok = item.kind == K::String || item.kind == K::Ident;
      break;
    }
    if (!ok) {
      std::string want;
      switch (v->value) {
      case Value::Int:
        want = "an integer";
        break;
      case Value::Bool:
        want = "true or false";
        break;
      case Value::Word:
        for (auto w : v->words)
          if (!w.empty()) want += (want.empty() ? "" : ", ") + std::string(w);
        want = "one of " + want;
        break;
      case Value::Text:
        want = "a string";
        break;
      }
      diags.error(item.value_range, "config variable '" + key + "' expects " + want);
      continue;
    }
    uint64_t n = v->value == Value::Int ? std::stoull(value) : 0;
    auto u32 = [&]() -> std::optional<uint32_t> {
      if (n == 0 || n > UINT32_MAX) {
        diags.error(item.value_range, "config variable '" + key +
                                          "' must be a positive 32-bit "
                                          "integer");
        return std::nullopt;
      }
      return static_cast<uint32_t>(n);
    };
    switch (v->apply) {
    case Apply::Strlen:
      if (n > 200) {
        diags.error(item.value_range, "max_strlen " + value +
                                          " exceeds btc's maximum of 200 "
                                          "bytes (strings are built on the 512-byte BPF stack)");
        break;
      }
      out.max_strlen = u32();
      break;
    case Apply::MapKeys:
      out.max_map_keys = u32();
      break;
    case Apply::RbPages:
      out.perf_rb_pages = u32();
      break;
    case Apply::MaxProgs:
      out.max_bpf_progs = u32();
      break;
    case Apply::StackMode:
      out.stack_mode = value == "perf"  ? abi::StackMode::Perf
                       : value == "raw" ? abi::StackMode::Raw
                                        : abi::StackMode::Bpftrace;
      break;
    case Apply::License:
      if (std::find(std::begin(kLicenses), std::end(kLicenses), value) == std::end(kLicenses)) {
        diags.error(item.value_range,
                    "license '" + value +
                        "' is not one the kernel accepts for "
                        "BPF programs using GPL-only helpers (GPL, GPL v2, GPL and "
                        "additional rights, Dual BSD/GPL, Dual MIT/GPL, Dual "
                        "MPL/GPL)");
        break;
      }
      out.license = value;
      break;
    case Apply::Runtime:
      out.settings.push_back({key, value});
      break;
    case Apply::Unstable:
      out.unstable.push_back({key.substr(9), value}); // without "unstable_"
      break;
    case Apply::Ignored:
    case Apply::Refused:
      break;
    }
  }
  return out;
}

} // namespace btc::sema
