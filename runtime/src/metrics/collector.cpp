// metrics/collector.cpp: one scrape of the running tool (see collector.h).
#include "metrics/collector.h"

#include "host/text_file.h"
#include "output/events.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <map>
#include <set>

namespace btc::rt::metrics {
namespace {

constexpr const char* kEventsLost = "btc_events_lost";
constexpr const char* kMapFull = "btc_map_full_drops";
constexpr const char* kHelperErrors = "btc_helper_errors";
constexpr const char* kProgramRuns = "btc_program_runs";
constexpr const char* kProgramSeconds = "btc_program_run_seconds";
constexpr const char* kStartTime = "process_start_time_seconds";
constexpr const char* kBuild = "btc_build";

bool bpf_stats_enabled() {
  std::string v = read_text_file("/proc/sys/kernel/bpf_stats_enabled");
  return !v.empty() && v[0] == '1';
}

} // namespace

Collector::Collector(const CollectorInput& in)
    : m_(in.manifest), obj_(in.obj), counters_(in.counters), lost_events_(in.lost_events),
      start_time_(in.start_time), store_(in.obj), env_{in.manifest, probe_names_, resolver_} {
  for (const auto& p : m_.probes) probe_names_.push_back(p.spec.text);
  stacks_.set_object(in.obj);
  for (const auto& map : m_.maps) plans_.push_back(plan_map(m_, map, in.prefix));
  extents_.resize(m_.maps.size());
}

std::string Collector::check_names() const {
  // Sample names each family writes, which must not meet another family's.
  std::map<std::string, std::string> owner;
  auto claim = [&](const std::string& name, const std::string& who) -> std::string {
    auto [it, fresh] = owner.emplace(name, who);
    if (fresh || it->second == who) return "";
    return "the metric name " + name + " would be used by both " + it->second + " and " + who;
  };
  auto family = [&](const std::string& f, MetricType type, const std::string& who) {
    for (const auto& n : family_names(f, type))
      if (std::string clash = claim(n, who); !clash.empty()) return clash;
    return std::string();
  };
  std::vector<std::pair<std::string, MetricType>> self = {{kEventsLost, MetricType::Counter},
                                                          {kMapFull, MetricType::Counter},
                                                          {kHelperErrors, MetricType::Counter},
                                                          {kProgramRuns, MetricType::Counter},
                                                          {kProgramSeconds, MetricType::Counter},
                                                          {kStartTime, MetricType::Gauge},
                                                          {kBuild, MetricType::Info}};
  for (const auto& [name, type] : self)
    if (std::string clash = family(name, type, "the tool's own " + name); !clash.empty())
      return clash;
  for (size_t i = 0; i < plans_.size(); ++i) {
    const MapPlan& p = plans_[i];
    if (!p.skipped.empty()) continue;
    std::string who = "map " + m_.maps[i].name;
    if (std::string clash = family(p.family, p.type, who); !clash.empty()) return clash;
    if (p.type == MetricType::Summary)
      if (std::string clash = family(p.family + "_avg", MetricType::Gauge, who); !clash.empty())
        return clash;
  }
  return "";
}

std::string Collector::scrape(Format format) {
  std::lock_guard<std::mutex> lock(mutex_);
  Writer w(format);
  write_maps(w);
  write_self(w);
  return w.finish();
}

void Collector::write_maps(Writer& w) {
  for (size_t i = 0; i < m_.maps.size(); ++i) {
    const abi::MapDesc& map = m_.maps[i];
    if (!plans_[i].skipped.empty()) continue;
    std::vector<RawEntry> raw;
    std::string err;
    if (!store_.read(map, raw, err)) continue; // the family is left out of this scrape
    uint32_t slots = store_.slots(map);
    std::vector<MapEntry> entries;
    entries.reserve(raw.size());
    for (auto& r : raw) entries.push_back(reduce_entry(map, std::move(r), slots));
    std::vector<LabelledEntry> labelled(entries.size());
    for (size_t e = 0; e < entries.size(); ++e)
      labelled[e] = {render_key_parts(env_, map, entries[e].key), &entries[e]};
    write_map(w, m_, map, plans_[i], labelled, extents_[i]);
  }
}

void Collector::write_self(Writer& w) {
  w.family(kEventsLost, MetricType::Counter,
           "Events the BPF programs could not queue because the ring buffer was full");
  uint64_t lost = lost_events_ ? __atomic_load_n(lost_events_, __ATOMIC_RELAXED) : 0;
  w.sample("", {}, std::to_string(lost));
  if (counters_) {
    w.family(kMapFull, MetricType::Counter, "New keys dropped because the map was full");
    for (size_t i = 0; i < m_.maps.size() && i < counters_->map_full_drops.size(); ++i) {
      Label l{"map", m_.maps[i].name};
      w.sample("", std::span(&l, 1),
               std::to_string(counters_->map_full_drops[i].load(std::memory_order_relaxed)));
    }
    w.family(kHelperErrors, MetricType::Counter,
             "Failed BPF helper calls (counted with -k; probe reads with -kk)");
    for (size_t id = 0; id < counters_->helper_errors.size(); ++id) {
      uint64_t n = counters_->helper_errors[id].load(std::memory_order_relaxed);
      if (n == 0) continue;
      Label l{"helper", helper_name(id)};
      w.sample("", std::span(&l, 1), std::to_string(n));
    }
  }
  write_program_stats(w);
  w.family(kStartTime, MetricType::Gauge, "Start time of the process since the epoch in seconds");
  w.sample("", {}, number_text(start_time_));
  w.family(kBuild, MetricType::Info, "The btc tool: its name, btc version, script and target");
  std::vector<Label> build = {{"tool", m_.tool_name},
                              {"btc_version", m_.btc_version},
                              {"script_sha256", m_.script_sha256},
                              {"target_arch", m_.target_arch}};
  w.sample("", build, "1");
}

// Run count and time of each loaded program, which the kernel keeps while
// kernel.bpf_stats_enabled is 1 (sysctl; it costs every program run two clock reads).
void Collector::write_program_stats(Writer& w) {
  if (!obj_ || !bpf_stats_enabled()) return;
  struct Stat {
    std::string probe, program;
    uint64_t runs = 0, ns = 0;
  };
  std::vector<Stat> stats;
  std::set<std::string> seen;
  for (const auto& p : m_.probes) {
    for (const std::string* name : {&p.prog_name, &p.alt_prog_name}) {
      if (name->empty() || !seen.insert(*name).second) continue;
      bpf_program* prog = bpf_object__find_program_by_name(obj_, name->c_str());
      int fd = prog ? bpf_program__fd(prog) : -1;
      if (fd < 0) continue; // not loaded here (the kprobe/fentry twin not chosen)
      bpf_prog_info info{};
      uint32_t len = sizeof info;
      if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0) continue;
      stats.push_back({p.spec.text, *name, info.run_cnt, info.run_time_ns});
    }
  }
  w.family(kProgramRuns, MetricType::Counter,
           "Runs of each BPF program (kernel.bpf_stats_enabled)");
  for (const auto& s : stats) {
    Label l[] = {{"probe", s.probe}, {"program", s.program}};
    w.sample("", l, std::to_string(s.runs));
  }
  w.family(kProgramSeconds, MetricType::Counter,
           "Time spent running each BPF program in seconds (kernel.bpf_stats_enabled)");
  for (const auto& s : stats) {
    Label l[] = {{"probe", s.probe}, {"program", s.program}};
    w.sample("", l, number_text(static_cast<double>(s.ns) / 1e9));
  }
}

} // namespace btc::rt::metrics
