// events.cpp: EventHandler and RingBufferReader (see events.h).
#include "output/events.h"

#include "script/diag.h"

#include "output/format/printf.h"

#include <bpf/libbpf.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace btc::rt {
namespace {

int on_record(void* ctx, void* data, size_t size) {
  auto* handler = static_cast<EventHandler*>(ctx);
  handler->handle({static_cast<const uint8_t*>(data), size});
  // Stopping: leave the buffer to the drain before END instead of consuming it here.
  return handler->dropping() ? -EINTR : 0;
}

uint64_t arg_u64(const abi::EventDesc& ev, size_t i, std::span<const uint8_t> payload,
                 uint64_t fallback) {
  return i < ev.args.size() ? load_u64(payload, ev.args[i].offset) : fallback;
}

} // namespace

EventHandler::EventHandler(const abi::Manifest& m, Output& out, MapStore& store,
                           const RenderEnv& env)
    : m_(m), out_(out), store_(store), env_(env),
      map_full_([this](std::string_view text) { warn(text); }, monotonic_ms) {
  plans_.resize(m.events.size());
  for (size_t i = 0; i < m.events.size(); ++i)
    if (!m.events[i].format.empty())
      plans_[i] = std::make_unique<PrintfPlan>(m.events[i].format, m.events[i].args.size());
}

const PrintfPlan& EventHandler::plan_of(const abi::EventDesc& ev) const {
  return *plans_[static_cast<size_t>(&ev - m_.events.data())];
}

void EventHandler::set_warning_sink(std::function<void(std::string_view)> sink) {
  warning_sink_ = std::move(sink);
}

void EventHandler::warn(std::string_view text) {
  if (warning_sink_) {
    warning_sink_(text);
    return;
  }
  out_.flush(); // keep the output that came before the message before it
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

std::string EventHandler::format(const abi::EventDesc& ev, std::span<const uint8_t> payload) const {
  if (ev.format.empty()) return "";
  std::string out;
  plan_of(ev).format(env_, ev.args, payload, out);
  return out;
}

const abi::MapDesc* EventHandler::map_of(const abi::EventDesc& ev) {
  if (ev.map < m_.maps.size()) return &m_.maps[ev.map];
  warn("ERROR: event refers to unknown map index " + std::to_string(ev.map) + "\n");
  return nullptr;
}

void EventHandler::handle(std::span<const uint8_t> record) {
  if (record.size() < 8) return;
  auto id = static_cast<uint32_t>(load_u64(record, 0));
  if (id >= m_.events.size()) {
    warn("WARNING: ignoring event with unknown id " + std::to_string(id) + "\n");
    return;
  }
  if (!stopping_ && stop_check_ && stop_check_()) stopping_ = true;
  if (dropping()) return; // queued after exit() or a stop signal: dropped, as in 0.17
  const abi::EventDesc& ev = m_.events[id];
  std::span<const uint8_t> payload = record.subspan(8);
  std::string err;
  switch (ev.kind) {
  case abi::EventKind::Printf:
    line_.clear(); // reused: no allocation per event once it has grown
    if (!ev.format.empty()) plan_of(ev).format(env_, ev.args, payload, line_);
    out_.message(MessageKind::Printf, line_);
    break;
  case abi::EventKind::Print:
    if (!ev.args.empty())
      out_.value(ev.args[0].type, payload.subspan(std::min<size_t>(ev.args[0].offset, payload.size())));
    break;
  case abi::EventKind::PrintMap:
    if (const abi::MapDesc* map = map_of(ev))
      print_map(out_, store_, m_, *map, arg_u64(ev, 0, payload, 0), arg_u64(ev, 1, payload, 1));
    break;
  case abi::EventKind::Time: {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t ns = int64_t{now.tv_sec} * 1000000000 + now.tv_nsec;
    out_.message(MessageKind::Time,
                 format_wall_time(ev.format.empty() ? "%H:%M:%S\n" : ev.format, ns));
    break;
  }
  case abi::EventKind::Exit:
    exit_requested_ = true;
    if (!ev.args.empty()) exit_code_ = static_cast<int>(arg_u64(ev, 0, payload, 0) & 0xff);
    break;
  case abi::EventKind::Clear:
    if (const abi::MapDesc* map = map_of(ev); map && !store_.clear(*map, err))
      warn("ERROR: clear(" + map->name + ") failed: " + err + "\n");
    break;
  case abi::EventKind::Zero:
    if (const abi::MapDesc* map = map_of(ev); map && !store_.zero(*map, err))
      warn("ERROR: zero(" + map->name + ") failed: " + err + "\n");
    break;
  case abi::EventKind::Cat:
    cat(ev, payload);
    break;
  case abi::EventKind::System:
    system(ev, payload);
    break;
  case abi::EventKind::Join:
    join(ev, payload);
    break;
  case abi::EventKind::HelperError:
    helper_error(ev, payload);
    break;
  case abi::EventKind::WatchpointAttach:
    if (watch_) watch_->attach(arg_u64(ev, 0, payload, 0), arg_u64(ev, 1, payload, 0));
    break;
  case abi::EventKind::WatchpointDetach:
    if (watch_) watch_->detach(arg_u64(ev, 0, payload, 0));
    break;
  case abi::EventKind::Errorf:
  case abi::EventKind::Warnf: {
    std::string text = format(ev, payload);
    if (ev.kind == abi::EventKind::Errorf) ++errors_;
    if (ev.once && !warned_once_.insert(text).second) break;
    warn(located_message(m_, ev.line, ev.col_begin, ev.col_end,
                         ev.kind == abi::EventKind::Errorf ? "ERROR" : "WARNING", text));
    break;
  }
  }
}

void EventHandler::cat(const abi::EventDesc& ev, std::span<const uint8_t> payload) {
  std::string path = format(ev, payload);
  FILE* f = std::fopen(path.c_str(), "r");
  if (!f) {
    warn("ERROR: failed to open file '" + path + "': " + std::strerror(errno) + "\n");
    return;
  }
  std::string content(cat_limit_, '\0');
  size_t n = std::fread(content.data(), 1, content.size(), f);
  std::fclose(f);
  content.resize(n);
  out_.message(MessageKind::Cat, content);
}

void EventHandler::system(const abi::EventDesc& ev, std::span<const uint8_t> payload) {
  std::string cmd = format(ev, payload);
  out_.flush(); // the command may write to our stderr; keep earlier output first
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) {
    warn("ERROR: system(\"" + cmd + "\") failed: " + std::strerror(errno) + "\n");
    return;
  }
  std::string text;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) text.append(buf, n);
  pclose(p);
  out_.message(MessageKind::Syscall, text);
}

void EventHandler::join(const abi::EventDesc& ev, std::span<const uint8_t> payload) {
  if (ev.args.empty() || ev.args[0].type >= m_.types.size()) return;
  // The block is char[16][strlen] (a String of 16 * strlen bytes, or an Array of strings).
  const abi::TypeDesc& block = m_.types[ev.args[0].type];
  uint32_t count = 0, elem = 0;
  if (block.kind == abi::ValueKind::Array && block.elem < m_.types.size()) {
    count = block.count;
    elem = m_.types[block.elem].size;
  } else {
    elem = m_.strlen > 0 && m_.strlen <= block.size ? m_.strlen : block.size;
    count = elem ? block.size / elem : 0;
  }
  std::string joined;
  for (uint32_t i = 0; i < count; ++i) {
    size_t off = ev.args[0].offset + size_t{i} * elem;
    if (off >= payload.size() || payload[off] == 0) break; // argv-style: stop at the first empty
    size_t len = strnlen(reinterpret_cast<const char*>(payload.data() + off),
                         std::min<size_t>(elem, payload.size() - off));
    if (i) joined += ev.format;
    joined.append(reinterpret_cast<const char*>(payload.data() + off), len);
  }
  out_.message(MessageKind::Join, joined);
}

void EventHandler::helper_error(const abi::EventDesc& ev, std::span<const uint8_t> payload) {
  // {helper id, return code, map index, line << 32 | col_begin << 16 | col_end}
  uint64_t helper = arg_u64(ev, 0, payload, 0);
  auto retcode = static_cast<int64_t>(arg_u64(ev, 1, payload, 0));
  uint64_t map_index = arg_u64(ev, 2, payload, abi::kNoIndex);
  uint64_t site = arg_u64(ev, 3, payload, 0);
  constexpr uint64_t kMapUpdateElem = 2;
  constexpr int64_t kE2big = -7;
  if (helper == kMapUpdateElem && retcode == kE2big && map_index < m_.maps.size()) {
    // A full map: always reported (rate-limited) on stderr; the -k text only with -k.
    const abi::MapDesc& map = m_.maps[map_index];
    map_full_.dropped(map, store_.max_entries(map));
    if (counters_) counters_->map_full_drops[map_index].fetch_add(1, std::memory_order_relaxed);
    if (helper_errors_ == 0) return;
  } else if (counters_) {
    size_t slot = std::min<uint64_t>(helper, counters_->helper_errors.size() - 1);
    counters_->helper_errors[slot].fetch_add(1, std::memory_order_relaxed);
  }
  out_.helper_error(helper_name(helper), retcode, static_cast<uint32_t>(site >> 32),
                    static_cast<uint32_t>((site >> 16) & 0xffff),
                    static_cast<uint32_t>(site & 0xffff));
}

std::string helper_name(uint64_t id) {
  // Helpers whose failures bpftrace's -k reports (ids from the kernel's enum bpf_func_id).
  switch (id) {
  case 1: return "map_lookup_elem";
  case 2: return "map_update_elem";
  case 3: return "map_delete_elem";
  case 4: return "probe_read";
  case 16: return "get_current_comm";
  case 27: return "get_stackid";
  case 45: return "probe_read_str";
  case 58: return "override_return";
  case 109: return "send_signal";
  case 112: return "probe_read_user";
  case 113: return "probe_read_kernel";
  case 114: return "probe_read_user_str";
  case 115: return "probe_read_kernel_str";
  case 130: return "ringbuf_output";
  case 131: return "ringbuf_reserve";
  case 132: return "ringbuf_submit";
  case 133: return "ringbuf_discard";
  case 147: return "d_path";
  default: return "helper_" + std::to_string(id);
  }
}

RingBufferReader::~RingBufferReader() { ring_buffer__free(rb_); }

bool RingBufferReader::open(int map_fd, EventHandler& handler, std::string& err) {
  rb_ = ring_buffer__new(map_fd, on_record, &handler, nullptr);
  if (!rb_) {
    err = std::strerror(errno);
    return false;
  }
  return true;
}

int RingBufferReader::poll(int timeout_ms) {
  if (!rb_) return 0;
  int n = ring_buffer__poll(rb_, timeout_ms);
  if (n < 0) return n;
  // The kernel wakes the reader only when it had caught up with the producer, so a record
  // committed while the previous batch was being read (e.g. exit() right after a printf in
  // the same probe) can sit unannounced until the next wakeup. Consume it now.
  int more = ring_buffer__consume(rb_);
  return more < 0 ? more : n + more;
}

int RingBufferReader::drain() {
  if (!rb_) return 0;
  // A handler that is dropping records stops each pass after one (on_record): go on until the
  // buffer is empty (the probes are switched off by then, so it stays empty).
  int total = 0;
  for (int n; (n = ring_buffer__consume(rb_)) != 0;) {
    if (n < 0 && n != -EINTR) return n;
    total += n < 0 ? 1 : n;
  }
  return total;
}

int RingBufferReader::epoll_fd() const { return rb_ ? ring_buffer__epoll_fd(rb_) : -1; }

} // namespace btc::rt
