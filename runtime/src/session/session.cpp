// session.cpp: the tool lifecycle (see session.h).
//
// Order matters and follows bpftrace 0.17: the attach count is printed before BEGIN runs,
// BEGIN runs before any other probe is attached, END runs once every other probe is switched
// off (the .bss stop flag; 0.17 waits for all links to be destroyed, which takes seconds with
// many tracepoints), and events still in the ring buffer are printed before the two newlines
// and the map dump. Tracepoint links are destroyed after that output.
// The -c child is forked before load (its pid goes into the config) and execs once every
// probe is attached; the tool stops like exit() when it (or the -p target) exits, and the
// child gets SIGTERM when the tool stops first. SIGUSR1 prints every map on the spot.
#include "session/session.h"

#include "attach/plan.h"
#include "attach/program_copies.h"
#include "attach/registry.h"
#include "host/core_btf.h"
#include "host/kernel_btf.h"
#include "host/libbpf_log.h"
#include "host/process.h"
#include "host/symbols.h"
#include "host/text_file.h"
#include "metrics/collector.h"
#include "metrics/server.h"
#include "output/bpf_maps.h"
#include "output/events.h"
#include "output/format/resolve.h"
#include "output/format/test_report.h"
#include "output/iter_output.h"
#include "output/stacks.h"
#include "script/diag.h"
#include "script/positionals.h"
#include "session/bss_view.h"
#include "session/config.h"
#include "session/event_loop.h"
#include "session/load_failure.h"
#include "session/runtime_values.h"
#include "session/unwind_tables.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/capability.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>
#include <set>

namespace btc::rt {
namespace {

bool has_bpf_privileges() {
  if (geteuid() == 0) return true;
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (syscall(SYS_capget, &header, data) != 0) return false;
  auto has = [&](int cap) { return (data[cap / 32].effective >> (cap % 32)) & 1u; };
  return has(CAP_SYS_ADMIN) || (has(CAP_BPF) && has(CAP_PERFMON));
}

uint64_t boot_ns_now() {
  timespec ts{};
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return uint64_t(ts.tv_sec) * 1000000000 + uint64_t(ts.tv_nsec);
}

struct ObjectCloser {
  void operator()(bpf_object* obj) const { bpf_object__close(obj); }
};

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};

class Session {
public:
  Session(const abi::Manifest& m, const Options& o, std::span<const uint8_t> object)
      : log_(o.verbose), m_(m), opts_(o), object_(object), env_{m, probe_names_, resolver_},
        copies_(object, m.tool_name, log_) {
    for (const auto& p : m.probes) {
      probe_names_.push_back(p.spec.text);
      user_symbols_ |= providers_.of(p.spec.kind).traces_user_space();
    }
    for (const auto& s : m.stack_maps) user_symbols_ |= s.user;
  }

  int run() {
    if (opts_.list) return list_probes();
    if (!check_environment() || !listen_metrics() || !start_processes() ||
        !check_debug_binaries() || !open_output() || !open() || !configure() || !load() ||
        !fill_unwind_tables() || !prepare_events() || !plan() || !init_loop())
      return 1;
    if (opts_.test || opts_.bench) return run_test_mode();
    if (const char* flag = only_test_probes()) {
      fail(std::string("ERROR: No probes attached; use ") + flag + " to run " +
           (flag == std::string("--test") ? "test" : "benchmark") + " probes.");
      return 1;
    }
    if (!start_metrics()) return 1;
    if (!opts_.quiet) {
      uint64_t probes = 0; // 0.17 counts each usdt location
      for (const auto& point : points_)
        if (!test_or_bench(*point.probe)) probes += point.locations;
      out_->attached_probes(probes);
    }
    out_->flush();
    if (!run_special(TestRun::AtBegin) || !attach_all()) return 1;
    if (std::getenv("__BPFTRACE_NOTIFY_PROBES_ATTACHED"))
      std::fputs("__BPFTRACE_NOTIFY_PROBES_ATTACHED\n", stderr);
    // BEGIN's output comes before anything the -c child prints.
    if (have_rb_) rb_.drain();
    out_->flush();
    std::string err;
    if (child_.pid() > 0 && !child_.release(err)) {
      fail("ERROR: " + err);
      return 1;
    }
    if (const abi::ProbeDesc* iter = find_iterator_probe(providers_, m_)) {
      // An iterator's output is the tool's run; then it stops as after exit() (0.17).
      if (!run_iterator(perf_links_.empty() ? nullptr : perf_links_.back().get(), iter->spec.func,
                        *sink_, err)) {
        fail(err);
        return 1;
      }
      if (have_rb_) rb_.poll(0);
    } else {
      poll_loop();
    }
    bool child_done = child_.pid() > 0 && child_.exited();
    child_.terminate(); // the tool stopped first: SIGTERM
    // Each tracepoint link close waits for RCU grace periods under a global kernel mutex
    // (~80 ms each here), so with the probes switched off they are closed after the output.
    // Perf-event links close instantly.
    bool stopped = stop_programs();
    perf_links_.clear();
    for (ProbeProvider* provider : providers_.created()) provider->stop(); // e.g. watchpoints
    if (!stopped) destroy_links(links_);
    // As 0.17: after exit() or a stop signal nothing queued by the other probes is printed;
    // END's output is.
    if (handler_->dropping() && have_rb_) rb_.drain();
    handler_->accept_events_after_exit();
    bool end_ok = run_special(TestRun::AtEnd);
    rb_.drain();
    report_lost_events();
    handler_->finish();
    out_->flush();
    std::fputs("\n\n", stdout); // always stdout, even with -o (bpftrace 0.17)
    std::fflush(stdout);
    if (config_setting(m_, "print_maps_on_exit", "true") != "false")
      print_all_maps(*out_, *store_, m_);
    out_->flush();
    if (child_done && opts_.verbose) {
      std::fputs(child_.exit_text().c_str(), stdout);
      std::fflush(stdout);
    }
    destroy_links(links_);
    if (int e = sink_->error()) return output_failed(e);
    return end_ok ? handler_->exit_code() : 1;
  }

private:
  // The output could not be written: the reader of a pipe went away (EPIPE, when SIGPIPE is
  // ignored; otherwise SIGPIPE ended the tool already), which ends the tool quietly as Unix
  // tools end, or the file system is full (or failing), which is said.
  int output_failed(int e) {
    if (e == EPIPE) return 0;
    std::string where =
        opts_.output_path.empty() ? "standard output" : "'" + opts_.output_path + "'";
    fail("ERROR: cannot write the output to " + where + ": " + std::strerror(e) +
         "; the tool stopped tracing");
    return 1;
  }

  bool fail(const std::string& message) {
    if (out_) out_->flush();
    std::fputs(message.c_str(), stderr);
    if (message.empty() || message.back() != '\n') std::fputc('\n', stderr);
    return false;
  }

  // -k level: the tool's -k/-kk, at least what btc was given when compiling.
  int helper_errors() const {
    return std::max(opts_.helper_errors, static_cast<int>(m_.default_helper_errors));
  }

  bool check_environment() {
    std::string bad = check_positionals(m_, opts_.positionals);
    if (!bad.empty()) return fail(bad);
    if (!has_bpf_privileges())
      return fail("ERROR: btc tools need root (or CAP_BPF and CAP_PERFMON) to load BPF programs");
    std::string btf_error = check_kernel_btf(kernel_btf());
    if (!btf_error.empty()) return fail(btf_error);
    return true;
  }

  // Binaries whose debug information shaped the program must be the ones traced here.
  bool check_debug_binaries() {
    for (const auto& b : m_.debug_binaries) {
      if (b.build_id.empty()) continue;
      std::string err;
      std::string path = resolve_uprobe_binary(b.path, err, "uprobe", nullptr, opts_.target_pid);
      if (path.empty()) continue; // attaching reports the missing binary at the script line
      std::string here = elf_build_id(path);
      if (here != b.build_id)
        return fail("ERROR: " + path + " is not the binary this tool was compiled against: its "
                    "debug information or instructions (build-id " + b.build_id +
                    ") shaped the tool, and this one has " +
                    (here.empty() ? std::string("no build-id") : "build-id " + here) +
                    "; compile the script again for this binary");
    }
    return true;
  }

  // -p: the target must exist; -c: the child is forked now, held until the probes attach.
  bool start_processes() {
    if (opts_.target_pid != 0 && !watch_.watch(static_cast<pid_t>(opts_.target_pid)))
      return fail("ERROR: pid " + std::to_string(opts_.target_pid) + " does not exist");
    if (opts_.command.empty()) return true;
    std::vector<std::string> argv = split_command(opts_.command);
    const char* path_env = std::getenv("PATH");
    std::string path, err;
    if (argv.empty() || !resolve_executable(argv[0], path_env ? path_env : "/usr/bin:/bin", path, err) ||
        !child_.spawn(path, argv, err))
      return fail("ERROR: Failed to fork child: " + err);
    command_path_ = path;
    return true;
  }

  // --metrics: the socket is bound before anything is loaded or attached, so a busy port
  // or a bad address ends the tool first.
  bool listen_metrics() {
    if (!opts_.metrics) return true;
    metrics_server_ = std::make_unique<metrics::MetricsServer>();
    counters_ = std::make_unique<SelfCounters>(m_.maps.size());
    std::string err;
    if (!metrics_server_->listen(opts_.metrics_address, err)) return fail("ERROR: " + err);
    return true;
  }

  // Serving starts once the maps exist (after load), before the probes attach.
  bool start_metrics() {
    if (!metrics_server_) return true;
    metrics::CollectorInput in{
        .manifest = m_,
        .obj = obj_.get(),
        .prefix = opts_.metrics_prefix.empty() ? metrics::sanitize_name(m_.tool_name)
                                               : opts_.metrics_prefix,
        .counters = counters_.get(),
        .lost_events = lost_counter_,
        .start_time = static_cast<double>(start_wall_.tv_sec) + start_wall_.tv_nsec / 1e9};
    collector_ = std::make_unique<metrics::Collector>(in);
    if (std::string clash = collector_->check_names(); !clash.empty())
      return fail("ERROR: --metrics: " + clash + "; choose another prefix with --metrics-prefix");
    std::string err;
    metrics::Collector* c = collector_.get();
    if (!metrics_server_->start([c](metrics::Format f) { return c->scrape(f); }, err))
      return fail("ERROR: " + err);
    return true;
  }

  // dw_ustack: the unwind tables of the -p process's files, or of the -c command's, read
  // before load (they size the maps).
  bool build_unwind_tables() {
    bool dwarf = false;
    for (const auto& s : m_.stack_maps) dwarf |= s.dwarf;
    if (!dwarf) return true;
    std::string err;
    unwind_.emplace();
    if (opts_.target_pid != 0) {
      if (!unwind_->add_process(opts_.target_pid, err)) return fail("ERROR: dw_ustack: " + err);
    } else if (!command_path_.empty()) {
      if (!unwind_->add_command(command_path_, err)) return fail("ERROR: dw_ustack: " + err);
    } else {
      return fail("ERROR: dw_ustack needs a target process whose unwind tables it reads when "
                  "the tool starts: run the tool with -p PID or -c CMD");
    }
    unwind_->build(opts_.verbose);
    if (!unwind_->size_maps(obj_.get(), err)) return fail("ERROR: " + err);
    return true;
  }

  bool fill_unwind_tables() {
    std::string err;
    if (unwind_ && !unwind_->fill_maps(obj_.get(), err)) return fail("ERROR: " + err);
    return true;
  }

  bool open_output() {
    FILE* f = stdout;
    if (!opts_.output_path.empty()) {
      f = std::fopen(opts_.output_path.c_str(), "we");
      if (!f)
        return fail("ERROR: cannot open output file '" + opts_.output_path +
                    "': " + std::strerror(errno));
      file_.reset(f);
    }
    // -B line (default) is "flushed after every batch of events" rather than stdio's line
    // mode: each printf line still leaves promptly, without one write() per line under load.
    switch (opts_.buffering) {
    case Buffering::Line:
    case Buffering::Full: std::setvbuf(f, nullptr, _IOFBF, 1 << 16); break;
    case Buffering::None: std::setvbuf(f, nullptr, _IONBF, 0); break;
    }
    sink_ = std::make_unique<FileSink>(f);
    out_ = make_output(opts_.format, *sink_, env_);
    return true;
  }

  bool open() {
    // CO-RE against only the kernel types the relocations name (core_btf.h).
    core_btf_ = std::make_unique<CoreBtf>(object_, kernel_btf());
    if (opts_.verbose) std::fprintf(stderr, "CO-RE: %s\n", core_btf_->reason().c_str());
    copies_.set_btf_custom_path(core_btf_->custom_path());
    LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = m_.tool_name.c_str(),
                .btf_custom_path = core_btf_->custom_path());
    bpf_object* obj = bpf_object__open_mem(object_.data(), object_.size(), &oo);
    if (!obj) {
      return fail("ERROR: cannot open the embedded BPF object: " +
                  std::string(std::strerror(errno)) + libbpf_log_hint(opts_.verbose));
    }
    obj_.reset(obj);
    stacks_.set_object(obj);
    // The providers resolve on this host (usdt sites, the -p/-c process), then choose each
    // probe's programs (kprobe vs fentry...): every resolve() before any prepare().
    PrepareInput in{.obj = obj,
                    .verbose = opts_.verbose,
                    .target_pid = opts_.target_pid,
                    .child_pid = child_.pid(),
                    .command = opts_.command,
                    .usdt_file_activation = opts_.usdt_file_activation};
    std::string err;
    for (const auto& p : m_.probes)
      if (!providers_.of(p.spec.kind).resolve(in, m_, p, err)) return fail(err);
    for (const auto& p : m_.probes)
      if (!providers_.of(p.spec.kind).prepare(in, m_, p, err)) return fail(err);
    // No BPF cookies: wildcard programs are loaded once per attach point (attach_all); some
    // links never take one.
    cookies_ = bpf_cookies_supported();
    std::set<std::string> always;
    for (const auto& p : m_.probes)
      if (providers_.of(p.spec.kind).copies_programs(p)) always.insert(p.prog_name);
    if (!build_unwind_tables()) return false;
    std::set<std::string> held_back = copies_.hold_back(obj, !cookies_, always);
    if (opts_.verbose)
      for (const auto& name : held_back)
        std::fprintf(stderr, "%s: one program copy per attach point (%s)\n", name.c_str(),
                     cookies_ ? "raw tracepoint links take no cookie" : "no BPF cookies");
    return true;
  }

  // The map libbpf made of a global data section (".rodata", ".bss"); named OBJ.SECTION.
  bpf_map* find_section_map(std::string_view section) {
    bpf_map* map = nullptr;
    bpf_object__for_each_map(map, obj_.get()) {
      std::string_view name = bpf_map__name(map);
      if (name.ends_with(section)) return map;
    }
    return nullptr;
  }

  // Sets the stop flag: from here on every event probe returns at once. membarrier's global
  // command waits for an RCU grace period, which BPF programs already running hold off.
  bool stop_programs() {
    volatile uint64_t* flag = bss_word(abi::kStopFlagOffset);
    if (!flag) return false;
    __atomic_store_n(flag, 1, __ATOMIC_SEQ_CST);
    if (syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) != 0) {
      timespec grace{0, 50 * 1000 * 1000}; // nohz_full kernels refuse it: wait it out
      nanosleep(&grace, nullptr);
    }
    return true;
  }

  volatile uint64_t* bss_word(uint32_t offset) {
    bss_.open(find_section_map(".bss"));
    return bss_.word(offset);
  }

  // Events the probes could not queue (a full ring buffer) since the last report: "Lost N
  // events", as 0.17 reports lost perf-buffer records.
  void report_lost_events() {
    if (!lost_counter_) return;
    uint64_t lost = __atomic_load_n(lost_counter_, __ATOMIC_RELAXED);
    if (lost == lost_reported_) return;
    out_->lost_events(lost - lost_reported_);
    lost_reported_ = lost;
  }

  bool configure() {
    if (m_.config.size == 0) return true;
    bpf_map* rodata = find_section_map(".rodata");
    size_t size = 0;
    const void* initial = rodata ? bpf_map__initial_value(rodata, &size) : nullptr;
    if (!initial) return fail("ERROR: the BPF object has no .rodata section for the tool's config");
    // Copy, fill, and hand back: libbpf freezes the section with these bytes at load.
    std::vector<uint8_t> data(static_cast<const uint8_t*>(initial),
                              static_cast<const uint8_t*>(initial) + size);
    ConfigValues values;
    values.start_ns = boot_ns_now();
    values.target_pid = static_cast<uint64_t>(opts_.target_pid);
    values.child_pid = child_.pid() > 0 ? static_cast<uint64_t>(child_.pid()) : 0;
    values.helper_errors = static_cast<uint64_t>(helper_errors());
    values.no_cookies = cookies_ ? 0 : 1;
    values.named_values = opts_.named_values;
    values.ncpus = static_cast<uint64_t>(std::max(libbpf_num_possible_cpus(), 1));
    std::string err;
    if (!write_config(m_, opts_.positionals, values, data, err)) return fail("ERROR: " + err);
    if (!m_.runtime_values.empty()) {
      std::string kallsyms = needs_kallsyms(m_) ? read_text_file("/proc/kallsyms") : "";
      std::string diag = resolve_runtime_values(m_, kallsyms, data);
      if (!diag.empty()) return fail(diag);
    }
    if (bpf_map__set_initial_value(rodata, data.data(), data.size()) != 0)
      return fail("ERROR: cannot set the .rodata config: " + std::string(std::strerror(errno)));
    return true;
  }

  bool load() {
    if (bpf_object__load(obj_.get()) == 0) {
      lost_counter_ = bss_word(abi::kLostEventsOffset);
      return true;
    }
    int e = errno;
    return fail(explain_load_failure(m_, log_.text(), e, opts_.verbose));
  }

  bool prepare_events() {
    store_ = std::make_unique<BpfMapStore>(obj_.get());
    handler_ = std::make_unique<EventHandler>(m_, *out_, *store_, env_);
    handler_->set_cat_limit(config_size(m_, "max_cat_bytes", 10240, {"BPFTRACE_CAT_BYTES_MAX"}));
    handler_->set_helper_errors(helper_errors());
    handler_->set_counters(counters_.get());
    handler_->set_stop_check([this] { return loop_.stop_signalled(); });
    for (ProbeProvider* provider : providers_.created()) // e.g. watchpoint arming
      provider->connect(*handler_, *out_,
                        [this](std::string_view text) { fail(std::string(text)); });
    if (m_.ringbuf_map.empty()) return true;
    bpf_map* map = bpf_object__find_map_by_name(obj_.get(), m_.ringbuf_map.c_str());
    if (!map) return fail("ERROR: ring buffer map '" + m_.ringbuf_map + "' is missing");
    std::string err;
    if (!rb_.open(bpf_map__fd(map), *handler_, err))
      return fail("ERROR: cannot set up the event ring buffer: " + err);
    have_rb_ = true;
    return true;
  }

  // --list: every attach point as it resolves on this host (wildcards expanded), one per
  // line, in attach order; nothing is loaded or attached.
  int list_probes() {
    std::string err;
    if (!plan_attach_points(providers_, m_, probe_names_, points_, err)) {
      fail(err);
      return 1;
    }
    for (const auto& point : points_) std::printf("%s\n", point.text.c_str());
    std::fflush(stdout);
    return 0;
  }

  bool plan() {
    std::string err;
    if (!plan_attach_points(providers_, m_, probe_names_, points_, err)) return fail(err);
    // Every attach point was one of several and matched nothing here (0.17's message).
    bool any_probe = false, any_point = false;
    for (const auto& p : m_.probes) any_probe |= !runs_once(p);
    for (const auto& point : points_) any_point |= !runs_once(*point.probe);
    if (any_probe && !any_point) return fail("No probes to attach");
    size_t limit = config_size(m_, "max_probes", 512);
    if (points_.size() > limit)
      return fail("ERROR: Can't attach to " + std::to_string(points_.size()) +
                  " probes because it exceeds the current limit of " + std::to_string(limit) +
                  " probes.");
    return true;
  }

  bool init_loop() {
    std::string err;
    if (!loop_.init(err) || (have_rb_ && !loop_.add(rb_.epoll_fd(), true, err)) ||
        (child_.pidfd() >= 0 && !loop_.add(child_.pidfd(), false, err)) ||
        (watch_.fd() >= 0 && !loop_.add(watch_.fd(), false, err)))
      return fail("ERROR: " + err);
    return true;
  }

  // BEGIN/END: run once with BPF_PROG_TEST_RUN instead of being attached.
  bool runs_once(const abi::ProbeDesc& p) {
    return providers_.of(p.spec.kind).test_run(p) != TestRun::No;
  }

  bool test_or_bench(const abi::ProbeDesc& p) {
    TestRun when = providers_.of(p.spec.kind).test_run(p);
    return when == TestRun::Test || when == TestRun::Bench;
  }

  // "--test"/"--bench" when the script has only test (bench) probes: run without that flag,
  // it would do nothing (bpftrace 0.26 refuses it the same way).
  const char* only_test_probes() {
    const char* flag = nullptr;
    for (const auto& p : m_.probes) {
      TestRun when = providers_.of(p.spec.kind).test_run(p);
      if (when != TestRun::Test && when != TestRun::Bench) return nullptr;
      if (when == TestRun::Test && !flag) flag = "--test";
      if (when == TestRun::Bench && !flag) flag = "--bench";
    }
    return flag;
  }

  // --test / --bench (bpftrace 0.26): BEGIN, then each test (bench) probe run through
  // BPF_PROG_TEST_RUN as an XDP program, then END; nothing is attached and no map printed.
  int run_test_mode() {
    handler_->accept_events_after_exit(); // a test's output after its exit() still counts
    if (!run_special(TestRun::AtBegin)) return 1;
    if (have_rb_) rb_.drain();
    out_->flush();
    bool ok = opts_.test ? run_tests() : run_benches();
    bool end_ok = run_special(TestRun::AtEnd);
    if (have_rb_) rb_.drain();
    handler_->finish();
    out_->flush();
    if (opts_.format == OutputFormat::Text) std::fputs("\n\n", stdout);
    std::fflush(stdout);
    return ok && end_ok ? 0 : 1;
  }

  // One run of `p` (`repeat` times) with its output captured: false if the kernel refused.
  struct TestRunResult {
    uint32_t retval = 0;
    uint64_t duration_ns = 0; // per run (the kernel's average)
    std::string output;
  };
  bool test_run_probe(const abi::ProbeDesc& p, uint32_t repeat, TestRunResult& r) {
    bpf_program* prog = bpf_object__find_program_by_name(obj_.get(), p.prog_name.c_str());
    if (!prog) return fail("ERROR: BPF program '" + p.prog_name + "' is missing from the object");
    handler_->reset_run_state();
    sink_->capture(&r.output);
    handler_->set_warning_sink([&r](std::string_view text) { r.output.append(text); });
    uint8_t packet[14] = {}; // XDP test runs need an Ethernet header's worth of data
    LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = packet, .data_size_in = sizeof packet,
                .repeat = static_cast<int>(repeat));
    int rc = bpf_prog_test_run_opts(bpf_program__fd(prog), &run);
    int e = errno;
    if (rc == 0 && have_rb_) rb_.drain();
    out_->flush();
    sink_->capture(nullptr);
    handler_->set_warning_sink(nullptr);
    if (rc != 0)
      return fail("ERROR: running the " + p.spec.text + " probe failed: " + std::strerror(e));
    r.retval = run.retval;
    r.duration_ns = run.duration;
    return true;
  }

  std::vector<const abi::ProbeDesc*> probes_run(TestRun when, std::vector<std::string>& names) {
    std::vector<const abi::ProbeDesc*> out;
    for (const auto& p : m_.probes)
      if (providers_.of(p.spec.kind).test_run(p) == when) {
        out.push_back(&p);
        names.push_back(p.spec.text);
      }
    return out;
  }

  bool run_tests() {
    std::vector<std::string> names;
    std::vector<const abi::ProbeDesc*> tests = probes_run(TestRun::Test, names);
    std::vector<bool> passed;
    bool color =
        opts_.format == OutputFormat::Text && opts_.output_path.empty() && isatty(STDOUT_FILENO);
    for (size_t i = 0; i < tests.size(); ++i) {
      TestRunResult r;
      if (!test_run_probe(*tests[i], 1, r)) return false;
      // Passed: the probe returned 0, called no exit(N != 0) and no errorf().
      passed.push_back(r.retval == 0 && handler_->exit_code() == 0 && handler_->errors() == 0);
      sink_->write(opts_.format == OutputFormat::Json
                       ? test_result_json(names[i], passed[i], r.duration_ns, r.output)
                       : test_result_text(names, i, passed, r.duration_ns, r.output, color));
      out_->flush();
    }
    handler_->reset_run_state();
    return std::find(passed.begin(), passed.end(), false) == passed.end();
  }

  // Each bench probe runs with more repetitions until they take 1 ms or more together; a
  // probe returning non-zero is skipped, one calling exit(N) or errorf() fails the run.
  bool run_benches() {
    std::vector<std::string> names;
    std::vector<const abi::ProbeDesc*> benches = probes_run(TestRun::Bench, names);
    bool ok = true;
    size_t row = 0;
    for (size_t i = 0; i < benches.size(); ++i) {
      uint64_t iters = 1;
      for (;;) {
        TestRunResult r;
        if (!test_run_probe(*benches[i], static_cast<uint32_t>(iters), r)) return false;
        bool failed = handler_->exit_code() != 0 || handler_->errors() != 0;
        if (!failed && r.retval != 0) break; // skipped
        uint64_t total = r.duration_ns * iters;
        uint64_t factor = total < 1000      ? 1000
                          : total < 10000   ? 100
                          : total < 100000  ? 10
                          : total < 1000000 ? 2
                                            : 1;
        if (!failed && factor > 1 && iters * factor <= (1u << 30)) {
          iters *= factor;
          continue;
        }
        if (failed) {
          fail("ERROR: Benchmark '" + names[i] + "' failed.");
          ok = false;
          break;
        }
        sink_->write(opts_.format == OutputFormat::Json
                         ? bench_result_json(names[i], r.duration_ns, iters)
                         : bench_result_text(names, names[i], row++ == 0, r.duration_ns, iters));
        out_->flush();
        break;
      }
    }
    handler_->reset_run_state();
    return ok;
  }

  bool has_signal_probes() {
    for (const auto& p : m_.probes)
      if (providers_.of(p.spec.kind).test_run(p) == TestRun::OnSignal) return true;
    return false;
  }

  bool run_special(TestRun when) {
    for (const auto& p : m_.probes) {
      if (providers_.of(p.spec.kind).test_run(p) != when) continue;
      bpf_program* prog = bpf_object__find_program_by_name(obj_.get(), p.prog_name.c_str());
      if (!prog) return fail("ERROR: BPF program '" + p.prog_name + "' is missing from the object");
      LIBBPF_OPTS(bpf_test_run_opts, run);
      if (bpf_prog_test_run_opts(bpf_program__fd(prog), &run) != 0)
        return fail("ERROR: running the " + p.spec.text + " probe failed: " + std::strerror(errno));
    }
    return true;
  }

  bool attach_all() {
    size_t wanted = 0, attached = 0;
    const std::string missing_probes = config_setting(m_, "missing_probes");
    AttachInput in{obj_.get(), copies_};
    for (size_t index : attach_order(providers_, points_)) {
      const AttachPoint& point = points_[index];
      if (runs_once(*point.probe)) continue;
      ProbeProvider& provider = providers_.of(point.probe->spec.kind);
      ++wanted;
      std::string err;
      auto& links = provider.link_group() == LinkGroup::AfterOutput ? links_ : perf_links_;
      // Held-back programs (no cookies) are copied per attach site by program_for_attach().
      if (provider.attach(in, point, links, err)) {
        ++attached;
        continue;
      }
      std::string detail = opts_.verbose ? " (" + err + ")" : "";
      out_->flush();
      // config missing_probes (bpftrace 0.2x): error, warn or ignore every failure; unset,
      // 0.17's rule: a lone attach point must attach, a wildcard's matches may be skipped.
      if (missing_probes == "ignore") continue;
      std::fputs(provider.attach_failure_note(m_, point).c_str(), stderr);
      if (missing_probes == "error" ||
          (missing_probes.empty() && !point.from_wildcard && !point.probe->spec.optional))
        return fail("ERROR: Error attaching probe: '" + point.text + "'" + detail);
      std::fprintf(stderr, "WARNING: could not attach probe %s, skipping.%s\n", point.text.c_str(),
                   detail.c_str());
    }
    // Skipping some matches of a wildcard is fine; tracing nothing at all is not (unless the
    // script said missing probes are fine).
    if (wanted > 0 && attached == 0 && missing_probes.empty())
      return fail("ERROR: none of the " + std::to_string(wanted) +
                  " attach points could be attached");
    return true;
  }

  // Runs until exit(), SIGINT/SIGTERM, or the -c child / -p target exiting.
  void poll_loop() {
    while (!handler_->exit_requested()) {
      Wakeup w = loop_.wait(100);
      if (w.error) {
        fail("ERROR: waiting for events failed: " + w.error_text);
        break;
      }
      // Always consume: a record committed while the last batch was read may sit unannounced.
      int n = have_rb_ ? rb_.poll(0) : 0;
      if (n < 0 && n != -EINTR) {
        fail("ERROR: reading events failed: " + std::string(std::strerror(-n)));
        break;
      }
      // SIGUSR1: the script's self:signal:SIGUSR1 probes, else 0.17's map dump.
      if (w.print_maps) {
        if (has_signal_probes())
          run_special(TestRun::OnSignal); // a failure is reported
        else
          print_all_maps(*out_, *store_, m_);
      }
      report_lost_events();
      handler_->tick();
      remember_traced_processes();
      if (opts_.buffering != Buffering::Full) out_->flush();
      if (w.stop || target_gone() || sink_->error() != 0) break;
    }
  }

  // Stacks and usym values of the -c child / -p target are often printed after it exited
  // (the map dump): keep its mappings, re-read at most every 100 ms while it runs.
  void remember_traced_processes() {
    if (!user_symbols_) return;
    uint64_t now = boot_ns_now();
    if (now - last_remember_ns_ < 100000000ull) return;
    last_remember_ns_ = now;
    if (child_.pid() > 0 && !child_.exited())
      stacks_.remember_process(static_cast<uint64_t>(child_.pid()));
    if (opts_.target_pid > 0) stacks_.remember_process(static_cast<uint64_t>(opts_.target_pid));
  }

  bool target_gone() {
    if (child_.pid() > 0 && child_.exited()) return true;
    return watch_.active() && watch_.exited();
  }

  LibbpfLog log_; // first: libbpf reports to it until everything else is gone
  const abi::Manifest& m_;
  const Options& opts_;
  std::span<const uint8_t> object_;
  std::vector<std::string> probe_names_;
  StackSymbols stacks_; // kstack/ustack/usym symbolization over the loaded object's maps
  HostResolver resolver_{stacks_};
  RenderEnv env_;
  std::unique_ptr<FILE, FileCloser> file_;
  std::unique_ptr<FileSink> sink_;
  std::unique_ptr<Output> out_;
  std::unique_ptr<bpf_object, ObjectCloser> obj_;
  bool cookies_ = true;
  bool user_symbols_ = false; // user stacks or uprobe/usdt probes: remember traced processes
  uint64_t last_remember_ns_ = 0;
  std::unique_ptr<CoreBtf> core_btf_; // read by libbpf when the object and copies load
  ProgramCopies copies_;     // per-attach-point programs where there are no cookies
  ProbeProviders providers_; // one per probe family of the script
  std::unique_ptr<BpfMapStore> store_;
  std::unique_ptr<EventHandler> handler_;
  RingBufferReader rb_; // freed before the object
  bool have_rb_ = false;
  BssView bss_;                               // the object's .bss, mapped after load
  volatile uint64_t* lost_counter_ = nullptr; // .bss events-lost counter (after load)
  uint64_t lost_reported_ = 0;
  ChildProcess child_;
  std::string command_path_;           // the -c command's executable
  std::optional<UnwindTables> unwind_; // dw_ustack's tables
  ProcessWatch watch_;
  EventLoop loop_;
  std::vector<AttachPoint> points_;
  std::vector<LinkPtr> links_;      // LinkGroup::AfterOutput (tracepoints)
  std::vector<LinkPtr> perf_links_; // LinkGroup::AtStop (perf events, ...); destroyed first
  timespec start_wall_ = [] {
    timespec t{};
    clock_gettime(CLOCK_REALTIME, &t);
    return t;
  }();
  // --metrics; declared last: the server's thread stops before anything it reads goes.
  std::unique_ptr<SelfCounters> counters_;
  std::unique_ptr<metrics::Collector> collector_;
  std::unique_ptr<metrics::MetricsServer> metrics_server_;
};

} // namespace

int run_session(const abi::Manifest& manifest, const Options& options,
                std::span<const uint8_t> bpf_object) {
  Session session(manifest, options, bpf_object);
  return session.run();
}

} // namespace btc::rt
