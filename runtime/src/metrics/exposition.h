// metrics/exposition.h: the script's maps as Prometheus metric families, written in the text
// exposition format 0.0.4 or in OpenMetrics 1.0 text.
//
// Input: the manifest's MapDesc, the map's entries reduced over CPUs (maps.h) with their key
// components already rendered as text. Output: exposition text. Pure: no kernel, no clock.
// Example: `@opens[comm] = count()` in a tool whose prefix is "opensnoop" becomes, in 0.0.4,
//   # HELP opensnoop_opens_total @opens[comm] = count()
//   # TYPE opensnoop_opens_total counter
//   opensnoop_opens_total{comm="bash"} 12
// and `@us = hist(x)` a histogram with cumulative buckets at its power-of-two boundaries,
// written as integers' inclusive upper bounds (le="0", "1", "3", "7", ...), +Inf, _count and
// the exact _sum the BPF program keeps beside the buckets.
#pragma once

#include "btc/abi.h"
#include "output/maps.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace btc::rt::metrics {

enum class Format { Text004, OpenMetrics };
enum class MetricType { Counter, Gauge, Histogram, Summary, Info };

// The Content-Type of a response in `format`.
std::string_view content_type(Format format);
// Whether an HTTP Accept header asks for OpenMetrics (as Prometheus's scrapes do).
bool wants_openmetrics(std::string_view accept);

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool valid_metric_name(std::string_view name);
// A tool's name as a metric prefix: other characters become '_' ("btc-opensnoop" ->
// "btc_opensnoop"), a leading digit gets a '_' before it.
std::string sanitize_name(std::string_view name);
// The family of map `map_name` ("@x" -> PREFIX_x; the anonymous map "@" -> PREFIX_map).
std::string map_family_name(std::string_view prefix, std::string_view map_name);
// A label value as the formats require: \ " and newline escaped, invalid UTF-8 replaced by
// U+FFFD (Prometheus rejects a scrape holding invalid UTF-8).
std::string escape_label_value(std::string_view value);

// The family's name and every sample name it may write (a counter: F, F_total; a histogram:
// F, F_bucket, F_count, F_sum; ...): what two families must not share.
std::vector<std::string> family_names(const std::string& family, MetricType type);

struct Label {
  std::string name, value;
};

// Writes families one after the other; finish() adds OpenMetrics' "# EOF".
class Writer {
public:
  explicit Writer(Format format) : format_(format) {}
  // Starts family `name` (without _total / _info).
  void family(std::string_view name, MetricType type, std::string_view help);
  // One sample of the current family: `suffix` is "", "_bucket", "_count", "_sum"...
  // (counters and infos get theirs from the writer); `extra` is appended to the labels.
  void sample(std::string_view suffix, std::span<const Label> labels, std::string_view value,
              const Label* extra = nullptr);
  std::string finish();
  Format format() const { return format_; }
  std::string& text() { return out_; }

private:
  Format format_;
  std::string family_;
  MetricType type_ = MetricType::Gauge;
  std::string out_;
};

// How one map is exported: its family, metric type, label names and (histograms) bucket
// bounds; or why it is not.
struct MapPlan {
  std::string family;
  MetricType type = MetricType::Gauge;
  std::vector<std::string> labels; // one per key component
  std::string help;
  std::string skipped; // non-empty: not exported, and why ("values are strings")
  // Histograms: the inclusive upper bound of bucket i (integers), nullopt where a bucket
  // only counts towards +Inf (hist's top bucket also holds everything above 2^32; lhist's
  // over-range bucket).
  std::vector<std::optional<int64_t>> bounds;
};
MapPlan plan_map(const abi::Manifest& m, const abi::MapDesc& map, std::string_view prefix);

// What the exporter remembers of a histogram between scrapes, so that a series' bucket set
// only grows: the highest bucket ever non-zero and whether the lowest one ever was.
struct HistogramExtent {
  size_t top = 0;
  bool low_seen = false;
};

// One map entry with its key components rendered as label values (in key order).
struct LabelledEntry {
  std::vector<std::string> key_values;
  const MapEntry* entry = nullptr;
};

// The samples of one exported map; `extent` is updated (histograms).
void write_map(Writer& w, const abi::Manifest& m, const abi::MapDesc& map, const MapPlan& plan,
               std::span<const LabelledEntry> entries, HistogramExtent& extent);

// A number as the formats write it: integers exactly, other values with 17 digits.
std::string number_text(double value);

} // namespace btc::rt::metrics
