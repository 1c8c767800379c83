// metrics/server.cpp: the --metrics HTTP endpoint on libevent's evhttp (see server.h).
//
// One thread runs an event_base with the evhttp server and a wake-up pipe; the destructor
// writes to the pipe, the loop breaks, the thread is joined, then libevent's objects and the
// socket are freed. Requests on several connections are parsed concurrently; scrapes are
// rendered one at a time on that thread (each reads the maps afresh).
#include "metrics/server.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

namespace btc::rt::metrics {
namespace {

constexpr const char* kUsage = "expected [ADDR]:PORT, e.g. :9100, 0.0.0.0:9100 or [::]:9100";

bool parse_port(std::string_view text, uint16_t& port) {
  if (text.empty() || text.size() > 5) return false;
  uint32_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<uint32_t>(c - '0');
  }
  if (n == 0 || n > 65535) return false;
  port = static_cast<uint16_t>(n);
  return true;
}

void quiet_log(int, const char*) {} // libevent must not write to the tool's stderr

const char* const kIndex =
    "<html><head><title>btc metrics</title></head><body>"
    "<p>Metrics are at <a href=\"/metrics\">/metrics</a>.</p></body></html>\n";

} // namespace

std::string ListenAddress::text() const {
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool parse_listen_address(std::string_view text, ListenAddress& out, std::string& error) {
  auto bad = [&](const std::string& why) {
    error = "invalid --metrics address '" + std::string(text) + "': " + why;
    return false;
  };
  std::string_view host, port;
  if (text.starts_with('[')) {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return bad(kUsage);
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    out.ipv6 = true;
  } else if (size_t colon = text.rfind(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos)
      return bad("write an IPv6 address in brackets, e.g. [::1]:9100");
  } else {
    port = text;
  }
  if (!parse_port(port, out.port)) return bad("the port must be a number from 1 to 65535");
  if (host.empty() || host == "localhost") host = out.ipv6 ? "::1" : "127.0.0.1";
  unsigned char buf[sizeof(in6_addr)];
  if (inet_pton(out.ipv6 ? AF_INET6 : AF_INET, std::string(host).c_str(), buf) != 1)
    return bad(std::string("'") + std::string(host) + "' is not a numeric " +
               (out.ipv6 ? "IPv6" : "IPv4") + " address");
  out.host = std::string(host);
  return true;
}

struct MetricsServer::State {
  int fd = -1;
  int wake[2] = {-1, -1};
  event_base* base = nullptr;
  evhttp* http = nullptr;
  event* wake_event = nullptr;
  pthread_t thread{};
  bool running = false;
  Scrape scrape;

  ~State() {
    if (running) {
      char c = 1;
      (void)!write(wake[1], &c, 1);
      pthread_join(thread, nullptr);
    }
    if (wake_event) event_free(wake_event);
    if (http)
      evhttp_free(http); // closes the listening socket it was given
    else if (fd >= 0)
      close(fd);
    if (base) event_base_free(base);
    for (int p : wake)
      if (p >= 0) close(p);
  }

  static void on_request(evhttp_request* req, void* arg) {
    auto* self = static_cast<State*>(arg);
    const evhttp_uri* uri = evhttp_request_get_evhttp_uri(req);
    const char* p = uri ? evhttp_uri_get_path(uri) : nullptr;
    std::string_view path = p && *p ? p : "/";
    evkeyvalq* headers = evhttp_request_get_output_headers(req);
    evbuffer* body = evhttp_request_get_output_buffer(req);
    if (path == "/metrics") {
      const char* accept = evhttp_find_header(evhttp_request_get_input_headers(req), "Accept");
      Format f = accept && wants_openmetrics(accept) ? Format::OpenMetrics : Format::Text004;
      std::string text = self->scrape(f);
      evhttp_add_header(headers, "Content-Type", std::string(content_type(f)).c_str());
      evbuffer_add(body, text.data(), text.size());
      evhttp_send_reply(req, 200, "OK", nullptr);
    } else if (path == "/") {
      evhttp_add_header(headers, "Content-Type", "text/html; charset=utf-8");
      evbuffer_add(body, kIndex, std::strlen(kIndex));
      evhttp_send_reply(req, 200, "OK", nullptr);
    } else {
      evhttp_send_error(req, 404, "Not Found");
    }
  }

  static void on_wake(evutil_socket_t, short, void* arg) {
    event_base_loopbreak(static_cast<State*>(arg)->base);
  }

  static void* run(void* arg) {
    event_base_dispatch(static_cast<State*>(arg)->base);
    return nullptr;
  }
};

MetricsServer::MetricsServer() : state_(std::make_unique<State>()) {}
MetricsServer::~MetricsServer() = default;

bool MetricsServer::listen(const ListenAddress& a, std::string& error) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (a.ipv6) {
    auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(a.port);
    inet_pton(AF_INET6, a.host.c_str(), &s6->sin6_addr);
    len = sizeof *s6;
  } else {
    auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
    s4->sin_family = AF_INET;
    s4->sin_port = htons(a.port);
    inet_pton(AF_INET, a.host.c_str(), &s4->sin_addr);
    len = sizeof *s4;
  }
  int fd = socket(a.ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = "cannot serve metrics: socket: " + std::string(std::strerror(errno));
    return false;
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || ::listen(fd, 64) != 0) {
    int e = errno;
    close(fd);
    error = "cannot serve metrics on " + a.text() + ": " + std::strerror(e);
    return false;
  }
  state_->fd = fd;
  return true;
}

uint16_t MetricsServer::port() const {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (state_->fd < 0 || getsockname(state_->fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0)
    return 0;
  return ntohs(ss.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                                        : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
}

bool MetricsServer::start(Scrape scrape, std::string& error) {
  State& s = *state_;
  s.scrape = std::move(scrape);
  event_set_log_callback(quiet_log);
  s.base = event_base_new();
  if (!s.base || pipe2(s.wake, O_CLOEXEC | O_NONBLOCK) != 0) {
    error = "cannot serve metrics: cannot set up the event loop";
    return false;
  }
  s.http = evhttp_new(s.base);
  if (!s.http || !evhttp_accept_socket_with_handle(s.http, s.fd)) {
    error = "cannot serve metrics: evhttp cannot take the socket";
    return false;
  }
  evhttp_set_gencb(s.http, &State::on_request, &s);
  evhttp_set_allowed_methods(s.http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
  evhttp_set_max_headers_size(s.http, 16 * 1024); // request line + headers
  evhttp_set_max_body_size(s.http, 4 * 1024);
  evhttp_set_timeout(s.http, 30);
  s.wake_event = event_new(s.base, s.wake[0], EV_READ, &State::on_wake, &s);
  if (!s.wake_event || event_add(s.wake_event, nullptr) != 0) {
    error = "cannot serve metrics: cannot set up the event loop";
    return false;
  }
  // The thread starts with every signal blocked: they stay the event loop's.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int rc = pthread_create(&s.thread, nullptr, &State::run, &s);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (rc != 0) {
    error = "cannot serve metrics: cannot start a thread: " + std::string(std::strerror(rc));
    return false;
  }
  s.running = true;
  return true;
}

} // namespace btc::rt::metrics
