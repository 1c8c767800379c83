// metrics/server.h: the HTTP endpoint of `tool --metrics [ADDR]:PORT`.
//
// Input: the listen address (parsed from the option), a scrape function. Output: an HTTP/1.1
// server on its own thread (libevent's evhttp), serving GET/HEAD /metrics (the scrape, in the
// format the Accept header asks for) and / (a page linking to it); every other path is 404,
// other methods 501, malformed requests and requests whose line and headers pass 16 KiB 400
// (libevent's parser and limits). The socket is bound by listen(), in the caller's thread, so a
// busy port or bad address fails the tool before any probe is attached. The thread blocks every
// signal (the tool's event loop handles them) and never writes to the tool's stdout or stderr.
#pragma once

#include "metrics/exposition.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace btc::rt::metrics {

// ":9100", "9100", "127.0.0.1:9100", "0.0.0.0:9100", "[::1]:9100", "[::]:9100",
// "localhost:9100". No address means 127.0.0.1.
struct ListenAddress {
  bool ipv6 = false;
  std::string host; // numeric
  uint16_t port = 0;
  std::string text() const; // "127.0.0.1:9100", "[::]:9100"
};
bool parse_listen_address(std::string_view text, ListenAddress& out, std::string& error);

class MetricsServer {
public:
  using Scrape = std::function<std::string(Format)>;
  MetricsServer();
  ~MetricsServer(); // stops the thread and closes the socket
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Binds and listens; false with `error` ("address already in use", ...).
  bool listen(const ListenAddress& address, std::string& error);
  // The port the socket is bound to (after listen(); tests bind port 0).
  uint16_t port() const;
  // Serves on a new thread until destruction; false with `error`.
  bool start(Scrape scrape, std::string& error);

  struct State; // libevent's objects and the thread (server.cpp)

private:
  std::unique_ptr<State> state_;
};

} // namespace btc::rt::metrics
