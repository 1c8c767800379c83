// metrics/exposition.cpp: maps as metric families (see exposition.h).
#include "metrics/exposition.h"

#include "output/format/value.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace btc::rt::metrics {
namespace {

using abi::MapKind;

bool name_char(char c, bool first) {
  bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  return alpha || (!first && c >= '0' && c <= '9');
}

bool valid_label_name(std::string_view n) {
  return valid_metric_name(n) && n.find(':') == std::string_view::npos && !n.starts_with("__");
}

const char* type_word(MetricType t) {
  switch (t) {
  case MetricType::Counter:
    return "counter";
  case MetricType::Gauge:
    return "gauge";
  case MetricType::Histogram:
    return "histogram";
  case MetricType::Summary:
    return "summary";
  case MetricType::Info:
    return "info";
  }
  return "untyped";
}

std::string escape_help(std::string_view s, bool quotes) {
  std::string out;
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '"' && quotes)
      out += "\\\"";
    else
      out += c;
  }
  return out;
}

// Length of the valid UTF-8 sequence starting at s[i], 0 if there is none.
size_t utf8_length(std::string_view s, size_t i) {
  auto b = static_cast<unsigned char>(s[i]);
  size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  uint32_t cp = n == 1 ? b : b & (0x7f >> n);
  for (size_t k = 1; k < n; ++k) {
    auto c = static_cast<unsigned char>(s[i + k]);
    if ((c >> 6) != 2) return 0;
    cp = cp << 6 | (c & 0x3f);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

std::string aggregation_text(const abi::MapDesc& map) {
  switch (map.kind) {
  case MapKind::Plain:
    return "an integer";
  case MapKind::Count:
    return "count()";
  case MapKind::Sum:
    return "sum()";
  case MapKind::Min:
    return "min()";
  case MapKind::Max:
    return "max()";
  case MapKind::Avg:
    return "avg()";
  case MapKind::Stats:
    return "stats()";
  case MapKind::Hist:
    return "hist()";
  case MapKind::Lhist:
    return "lhist(" + std::to_string(map.lhist_min) + ", " + std::to_string(map.lhist_max) + ", " +
           std::to_string(map.lhist_step) + ")";
  case MapKind::Tseries:
    return "tseries()";
  }
  return "?";
}

// Label names: the compiler's (builtin or record field) when usable, else key, key1, ...
std::vector<std::string> label_names(const abi::MapDesc& map, std::string_view reserved) {
  std::set<std::string> taken;
  std::vector<std::string> out(map.keys.size());
  for (size_t i = 0; i < map.keys.size(); ++i) {
    const std::string& n = map.keys[i].name;
    if (valid_label_name(n) && n != reserved && taken.insert(n).second) out[i] = n;
  }
  size_t next = 0;
  for (auto& n : out) {
    while (n.empty()) {
      std::string candidate = next == 0 ? "key" : "key" + std::to_string(next);
      ++next;
      if (taken.insert(candidate).second) n = candidate;
    }
  }
  return out;
}

// Why a Plain map's values cannot be a metric ("" when they can).
std::string plain_skip_reason(const abi::Manifest& m, const abi::MapDesc& map) {
  if (map.value_type >= m.types.size()) return "its values have no type";
  switch (m.types[map.value_type].kind) {
  case abi::ValueKind::Int:
  case abi::ValueKind::UInt:
  case abi::ValueKind::Bool:
    return "";
  case abi::ValueKind::String:
  case abi::ValueKind::Buffer:
    return "its values are strings";
  case abi::ValueKind::Kstack:
  case abi::ValueKind::Ustack:
    return "its values are stacks";
  case abi::ValueKind::Tuple:
    return "its values are tuples";
  case abi::ValueKind::Struct:
    return "its values are structs";
  case abi::ValueKind::None:
  case abi::ValueKind::Array:
  case abi::ValueKind::Ksym:
  case abi::ValueKind::Usym:
  case abi::ValueKind::Inet:
  case abi::ValueKind::Username:
  case abi::ValueKind::Probe:
  case abi::ValueKind::Timestamp:
  case abi::ValueKind::MacAddr:
  case abi::ValueKind::CgroupPath:
  case abi::ValueKind::Strerror:
    return "its values are not numbers";
  }
  return "its values are not numbers";
}

std::vector<std::optional<int64_t>> histogram_bounds(const abi::MapDesc& map) {
  std::vector<std::optional<int64_t>> b;
  if (map.kind == MapKind::Hist) {
    // Buckets: negative, 0, 1, [2, 4), ... [2^31, 2^32); 0.17's log2 stops at 32 bits, so the
    // last one also holds every larger value and only counts towards +Inf.
    b.resize(abi::kHistBuckets);
    b[0] = -1;
    b[1] = 0;
    for (size_t i = 2; i < 33; ++i) b[i] = (int64_t{1} << (i - 1)) - 1;
    return b;
  }
  size_t n = abi::lhist_buckets(map);
  b.resize(n);
  b[0] = map.lhist_min - 1; // under range
  for (size_t i = 1; i + 1 < n; ++i)
    b[i] = std::min(map.lhist_min + static_cast<int64_t>(i) * map.lhist_step, map.lhist_max) - 1;
  return b; // the over-range bucket: +Inf only
}

std::string int_text(int64_t v, bool is_signed) {
  return is_signed ? std::to_string(v) : std::to_string(static_cast<uint64_t>(v));
}

std::vector<Label> labels_of(const MapPlan& plan, const LabelledEntry& e) {
  std::vector<Label> out;
  for (size_t i = 0; i < plan.labels.size() && i < e.key_values.size(); ++i)
    out.push_back({plan.labels[i], e.key_values[i]});
  return out;
}

void write_histogram(Writer& w, const MapPlan& plan, std::span<const LabelledEntry> entries,
                     HistogramExtent& extent) {
  for (const auto& e : entries) {
    const auto& buckets = e.entry->buckets;
    for (size_t i = 0; i < buckets.size() && i < plan.bounds.size(); ++i)
      if (buckets[i] != 0 && plan.bounds[i]) extent.top = std::max(extent.top, i);
    if (!buckets.empty() && buckets[0] != 0) extent.low_seen = true;
  }
  bool low_negative = !plan.bounds.empty() && plan.bounds[0] && *plan.bounds[0] < 0;
  size_t first = low_negative && !extent.low_seen ? 1 : 0;
  // OpenMetrics: a histogram with a negative bucket bound has no _sum (it is no counter).
  bool with_sum = w.format() == Format::Text004 || !(low_negative && first == 0);
  for (const auto& e : entries) {
    std::vector<Label> labels = labels_of(plan, e);
    const auto& buckets = e.entry->buckets;
    uint64_t cumulative = 0, total = 0;
    for (uint64_t c : buckets) total += c;
    for (size_t i = 0; i < buckets.size() && i < plan.bounds.size(); ++i) {
      cumulative += buckets[i];
      if (i < first || i > extent.top || !plan.bounds[i]) continue;
      Label le{"le", std::to_string(*plan.bounds[i])};
      w.sample("_bucket", labels, std::to_string(cumulative), &le);
    }
    Label inf{"le", "+Inf"};
    w.sample("_bucket", labels, std::to_string(total), &inf);
    w.sample("_count", labels, std::to_string(total));
    if (with_sum) w.sample("_sum", labels, std::to_string(e.entry->sum));
  }
}

} // namespace

std::string_view content_type(Format format) {
  switch (format) {
  case Format::Text004:
    return "text/plain; version=0.0.4; charset=utf-8";
  case Format::OpenMetrics:
    return "application/openmetrics-text; version=1.0.0; charset=utf-8";
  }
  return "text/plain";
}

bool wants_openmetrics(std::string_view accept) {
  return accept.find("application/openmetrics-text") != std::string_view::npos;
}

bool valid_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i)
    if (!name_char(name[i], i == 0)) return false;
  return true;
}

std::string sanitize_name(std::string_view name) {
  std::string out;
  for (char c : name) out += name_char(c, false) ? c : '_';
  if (out.empty() || !name_char(out[0], true)) out.insert(out.begin(), '_');
  return out;
}

std::string map_family_name(std::string_view prefix, std::string_view map_name) {
  std::string_view bare = map_name.starts_with('@') ? map_name.substr(1) : map_name;
  return std::string(prefix) + "_" + (bare.empty() ? std::string("map") : sanitize_name(bare));
}

std::string escape_label_value(std::string_view value) {
  std::string out;
  for (size_t i = 0; i < value.size();) {
    size_t n = utf8_length(value, i);
    if (n == 0) {
      out += "\xef\xbf\xbd"; // U+FFFD
      ++i;
      continue;
    }
    char c = value[i];
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out.append(value.substr(i, n));
    i += n;
  }
  return out;
}

std::string number_text(double value) {
  if (value != value) return "NaN";
  if (value > 1.7976931348623157e308) return "+Inf";
  if (value < -1.7976931348623157e308) return "-Inf";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", value);
  return buf;
}

std::vector<std::string> family_names(const std::string& f, MetricType type) {
  switch (type) {
  case MetricType::Counter:
    return {f, f + "_total"};
  case MetricType::Gauge:
    return {f};
  case MetricType::Histogram:
    return {f, f + "_bucket", f + "_count", f + "_sum"};
  case MetricType::Summary:
    return {f, f + "_count", f + "_sum"};
  case MetricType::Info:
    return {f, f + "_info"};
  }
  return {f};
}

void Writer::family(std::string_view name, MetricType type, std::string_view help) {
  family_ = std::string(name);
  type_ = type;
  if (format_ == Format::OpenMetrics) {
    out_ += "# TYPE " + family_ + " " + type_word(type) + "\n";
    out_ += "# HELP " + family_ + " " + escape_help(help, true) + "\n";
    return;
  }
  std::string shown = family_ + (type == MetricType::Counter ? "_total"
                                 : type == MetricType::Info  ? "_info"
                                                             : "");
  out_ += "# HELP " + shown + " " + escape_help(help, false) + "\n";
  out_ += "# TYPE " + shown + " " + (type == MetricType::Info ? "gauge" : type_word(type)) + "\n";
}

void Writer::sample(std::string_view suffix, std::span<const Label> labels, std::string_view value,
                    const Label* extra) {
  out_ += family_;
  out_ += type_ == MetricType::Counter ? "_total" : type_ == MetricType::Info ? "_info" : suffix;
  if (!labels.empty() || extra) {
    out_ += '{';
    bool first = true;
    auto add = [&](const Label& l) {
      if (!first) out_ += ',';
      first = false;
      out_ += l.name + "=\"" + escape_label_value(l.value) + "\"";
    };
    for (const auto& l : labels) add(l);
    if (extra) add(*extra);
    out_ += '}';
  }
  out_ += ' ';
  out_ += value;
  out_ += '\n';
}

std::string Writer::finish() {
  if (format_ == Format::OpenMetrics) out_ += "# EOF\n";
  return std::move(out_);
}

MapPlan plan_map(const abi::Manifest& m, const abi::MapDesc& map, std::string_view prefix) {
  MapPlan plan;
  plan.family = map_family_name(prefix, map.name);
  switch (map.kind) {
  case MapKind::Plain:
    plan.skipped = plain_skip_reason(m, map);
    plan.type = MetricType::Gauge;
    break;
  case MapKind::Count:
    plan.type = MetricType::Counter;
    break;
  case MapKind::Sum:
  case MapKind::Min:
  case MapKind::Max:
  case MapKind::Avg:
    plan.type = MetricType::Gauge;
    break;
  case MapKind::Stats:
    plan.type = MetricType::Summary;
    break;
  case MapKind::Hist:
  case MapKind::Lhist:
    plan.type = MetricType::Histogram;
    plan.bounds = histogram_bounds(map);
    break;
  case MapKind::Tseries:
    plan.skipped = "tseries() values are series of their own";
    break;
  }
  for (const auto& k : map.keys) {
    abi::ValueKind kind = k.type < m.types.size() ? m.types[k.type].kind : abi::ValueKind::None;
    if (kind == abi::ValueKind::Kstack || kind == abi::ValueKind::Ustack)
      plan.skipped = "its keys are stacks";
  }
  plan.labels = label_names(map, plan.type == MetricType::Histogram ? "le"
                                 : plan.type == MetricType::Summary ? "quantile"
                                                                    : "");
  std::string keys;
  for (const auto& l : plan.labels) keys += (keys.empty() ? "" : ", ") + l;
  plan.help = map.name + (keys.empty() ? "" : "[" + keys + "]") + " = " + aggregation_text(map);
  return plan;
}

void write_map(Writer& w, const abi::Manifest& m, const abi::MapDesc& map, const MapPlan& plan,
               std::span<const LabelledEntry> entries, HistogramExtent& extent) {
  if (!plan.skipped.empty()) return;
  w.family(plan.family, plan.type, plan.help);
  for (const auto& e : entries) {
    const MapEntry& v = *e.entry;
    std::vector<Label> labels = labels_of(plan, e);
    switch (map.kind) {
    case MapKind::Plain: {
      const abi::TypeDesc& t = m.types[map.value_type];
      w.sample("", labels, int_text(read_integer(t, v.value), t.kind == abi::ValueKind::Int));
      break;
    }
    case MapKind::Count:
      w.sample("", labels, int_text(v.number, false));
      break;
    case MapKind::Sum:
    case MapKind::Min:
    case MapKind::Max:
      w.sample("", labels, int_text(v.number, map.value_signed));
      break;
    case MapKind::Avg:
      if (v.count != 0)
        w.sample("", labels,
                 number_text(static_cast<double>(v.total) / static_cast<double>(v.count)));
      break;
    case MapKind::Stats:
      w.sample("_count", labels, std::to_string(v.count));
      w.sample("_sum", labels, std::to_string(v.total));
      break;
    case MapKind::Hist:
    case MapKind::Lhist:
    case MapKind::Tseries:
      break;
    }
  }
  if (plan.type == MetricType::Histogram) write_histogram(w, plan, entries, extent);
  if (map.kind == MapKind::Stats) { // the average beside the summary's count and sum
    w.family(plan.family + "_avg", MetricType::Gauge, plan.help + ": the average");
    for (const auto& e : entries)
      if (e.entry->count != 0)
        w.sample(
            "", labels_of(plan, e),
            number_text(static_cast<double>(e.entry->total) / static_cast<double>(e.entry->count)));
  }
}

} // namespace btc::rt::metrics
