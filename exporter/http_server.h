// The exporter's HTTP(S) server: civetweb with a fixed pool of workers, short
// timeouts and one request per connection, so that slow or idle clients
// cannot hold every worker for long (numbers and measurements in
// http_server.cpp). Started once the probes are attached and the privileges
// dropped, so its threads never hold more than the rest of the process.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

#include "basic_auth.h"
#include "listen_address.h"
#include "web_state.h"

struct mg_context;
struct mg_connection;

namespace retx {

struct ListenError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct HttpConfig {
  ListenAddress listen;
  std::string telemetry_path = "/metrics";
  std::string version;
  bool verbose = false;  // civetweb's own log (failed handshakes, ...) on stderr
};

class HttpServer {
 public:
  // The metrics body in the text exposition format.
  using MetricsFn = std::function<std::string()>;

  // Binds and serves; throws ListenError with one line saying why it cannot.
  HttpServer(HttpConfig cfg, const WebState& web, MetricsFn metrics);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The port actually bound (the kernel's choice for port 0).
  std::uint16_t port() const { return port_; }

 private:
  static int on_request(mg_connection* conn);
  static int provide_ssl_ctx(void** ssl_ctx, void* self);
  int handle(mg_connection* conn);

  HttpConfig cfg_;
  const WebState& web_;
  BasicAuthChecker auth_;
  MetricsFn metrics_;
  mg_context* ctx_ = nullptr;
  std::uint16_t port_ = 0;
};

// Fails with ListenError when `a` cannot be bound (in use, not a local
// address), before anything else is started: its own message, not civetweb's.
void check_can_listen(const ListenAddress& a);

}  // namespace retx
