// format/value.cpp: text and JSON rendering of one manifest-typed value (see value.h).
//
// Example: type Tuple{Int 8 @0, String 4 @8, Tuple{Int @0, Int @8} @16} over the bytes of
// (1, "two", (3, 4)) renders as "(1, two, (3, 4))" in text and [1,"two",[3,4]] in JSON.
#include "output/format/value.h"

#include <algorithm>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace btc::rt {
namespace {

using abi::ValueKind;

std::span<const uint8_t> sub(std::span<const uint8_t> bytes, size_t off, size_t len) {
  if (off >= bytes.size()) return {};
  return bytes.subspan(off, std::min(len, bytes.size() - off));
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::string render_inet(std::span<const uint8_t> bytes) {
  uint64_t family = load_u64(bytes, 0);
  uint8_t addr[16] = {};
  auto raw = sub(bytes, 8, 16);
  std::memcpy(addr, raw.data(), raw.size());
  char text[INET6_ADDRSTRLEN] = {};
  if (family == AF_INET && inet_ntop(AF_INET, addr, text, sizeof text)) return text;
  if (family == AF_INET6 && inet_ntop(AF_INET6, addr, text, sizeof text)) return text;
  return "";
}

std::string render_mac(std::span<const uint8_t> bytes) {
  char text[18];
  uint8_t m[6] = {};
  std::memcpy(m, bytes.data(), std::min<size_t>(6, bytes.size()));
  std::snprintf(text, sizeof text, "%02X:%02X:%02X:%02X:%02X:%02X", m[0], m[1], m[2], m[3], m[4],
                m[5]);
  return text;
}

std::string hex_plain(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%" PRIx64, v);
  return buf;
}

// A Kstack/Ustack value {i64 stack id, u64 pid} of `type` (TypeDesc::elem: its stack map).
std::string render_stack(const RenderEnv& env, const abi::TypeDesc& type,
                         std::span<const uint8_t> bytes, int indent) {
  int64_t id = static_cast<int64_t>(load_u64(bytes, 0));
  uint64_t pid = load_u64(bytes, 8);
  if (id < 0 || type.elem >= env.manifest.stack_maps.size()) return "";
  const abi::StackMapDesc& desc = env.manifest.stack_maps[type.elem];
  return format_stack(env.resolver.stack_frames(desc, id, pid), desc.user, desc.mode, indent);
}

std::string render_integer(const abi::TypeDesc& t, std::span<const uint8_t> bytes, uint64_t div) {
  int64_t v = read_integer(t, bytes);
  if (div == 0) div = 1;
  if (t.kind == ValueKind::Int) return std::to_string(v / static_cast<int64_t>(div));
  uint64_t u = static_cast<uint64_t>(v);
  if (t.size < 8) u &= (uint64_t{1} << (8 * t.size)) - 1;
  return std::to_string(u / div);
}

// The text form of a value; JSON quoting is applied by the caller.
std::string render(const RenderEnv& env, uint32_t type, std::span<const uint8_t> bytes,
                   Style style, uint64_t div) {
  const auto& types = env.manifest.types;
  if (type >= types.size()) return "";
  const abi::TypeDesc& t = types[type];
  auto quoted = [&](std::string s) {
    return style == Style::Json ? "\"" + json_escape(s) + "\"" : s;
  };
  switch (t.kind) {
  case ValueKind::None:
    return "";
  case ValueKind::Int:
  case ValueKind::UInt:
    return render_integer(t, bytes, div);
  case ValueKind::Bool: {
    auto v = sub(bytes, 0, t.size);
    bool set = std::any_of(v.begin(), v.end(), [](uint8_t b) { return b != 0; });
    return set ? "true" : "false";
  }
  case ValueKind::String: {
    auto s = sub(bytes, 0, t.size);
    size_t n = strnlen(reinterpret_cast<const char*>(s.data()), s.size());
    return quoted(std::string(reinterpret_cast<const char*>(s.data()), n));
  }
  case ValueKind::Buffer: {
    size_t len = bytes.empty() ? 0 : bytes[0];
    len = std::min<size_t>(len, t.size > 0 ? t.size - 1 : 0);
    return quoted(format_buffer(sub(bytes, 1, len), BufferStyle::Escaped));
  }
  case ValueKind::Tuple:
  case ValueKind::Struct: {
    std::vector<std::string> parts;
    for (const auto& f : t.fields) {
      uint32_t fsize = f.type < types.size() ? types[f.type].size : 0;
      std::string v = render_value(env, f.type, sub(bytes, f.offset, fsize), style, div);
      if (t.kind == ValueKind::Tuple) parts.push_back(std::move(v));
      else if (style == Style::Json) parts.push_back("\"" + f.name + "\": " + v);
      else parts.push_back("." + f.name + " = " + v);
    }
    if (t.kind == ValueKind::Struct) return "{ " + join(parts, ", ") + " }";
    return style == Style::Json ? "[" + join(parts, ",") + "]" : "(" + join(parts, ", ") + ")";
  }
  case ValueKind::Array: {
    std::vector<std::string> parts;
    uint32_t esize = t.elem < types.size() ? types[t.elem].size : 0;
    for (uint32_t i = 0; i < t.count; ++i)
      parts.push_back(render_value(env, t.elem, sub(bytes, size_t{i} * esize, esize), style, div));
    return "[" + join(parts, ",") + "]";
  }
  case ValueKind::Ksym:
    return quoted(env.resolver.ksym(load_u64(bytes, 0)));
  case ValueKind::Usym: {
    uint64_t addr = load_u64(bytes, 0);
    return quoted(env.resolver.user_symbol(addr, load_u64(bytes, 8)).value_or(hex_address(addr)));
  }
  case ValueKind::Inet:
    return quoted(render_inet(bytes));
  case ValueKind::Username:
    return quoted(env.resolver.username(load_u64(bytes, 0)));
  case ValueKind::Probe: {
    uint64_t id = load_u64(bytes, 0);
    return quoted(id < env.probe_names.size() ? env.probe_names[id] : "");
  }
  case ValueKind::Kstack:
  case ValueKind::Ustack:
    return quoted(render_stack(env, t, bytes, 8));
  case ValueKind::Timestamp: {
    uint64_t fmt = load_u64(bytes, 0);
    uint64_t ns = load_u64(bytes, 8);
    std::string_view f;
    if (fmt < env.manifest.strings.size()) f = env.manifest.strings[fmt];
    return quoted(format_wall_time(f, static_cast<int64_t>(ns) + env.resolver.boot_to_epoch_ns()));
  }
  case ValueKind::MacAddr:
    return quoted(render_mac(bytes));
  case ValueKind::CgroupPath:
  {
    // {u64 id, u64 filter}: filter 0 = every hierarchy, else 1 + index of a glob in strings.
    uint64_t filter = t.size >= 16 ? load_u64(bytes, 8) : 0;
    std::string_view glob;
    if (filter > 0 && filter - 1 < env.manifest.strings.size())
      glob = env.manifest.strings[filter - 1];
    return quoted(env.resolver.cgroup_path(load_u64(bytes, 0), glob));
  }
  case ValueKind::Strerror:
    return quoted(std::strerror(static_cast<int>(load_u64(bytes, 0))));
  }
  return "";
}

} // namespace

uint64_t load_u64(std::span<const uint8_t> bytes, size_t offset) {
  uint64_t v = 0;
  if (offset < bytes.size())
    std::memcpy(&v, bytes.data() + offset, std::min<size_t>(8, bytes.size() - offset));
  return v;
}

int64_t read_integer(const abi::TypeDesc& type, std::span<const uint8_t> bytes) {
  uint32_t size = type.size == 0 || type.size > 8 ? 8 : type.size;
  uint64_t raw = 0;
  std::memcpy(&raw, bytes.data(), std::min<size_t>(size, bytes.size()));
  if (size == 8) return static_cast<int64_t>(raw);
  if (type.kind == ValueKind::Int) {
    unsigned shift = 64 - 8 * size;
    return static_cast<int64_t>(raw << shift) >> shift;
  }
  return static_cast<int64_t>(raw);
}

bool is_string_like(ValueKind kind) {
  switch (kind) {
  case ValueKind::String:
  case ValueKind::Buffer:
  case ValueKind::Ksym:
  case ValueKind::Usym:
  case ValueKind::Inet:
  case ValueKind::Username:
  case ValueKind::Probe:
  case ValueKind::Kstack:
  case ValueKind::Ustack:
  case ValueKind::Timestamp:
  case ValueKind::MacAddr:
  case ValueKind::CgroupPath:
  case ValueKind::Strerror:
    return true;
  case ValueKind::None:
  case ValueKind::Int:
  case ValueKind::UInt:
  case ValueKind::Bool:
  case ValueKind::Tuple:
  case ValueKind::Struct:
  case ValueKind::Array:
    return false;
  }
  return false;
}

std::string render_value(const RenderEnv& env, uint32_t type, std::span<const uint8_t> bytes,
                         Style style, uint64_t div) {
  return render(env, type, bytes, style, div);
}

std::vector<std::string> render_key_parts(const RenderEnv& env, const abi::MapDesc& map,
                                          std::span<const uint8_t> key) {
  std::vector<std::string> parts;
  const auto& types = env.manifest.types;
  for (const auto& k : map.keys) {
    uint32_t size = k.type < types.size() ? types[k.type].size : 0;
    bool stack = size > 0 && (types[k.type].kind == ValueKind::Kstack ||
                              types[k.type].kind == ValueKind::Ustack);
    if (stack) // frames on their own lines, indented 4 (spec 8.4)
      parts.push_back(render_stack(env, types[k.type], sub(key, k.offset, size), 4));
    else
      parts.push_back(render_value(env, k.type, sub(key, k.offset, size), Style::Text));
  }
  return parts;
}

std::string render_key(const RenderEnv& env, const abi::MapDesc& map, std::span<const uint8_t> key,
                       Style style) {
  if (map.keys.empty()) return "";
  std::vector<std::string> parts = render_key_parts(env, map, key);
  if (style == Style::Json) return "\"" + json_escape(join(parts, ",")) + "\"";
  return "[" + join(parts, ", ") + "]";
}

std::string format_stack(const std::vector<StackFrame>& frames, bool user, abi::StackMode mode,
                         int indent) {
  if (frames.empty()) return "";
  std::string out = "\n";
  std::string pad(static_cast<size_t>(indent), ' ');
  for (const auto& f : frames) {
    std::string sym = f.found ? f.name + "+" + std::to_string(f.offset) : "";
    switch (mode) {
    case abi::StackMode::Bpftrace:
      out += pad + (f.found ? sym : hex_address(f.ip)) + "\n";
      break;
    case abi::StackMode::Perf:
      out += "\t" + hex_plain(f.ip) + " " + (f.found ? sym : hex_address(f.ip));
      if (user) out += " (" + (f.found && !f.module.empty() ? f.module : "[unknown]") + ")";
      out += "\n";
      break;
    case abi::StackMode::Raw:
      out += hex_plain(f.ip) + "\n";
      break;
    }
  }
  return out;
}

std::string format_buffer(std::span<const uint8_t> data, BufferStyle style) {
  std::string out;
  char hex[8];
  for (size_t i = 0; i < data.size(); ++i) {
    uint8_t c = data[i];
    switch (style) {
    case BufferStyle::Escaped:
      if (c >= 32 && c <= 126) {
        out += static_cast<char>(c);
        continue;
      }
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      break;
    case BufferStyle::Hex:
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      break;
    case BufferStyle::HexSpaced:
      std::snprintf(hex, sizeof hex, i ? " %02x" : "%02x", c);
      break;
    }
    out += hex;
  }
  return out;
}

std::string format_wall_time(std::string_view fmt, int64_t epoch_ns) {
  time_t secs = static_cast<time_t>(epoch_ns / 1000000000);
  int64_t rem = epoch_ns % 1000000000;
  if (rem < 0) {
    rem += 1000000000;
    --secs;
  }
  char usecs[8];
  std::snprintf(usecs, sizeof usecs, "%06" PRId64, rem / 1000);
  std::string f;
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] == '%' && i + 1 < fmt.size()) {
      if (fmt[i + 1] == 'f') f += usecs;
      else f.append(fmt.substr(i, 2));
      ++i;
    } else {
      f += fmt[i];
    }
  }
  if (f.empty()) return "";
  struct tm tm_local {};
  localtime_r(&secs, &tm_local);
  std::vector<char> buf(256 + f.size() * 4);
  size_t n = strftime(buf.data(), buf.size(), f.c_str(), &tm_local);
  return std::string(buf.data(), n);
}

std::string hex_address(uint64_t addr) {
  if (addr == 0) return "0";
  char text[24];
  std::snprintf(text, sizeof text, "0x%" PRIx64, addr);
  return text;
}

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  for (char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      if (static_cast<unsigned char>(c) <= 0x1f) {
        char esc[8];
        std::snprintf(esc, sizeof esc, "\\u%04x", c);
        out += esc;
      } else {
        out += c;
      }
    }
  }
  return out;
}

} // namespace btc::rt
