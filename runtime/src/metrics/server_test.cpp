// server_test.cpp: the --metrics address syntax, and the HTTP server on a loopback socket:
// the paths it serves, the format the Accept header picks, and the errors it answers with
// for bad requests while it keeps serving.
#include "metrics/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <gtest/gtest.h>

namespace btc::rt::metrics {
namespace {

TEST(ListenAddress, Forms) {
  ListenAddress a;
  std::string err;
  ASSERT_TRUE(parse_listen_address(":9100", a, err)) << err;
  EXPECT_EQ(a.text(), "127.0.0.1:9100");
  ASSERT_TRUE(parse_listen_address("9101", a, err)) << err;
  EXPECT_EQ(a.text(), "127.0.0.1:9101");
  ASSERT_TRUE(parse_listen_address("0.0.0.0:80", a, err)) << err;
  EXPECT_EQ(a.text(), "0.0.0.0:80");
  ASSERT_TRUE(parse_listen_address("[::]:9100", a, err)) << err;
  EXPECT_TRUE(a.ipv6);
  EXPECT_EQ(a.text(), "[::]:9100");
  ListenAddress l;
  ASSERT_TRUE(parse_listen_address("localhost:9", l, err)) << err;
  EXPECT_EQ(l.text(), "127.0.0.1:9");
}

TEST(ListenAddress, BadOnesSayWhy) {
  ListenAddress a;
  std::string err;
  EXPECT_FALSE(parse_listen_address("127.0.0.1:99999", a, err));
  EXPECT_NE(err.find("the port must be a number from 1 to 65535"), std::string::npos) << err;
  EXPECT_FALSE(parse_listen_address("example.com:9100", a, err));
  EXPECT_NE(err.find("'example.com' is not a numeric IPv4 address"), std::string::npos) << err;
  EXPECT_FALSE(parse_listen_address("::1:9100", a, err));
  EXPECT_NE(err.find("brackets"), std::string::npos) << err;
  EXPECT_FALSE(parse_listen_address("[::1]", a, err));
  EXPECT_FALSE(parse_listen_address(":0", a, err));
  EXPECT_FALSE(parse_listen_address("", a, err));
}

// Sends `request` to 127.0.0.1:port and returns everything the server answers.
std::string http_exchange(uint16_t port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    close(fd);
    return "connect failed";
  }
  (void)!write(fd, request.data(), request.size());
  shutdown(fd, SHUT_WR);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return out;
}

class ServerTest : public ::testing::Test {
protected:
  void SetUp() override {
    ListenAddress a;
    a.host = "127.0.0.1"; // port 0: the kernel picks one
    std::string err;
    ASSERT_TRUE(server_.listen(a, err)) << err;
    ASSERT_TRUE(server_.start(
        [this](Format f) {
          ++scrapes_;
          return f == Format::OpenMetrics ? std::string("om 1\n# EOF\n") : "text 1\n";
        },
        err))
        << err;
    port_ = server_.port();
    ASSERT_NE(port_, 0);
  }
  MetricsServer server_;
  uint16_t port_ = 0;
  std::atomic<int> scrapes_{0};
};

TEST_F(ServerTest, ServesMetricsInTheAskedFormat) {
  std::string text = http_exchange(port_, "GET /metrics HTTP/1.0\r\n\r\n");
  EXPECT_TRUE(text.starts_with("HTTP/1.0 200")) << text;
  EXPECT_NE(text.find("Content-Type: text/plain; version=0.0.4; charset=utf-8"), std::string::npos);
  EXPECT_TRUE(text.ends_with("\r\n\r\ntext 1\n")) << text;
  std::string om =
      http_exchange(port_, "GET /metrics?x=1 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n"
                           "Accept: application/openmetrics-text;version=1.0.0\r\n\r\n");
  EXPECT_NE(om.find("Content-Type: application/openmetrics-text; version=1.0.0"),
            std::string::npos);
  EXPECT_TRUE(om.ends_with("om 1\n# EOF\n")) << om;
  EXPECT_EQ(scrapes_, 2);
}

TEST_F(ServerTest, RootLinksToMetricsAndNothingElseIsServed) {
  std::string root = http_exchange(port_, "GET / HTTP/1.0\r\n\r\n");
  EXPECT_TRUE(root.starts_with("HTTP/1.0 200")) << root;
  EXPECT_NE(root.find("<a href=\"/metrics\">"), std::string::npos);
  std::string nf = http_exchange(port_, "GET /etc/passwd HTTP/1.0\r\n\r\n");
  EXPECT_TRUE(nf.starts_with("HTTP/1.1 404 Not Found")) << nf;
  EXPECT_TRUE(
      http_exchange(port_, "GET /metrics/../x HTTP/1.0\r\n\r\n").starts_with("HTTP/1.1 404"));
  std::string post = http_exchange(port_, "POST /metrics HTTP/1.0\r\nContent-Length: 0\r\n\r\n");
  EXPECT_TRUE(post.starts_with("HTTP/1.1 501 Not Implemented")) << post;
  EXPECT_EQ(scrapes_, 0);
}

TEST_F(ServerTest, MalformedAndOversizedRequestsGetErrorsAndServingGoesOn) {
  std::string garbage = http_exchange(port_, "\x01\x02 nonsense\r\n\r\n");
  EXPECT_TRUE(garbage.starts_with("HTTP/1.1 400 Bad Request")) << garbage;
  std::string huge = "GET /metrics HTTP/1.0\r\nX-Big: " + std::string(64 * 1024, 'a') + "\r\n\r\n";
  std::string big = http_exchange(port_, huge);
  EXPECT_TRUE(big.starts_with("HTTP/1.1 400 Bad Request")) << big.substr(0, 100);
  std::string after = http_exchange(port_, "GET /metrics HTTP/1.0\r\n\r\n");
  EXPECT_TRUE(after.starts_with("HTTP/1.0 200")) << after;
}

TEST(Server, ServesOnIpv6) {
  MetricsServer server;
  ListenAddress a;
  a.ipv6 = true;
  a.host = "::1";
  std::string err;
  if (!server.listen(a, err)) GTEST_SKIP() << "no IPv6 loopback here: " << err;
  ASSERT_TRUE(server.start([](Format) { return std::string("v6 1\n"); }, err)) << err;
  int fd = socket(AF_INET6, SOCK_STREAM, 0);
  sockaddr_in6 sa{};
  sa.sin6_family = AF_INET6;
  sa.sin6_port = htons(server.port());
  sa.sin6_addr = in6addr_loopback;
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  std::string req = "GET /metrics HTTP/1.0\r\n\r\n";
  (void)!write(fd, req.data(), req.size());
  std::string out;
  char buf[1024];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(fd);
  EXPECT_TRUE(out.starts_with("HTTP/1.0 200")) << out;
  EXPECT_TRUE(out.ends_with("v6 1\n")) << out;
}

TEST(Server, BusyPortIsAClearError) {
  MetricsServer first, second;
  ListenAddress a;
  a.host = "127.0.0.1";
  std::string err;
  ASSERT_TRUE(first.listen(a, err)) << err;
  a.port = first.port();
  EXPECT_FALSE(second.listen(a, err));
  EXPECT_NE(err.find("cannot serve metrics on 127.0.0.1:" + std::to_string(a.port) +
                     ": Address already in use"),
            std::string::npos)
      << err;
}

} // namespace
} // namespace btc::rt::metrics
