// output.cpp: TextOutput and JsonOutput, and map printing through them (see output.h).
//
// Map text rules (0.17): "@name[k1, k2]: V" per entry, entries joined by "\n", then "\n"; so
// an empty map prints an empty line. Histograms print "@h: " (trailing space) then the
// bucket lines, which leaves an empty line after each histogram. avg/stats maps print one
// extra "\n". JSON skips empty maps; keyed maps become objects keyed by "k1,k2".
#include "output/output.h"

#include "output/format/histogram.h"
#include "output/format/tseries.h"
#include "script/diag.h"

#include <cstdio>
#include <cstring>

namespace btc::rt {
namespace {

using abi::MapKind;

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::string number_text(const abi::MapDesc& map, int64_t v, uint64_t div) {
  bool is_signed = map.kind != MapKind::Count && map.value_signed;
  if (is_signed) return std::to_string(v / static_cast<int64_t>(div));
  return std::to_string(static_cast<uint64_t>(v) / div);
}

int64_t average(const MapEntry& e) { return e.count ? e.total / e.count : 0; }

// The last interval any key of a tseries map wrote: every key's graph ends there.
uint64_t last_epoch(std::span<const MapEntry> entries) {
  uint64_t last = 0;
  for (const auto& e : entries)
    if (!e.series.empty()) last = std::max(last, e.series.back().first);
  return last;
}

// The value part of one entry, shared by both formats where they agree. `last` is the map's
// last_epoch() (tseries only).
std::string entry_value(const RenderEnv& env, const abi::MapDesc& map, const MapEntry& e,
                        uint64_t div, Style style, uint64_t last) {
  switch (map.kind) {
  case MapKind::Plain:
    return render_value(env, map.value_type, e.value, style, div);
  case MapKind::Count:
  case MapKind::Sum:
  case MapKind::Min:
  case MapKind::Max:
    return number_text(map, e.number, div);
  case MapKind::Avg:
    return std::to_string(average(e) / static_cast<int64_t>(div));
  case MapKind::Stats:
    if (style == Style::Json)
      return "{\"count\": " + std::to_string(e.count) + ", \"average\": " +
             std::to_string(average(e)) + ", \"total\": " + std::to_string(e.total) + "}";
    return "count " + std::to_string(e.count) + ", average " + std::to_string(average(e)) +
           ", total " + std::to_string(e.total);
  case MapKind::Hist:
    return style == Style::Json ? hist_json(e.buckets, div) : hist_text(e.buckets, div);
  case MapKind::Lhist:
    return style == Style::Json
               ? lhist_json(e.buckets, map.lhist_min, map.lhist_max, map.lhist_step)
               : lhist_text(e.buckets, map.lhist_min, map.lhist_max, map.lhist_step);
  case MapKind::Tseries: {
    auto rows = series_rows(e.series, last, map.tseries_intervals);
    return style == Style::Json ? tseries_json(rows, map, tai_offset_ns())
                                : tseries_text(rows, map, tai_offset_ns());
  }
  }
  return "";
}

bool is_histogram(const abi::MapDesc& map) {
  return map.kind == MapKind::Hist || map.kind == MapKind::Lhist;
}

class TextOutput final : public Output {
public:
  using Output::Output;

  void attached_probes(uint64_t count) override {
    sink_.write("Attaching " + std::to_string(count) + (count == 1 ? " probe...\n" : " probes...\n"));
  }

  void message(MessageKind kind, std::string_view text) override {
    sink_.write(text);
    if (kind == MessageKind::Join || kind == MessageKind::LostEvents) sink_.write("\n");
  }

  void value(uint32_t type, std::span<const uint8_t> bytes) override {
    sink_.write(render_value(env_, type, bytes, Style::Text) + "\n");
  }

  void map(const abi::MapDesc& map, std::span<const MapEntry> entries, uint64_t div) override {
    std::vector<std::string> elems;
    uint64_t last = last_epoch(entries);
    for (const auto& e : entries) {
      std::string text = map.name + render_key(env_, map, e.key, Style::Text);
      // 0.17: "@h: " then the bucket lines; 0.26's tseries: "@t:" then the graph.
      text += map.kind == MapKind::Tseries ? ":\n" : is_histogram(map) ? ": \n" : ": ";
      elems.push_back(text + entry_value(env_, map, e, div, Style::Text, last));
    }
    // 0.17 joins ksym/usym/inet/stack valued entries with "" (they run together on one line);
    // btc deliberately prints one entry per line (docs/compat.md).
    std::string out = join(elems, "\n") + "\n";
    if (map.kind == MapKind::Avg || map.kind == MapKind::Stats) out += "\n";
    sink_.write(out);
  }

  void helper_error(std::string_view helper, int64_t retcode, uint32_t line, uint32_t col_begin,
                    uint32_t col_end) override {
    std::string msg = "Failed to " + std::string(helper) + ": ";
    if (retcode < 0)
      msg += std::string(std::strerror(static_cast<int>(-retcode))) + " (" +
             std::to_string(retcode) + ")";
    else
      msg += std::to_string(retcode);
    sink_.write(located_message(env_.manifest, line, col_begin, col_end, "WARNING", msg));
  }

  void lost_events(uint64_t count) override {
    sink_.write("Lost " + std::to_string(count) + " events\n");
  }
};

const char* message_type(MessageKind kind) {
  switch (kind) {
  case MessageKind::Printf: return "printf";
  case MessageKind::Time: return "time";
  case MessageKind::Cat: return "cat";
  case MessageKind::Syscall: return "syscall";
  case MessageKind::Join: return "join";
  case MessageKind::LostEvents: return "lost_events";
  }
  return "printf";
}

const char* map_type(const abi::MapDesc& map) {
  switch (map.kind) {
  case MapKind::Hist:
  case MapKind::Lhist:
    return "hist";
  case MapKind::Avg:
  case MapKind::Stats:
    return "stats";
  case MapKind::Tseries:
    return "tseries";
  case MapKind::Plain:
  case MapKind::Count:
  case MapKind::Sum:
  case MapKind::Min:
  case MapKind::Max:
    return "map";
  }
  return "map";
}

class JsonOutput final : public Output {
public:
  using Output::Output;

  void attached_probes(uint64_t count) override {
    sink_.write("{\"type\": \"attached_probes\", \"data\": {\"probes\": " + std::to_string(count) +
                "}}\n");
  }

  void message(MessageKind kind, std::string_view text) override {
    sink_.write(std::string("{\"type\": \"") + message_type(kind) + "\", \"data\": \"" +
                json_escape(text) + "\"}\n");
  }

  void value(uint32_t type, std::span<const uint8_t> bytes) override {
    sink_.write("{\"type\": \"value\", \"data\": " + render_value(env_, type, bytes, Style::Json) +
                "}\n");
  }

  void map(const abi::MapDesc& map, std::span<const MapEntry> entries, uint64_t div) override {
    if (entries.empty()) return;
    std::vector<std::string> elems;
    for (const auto& e : entries) {
      std::string key = render_key(env_, map, e.key, Style::Json);
      std::string val = entry_value(env_, map, e, div, Style::Json, last_epoch(entries));
      elems.push_back(key.empty() ? val : key + ": " + val);
    }
    bool keyed = !map.keys.empty();
    sink_.write(std::string("{\"type\": \"") + map_type(map) + "\", \"data\": {\"" +
                json_escape(map.name) + "\": " + (keyed ? "{" : "") + join(elems, ", ") +
                (keyed ? "}" : "") + "}}\n");
  }

  void helper_error(std::string_view helper, int64_t retcode, uint32_t line, uint32_t col_begin,
                    uint32_t) override {
    sink_.write("{\"type\": \"helper_error\", \"helper\": \"" + json_escape(helper) +
                "\", \"retcode\": " + std::to_string(retcode) + ", \"line\": " +
                std::to_string(line) + ", \"col\": " + std::to_string(col_begin) + "}\n");
  }

  void lost_events(uint64_t count) override {
    sink_.write("{\"type\": \"lost_events\", \"data\": {\"events\": " + std::to_string(count) +
                "}}\n");
  }
};

} // namespace

std::unique_ptr<Output> make_output(OutputFormat format, Sink& sink, const RenderEnv& env) {
  switch (format) {
  case OutputFormat::Text:
    return std::make_unique<TextOutput>(sink, env);
  case OutputFormat::Json:
    return std::make_unique<JsonOutput>(sink, env);
  }
  return nullptr;
}

void print_map(Output& out, MapStore& store, const abi::Manifest& m, const abi::MapDesc& map,
               uint64_t top, uint64_t div) {
  std::vector<RawEntry> raw;
  std::string err;
  if (!store.read(map, raw, err)) {
    std::fprintf(stderr, "ERROR: failed to read map %s: %s\n", map.name.c_str(), err.c_str());
    return;
  }
  uint32_t slots = store.slots(map);
  std::vector<MapEntry> entries;
  entries.reserve(raw.size());
  for (auto& r : raw) entries.push_back(reduce_entry(map, std::move(r), slots));
  sort_entries(m, map, entries);
  keep_top(map, entries, top);
  out.map(map, entries, div == 0 ? 1 : div);
}

void print_all_maps(Output& out, MapStore& store, const abi::Manifest& m) {
  for (const auto& map : m.maps) print_map(out, store, m, map, 0, 1);
}

} // namespace btc::rt
