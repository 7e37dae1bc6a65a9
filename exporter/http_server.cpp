#include "http_server.h"

#include <arpa/inet.h>
#include <civetweb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "http_response.h"
#include "http_routes.h"

namespace retx {
namespace {

// civetweb serves each connection on one worker thread from a fixed pool, from
// the accept to the last byte; a connection waits in the queue for a free
// worker. A client that sends its request slowly, or nothing at all, holds
// its worker until request_timeout_ms has passed since the connection was
// taken (the TLS handshake gets the same budget again). So the pool is sized
// well above the number of such clients a scrape must survive, and the timeout
// is short: Prometheus sends its whole request at once, and a TLS handshake
// takes a few round trips. Measured here (tests/privileged/exporter_http_test.py):
// 64 clients sending a header byte every 3 s, reconnecting when cut, left
// every scrape answered in well under 2 s. The response itself is not bound by
// the timeout (civetweb resets it while a slow reader makes progress).
constexpr const char* kWorkers = "128";
constexpr const char* kRequestTimeoutMs = "2000";
// Accepted connections waiting for a worker, and the kernel's queue behind
// them: a burst of clients waits here instead of having its SYNs dropped.
constexpr const char* kConnectionQueue = "512";
constexpr const char* kListenBacklog = "512";
// Request line and headers: a scrape's are a few hundred bytes.
constexpr const char* kMaxRequestBytes = "8192";

std::string civetweb_port(const ListenAddress& a, bool tls) {
  // civetweb: "+P" is every IPv4 address, and every IPv6 one where civetweb has
  // IPv6; "s" makes it a TLS port.
  std::string spec = a.host.empty() ? "+" + std::to_string(a.port) : a.text();
  return tls ? spec + "s" : spec;
}

int log_quietly(const mg_connection*, const char*) { return 1; }

int log_verbose(const mg_connection*, const char* message) {
  std::cerr << "retx-exporter: http: " << message << "\n";
  return 1;
}

}  // namespace

void check_can_listen(const ListenAddress& a) {
  // Debian 12's libcivetweb1 is built without USE_IPV6: it cannot bind an IPv6
  // address at all (and ":PORT" means every IPv4 address there).
  if (a.ipv6 && !mg_check_feature(MG_FEATURES_IPV6)) {
    throw ListenError("cannot listen on " + a.text() + ": this civetweb (libcivetweb1) is built without IPv6; use an IPv4 address");
  }
  int family = a.ipv6 ? AF_INET6 : AF_INET;
  int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw ListenError("cannot listen on " + a.text() + ": socket: " + std::strerror(errno));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);  // as civetweb does
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
    if (!a.host.empty()) inet_pton(AF_INET, a.host.c_str(), &s4->sin_addr);
    len = sizeof *s4;
  }
  int rc = bind(fd, reinterpret_cast<sockaddr*>(&ss), len);
  int err = errno;
  close(fd);
  if (rc == 0) return;
  std::string why = err == EADDRINUSE      ? "the port is in use"
                    : err == EADDRNOTAVAIL ? "not an address of this host"
                    : err == EACCES        ? "ports below 1024 need CAP_NET_BIND_SERVICE"
                                           : std::strerror(err);
  throw ListenError("cannot listen on " + a.text() + ": " + why);
}

HttpServer::HttpServer(HttpConfig cfg, const WebState& web, MetricsFn metrics)
    : cfg_(std::move(cfg)), web_(web), metrics_(std::move(metrics)) {
  check_can_listen(cfg_.listen);
  std::string ports = civetweb_port(cfg_.listen, web_.tls());
  const char* options[] = {"listening_ports", ports.c_str(),
                           "num_threads", kWorkers,
                           "request_timeout_ms", kRequestTimeoutMs,
                           "enable_keep_alive", "no",
                           "connection_queue", kConnectionQueue,
                           "listen_backlog", kListenBacklog,
                           "max_request_size", kMaxRequestBytes,
                           "enable_directory_listing", "no",
                           nullptr};
  mg_callbacks cb{};
  cb.begin_request = &HttpServer::on_request;
  cb.log_message = cfg_.verbose ? log_verbose : log_quietly;
  if (web_.tls()) cb.external_ssl_ctx = &HttpServer::provide_ssl_ctx;
  mg_init_data init{&cb, this, options};
  char text[256] = {};
  unsigned code = 0;
  mg_error_data err{&code, text, sizeof text};
  ctx_ = mg_start2(&init, &err);
  if (!ctx_) throw ListenError("cannot serve on " + cfg_.listen.text() + ": " + (text[0] ? text : "civetweb failed to start"));
  mg_server_port bound[4] = {};
  int n = mg_get_server_ports(ctx_, 4, bound);
  port_ = n > 0 ? static_cast<std::uint16_t>(bound[0].port) : cfg_.listen.port;
}

HttpServer::~HttpServer() {
  if (ctx_) mg_stop(ctx_);
}

int HttpServer::on_request(mg_connection* conn) {
  return static_cast<HttpServer*>(mg_get_user_context_data(conn))->handle(conn);
}

int HttpServer::provide_ssl_ctx(void** ssl_ctx, void* self) {
  *ssl_ctx = static_cast<HttpServer*>(self)->web_.tls_context()->front();
  return 1;  // 1: civetweb neither configures nor frees it
}

int HttpServer::handle(mg_connection* conn) {
  const mg_request_info* ri = mg_get_request_info(conn);
  auto web = web_.current();
  Route route = route_request(ri->request_method ? ri->request_method : "", ri->local_uri_raw ? ri->local_uri_raw : "",
                              cfg_.telemetry_path);
  Response r;
  if (!web->users.empty() && !auth_.allowed(web->users, mg_get_header(conn, "Authorization"))) {
    r.status = 401;
    r.body = "Unauthorized\n";
    r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"retx-exporter\", charset=\"UTF-8\"");
    return send_response(conn, std::move(r), route.head, web->headers);
  }
  switch (route.page) {
    case Page::Landing:
      r.content_type = "text/html; charset=utf-8";
      r.body = landing_page(cfg_.telemetry_path, cfg_.version);
      break;
    case Page::Health:  // the server starts once the probes are attached
      r.body = "ok\n";
      break;
    case Page::Metrics:
      // Nothing may unwind into civetweb's C code.
      try {
        r.body = metrics_();
        r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      } catch (const std::exception& e) {
        r.status = 500;
        r.body = std::string("scrape failed: ") + e.what() + "\n";
      }
      break;
    case Page::MethodNotAllowed:
      r.status = 405;
      r.body = "Method Not Allowed: GET and HEAD only\n";
      r.headers.emplace_back("Allow", "GET, HEAD");
      break;
    case Page::NotFound:
      r.status = 404;
      r.body = "Not Found\n";
      break;
  }
  return send_response(conn, std::move(r), route.head, web->headers);
}

}  // namespace retx
