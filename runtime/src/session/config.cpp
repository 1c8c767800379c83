// config.cpp: .rodata config and positional attach points (see config.h).
//
// Example: args {"42", "hello"}, max_positional 3, strlen 64 -> num_args 2,
// int_args {42, 0, 0}, str_args {"42", "hello", ""}.
#include "session/config.h"

#include "attach/registry.h"
#include "script/positionals.h"

#include <cctype>
#include <cstdlib>
#include <cstring>

namespace btc::rt {
namespace {

bool put(std::span<uint8_t> rodata, uint32_t offset, const void* data, size_t size,
         std::string& err) {
  if (offset == abi::kNoIndex) return true;
  if (offset > rodata.size() || size > rodata.size() - offset) {
    err = "config field at offset " + std::to_string(offset) + " does not fit .rodata (" +
          std::to_string(rodata.size()) + " bytes)";
    return false;
  }
  std::memcpy(rodata.data() + offset, data, size);
  return true;
}

} // namespace

std::string config_setting(const abi::Manifest& m, std::string_view name,
                           const std::string& fallback,
                           std::initializer_list<const char*> old_env) {
  std::string env = "BPFTRACE_";
  for (char c : name) env += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (const char* v = std::getenv(env.c_str()); v && *v) return v;
  for (const char* old : old_env)
    if (const char* v = std::getenv(old); v && *v) return v;
  for (const auto& s : m.settings)
    if (s.name == name) return s.value;
  return fallback;
}

size_t config_size(const abi::Manifest& m, std::string_view name, size_t fallback,
                   std::initializer_list<const char*> old_env) {
  std::string v = config_setting(m, name, "", old_env);
  char* end = nullptr;
  unsigned long long n = v.empty() ? 0 : std::strtoull(v.c_str(), &end, 10);
  return !v.empty() && end && *end == '\0' ? static_cast<size_t>(n) : fallback;
}

std::string apply_positionals(abi::Manifest& m, const std::vector<std::string>& args) {
  ProbeProviders providers;
  std::string out;
  for (abi::ProbeDesc* p : abi::substitute_positionals(m, args))
    out += providers.of(p->spec.kind).complete_positionals(m, *p);
  return out;
}

bool write_config(const abi::Manifest& m, const std::vector<std::string>& args,
                  const ConfigValues& values, std::span<uint8_t> rodata, std::string& err) {
  const abi::ConfigLayout& c = m.config;
  if (c.size == 0) return true;
  int64_t num_args = static_cast<int64_t>(args.size());
  if (!put(rodata, c.start_ns, &values.start_ns, 8, err) ||
      !put(rodata, c.target_pid, &values.target_pid, 8, err) ||
      !put(rodata, c.child_pid, &values.child_pid, 8, err) ||
      !put(rodata, c.helper_errors, &values.helper_errors, 8, err) ||
      !put(rodata, c.no_cookies, &values.no_cookies, 8, err) ||
      !put(rodata, c.ncpus, &values.ncpus, 8, err) || !put(rodata, c.num_args, &num_args, 8, err))
    return false;
  for (size_t i = 0; i < m.named_options.size() && i < values.named_values.size(); ++i) {
    const abi::NamedOption& o = m.named_options[i];
    const std::string& v = values.named_values[i];
    if (o.kind == abi::OptionKind::String) {
      std::vector<uint8_t> buf(m.strlen, 0);
      if (m.strlen > 0) std::memcpy(buf.data(), v.data(), std::min<size_t>(v.size(), m.strlen - 1));
      if (!put(rodata, o.offset, buf.data(), buf.size(), err)) return false;
      continue;
    }
    int64_t n = o.kind == abi::OptionKind::Bool ? (v == "true" ? 1 : 0)
                                                : std::strtoll(v.c_str(), nullptr, 10);
    if (!put(rodata, o.offset, &n, 8, err)) return false;
  }
  for (uint32_t i = 0; i < m.max_positional; ++i) {
    const std::string* text = i < args.size() ? &args[i] : nullptr;
    if (c.int_args != abi::kNoIndex) {
      int64_t v = 0;
      if (text && !parse_integer(*text, v)) v = 0;
      if (!put(rodata, c.int_args + 8 * i, &v, 8, err)) return false;
    }
    if (c.str_args != abi::kNoIndex && m.strlen > 0) {
      std::vector<uint8_t> buf(m.strlen, 0);
      if (text) std::memcpy(buf.data(), text->data(), std::min<size_t>(text->size(), m.strlen - 1));
      if (!put(rodata, c.str_args + m.strlen * i, buf.data(), buf.size(), err)) return false;
    }
  }
  return true;
}

} // namespace btc::rt
