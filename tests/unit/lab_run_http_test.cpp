// The lab's loopback HTTP/1.0 client (lab/run, it opens sockets) against a
// real listening socket; no root needed.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include "http_get.h"

using namespace retx::lab;

namespace {

// Serves one connection with `reply` and records the request it got.
struct OneShotServer {
  int fd = -1;
  int port = 0;
  std::string request;
  std::thread th;
  explicit OneShotServer(std::string reply) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    ::listen(fd, 1);
    th = std::thread([this, reply = std::move(reply)] {
      int c = ::accept(fd, nullptr, nullptr);
      char buf[2048];
      ssize_t n = ::recv(c, buf, sizeof(buf), 0);
      if (n > 0) request.assign(buf, static_cast<size_t>(n));
      if (!reply.empty()) ::send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
      else ::sleep(2);  // say nothing: the client must time out
      ::close(c);
    });
  }
  ~OneShotServer() {
    th.join();
    ::close(fd);
  }
};

}  // namespace

TEST(LabRunHttp, GetsStatusAndBody) {
  OneShotServer srv("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nm 1\n");
  auto r = http_get(parse_http_url("http://127.0.0.1:" + std::to_string(srv.port) + "/metrics"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "m 1\n");
  EXPECT_EQ(srv.request.rfind("GET /metrics HTTP/1.0\r\n", 0), 0u) << srv.request;
}

TEST(LabRunHttp, NonOkStatusIsReturned) {
  OneShotServer srv("HTTP/1.1 503 Service Unavailable\r\n\r\nnot ready");
  auto r = http_get(parse_http_url("http://localhost:" + std::to_string(srv.port) + "/healthz"));
  EXPECT_EQ(r.status, 503);
}

TEST(LabRunHttp, TimeoutAndRefusalThrow) {
  {
    OneShotServer srv("");
    EXPECT_THROW(http_get(parse_http_url("http://127.0.0.1:" + std::to_string(srv.port) + "/"), std::chrono::milliseconds(200)),
                 std::runtime_error);
  }
  // A port nobody listens on (the one the server just released).
  int port;
  {
    OneShotServer srv("HTTP/1.0 200 OK\r\n\r\n");
    port = srv.port;
    http_get(parse_http_url("http://127.0.0.1:" + std::to_string(port) + "/"));
  }
  EXPECT_THROW(http_get(parse_http_url("http://127.0.0.1:" + std::to_string(port) + "/")), std::runtime_error);
}

TEST(LabRunHttp, UrlParsing) {
  auto u = parse_http_url("http://[::1]:2112/metrics");
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, 2112);
  EXPECT_EQ(u.path, "/metrics");
  EXPECT_EQ(parse_http_url("http://127.0.0.1").port, 80);
  EXPECT_THROW(parse_http_url("https://x:1"), std::invalid_argument);
  EXPECT_THROW(parse_http_url("http://x:99999"), std::invalid_argument);
  EXPECT_THROW(parse_http_url("http://:80/"), std::invalid_argument);
}
