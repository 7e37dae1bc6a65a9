#include "http_get.h"

#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

#include "unique_fd.h"

namespace retx::lab {

HttpUrl parse_http_url(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) throw std::invalid_argument("expected a URL starting with http://, got \"" + url + "\"");
  std::string rest = url.substr(scheme.size());
  HttpUrl u;
  auto slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  u.path = slash == std::string::npos ? "/" : rest.substr(slash);
  std::string port;
  if (!hostport.empty() && hostport[0] == '[') {
    auto close = hostport.find(']');
    if (close == std::string::npos) throw std::invalid_argument("unterminated [IPv6] in \"" + url + "\"");
    u.host = hostport.substr(1, close - 1);
    if (close + 1 < hostport.size() && hostport[close + 1] == ':') port = hostport.substr(close + 2);
  } else {
    auto colon = hostport.rfind(':');
    u.host = hostport.substr(0, colon);
    if (colon != std::string::npos) port = hostport.substr(colon + 1);
  }
  if (u.host.empty()) throw std::invalid_argument("no host in \"" + url + "\"");
  if (!port.empty()) {
    try {
      size_t used = 0;
      u.port = std::stoi(port, &used);
      if (used != port.size() || u.port < 1 || u.port > 65535) throw std::out_of_range("port");
    } catch (const std::exception&) {
      throw std::invalid_argument("bad port \"" + port + "\" in \"" + url + "\"");
    }
  }
  return u;
}

namespace {

std::string describe(const HttpUrl& u) { return "GET http://" + u.host + ":" + std::to_string(u.port) + u.path; }

using Deadline = std::chrono::steady_clock::time_point;

// Waits for `events` until the overall deadline; false on timeout.
bool wait_for(int fd, short events, Deadline deadline) {
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, events, 0};
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r > 0) return true;
    if (r == 0) return false;
    if (errno != EINTR) return false;
  }
}

socklen_t socket_address(const HttpUrl& url, const std::string& what, sockaddr_storage& ss) {
  std::string host = url.host == "localhost" ? "127.0.0.1" : url.host;
  auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, host.c_str(), &s4->sin_addr) == 1) {
    s4->sin_family = AF_INET;
    s4->sin_port = htons(static_cast<uint16_t>(url.port));
    return sizeof(*s4);
  }
  if (inet_pton(AF_INET6, host.c_str(), &s6->sin6_addr) == 1) {
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(static_cast<uint16_t>(url.port));
    return sizeof(*s6);
  }
  throw std::runtime_error(what + ": host must be an IP literal or localhost");
}

UniqueFd connect_by(const HttpUrl& url, const std::string& what, Deadline deadline) {
  sockaddr_storage ss{};
  const socklen_t len = socket_address(url, what, ss);
  UniqueFd fd(::socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) throw std::runtime_error(what + ": socket: " + std::strerror(errno));
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    if (errno != EINPROGRESS) throw std::runtime_error(what + ": connect: " + std::strerror(errno));
    if (!wait_for(fd.get(), POLLOUT, deadline)) throw std::runtime_error(what + ": connect timed out");
    int err = 0;
    socklen_t el = sizeof(err);
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &el);
    if (err) throw std::runtime_error(what + ": connect: " + std::strerror(err));
  }
  return fd;
}

void send_request(int fd, const std::string& req, const std::string& what, Deadline deadline) {
  size_t sent = 0;
  while (sent < req.size()) {
    ssize_t n = ::send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n > 0) { sent += static_cast<size_t>(n); continue; }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_for(fd, POLLOUT, deadline)) throw std::runtime_error(what + ": send timed out");
      continue;
    }
    throw std::runtime_error(what + ": send: " + std::strerror(errno));
  }
}

// Everything until the server closes (HTTP/1.0).
std::string read_to_close(int fd, const std::string& what, Deadline deadline) {
  std::string raw;
  char buf[16384];
  while (true) {
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n > 0) { raw.append(buf, static_cast<size_t>(n)); continue; }
    if (n == 0) return raw;
    if (errno == EAGAIN || errno == EINTR) {
      if (!wait_for(fd, POLLIN, deadline)) throw std::runtime_error(what + ": read timed out");
      continue;
    }
    throw std::runtime_error(what + ": recv: " + std::strerror(errno));
  }
}

HttpResponse parse_response(const std::string& raw, const std::string& what) {
  auto eol = raw.find("\r\n");
  auto head_end = raw.find("\r\n\r\n");
  if (eol == std::string::npos || head_end == std::string::npos || raw.rfind("HTTP/", 0) != 0)
    throw std::runtime_error(what + ": malformed HTTP response");
  HttpResponse r;
  auto sp = raw.find(' ');
  try {
    r.status = std::stoi(raw.substr(sp + 1, 3));
  } catch (const std::exception&) {
    throw std::runtime_error(what + ": malformed status line");
  }
  std::string headers = raw.substr(0, head_end);
  for (auto& c : headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (headers.find("transfer-encoding: chunked") != std::string::npos)
    throw std::runtime_error(what + ": server answered HTTP/1.0 with a chunked body");
  r.body = raw.substr(head_end + 4);
  return r;
}

}  // namespace

HttpResponse http_get(const HttpUrl& url, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string what = describe(url);
  UniqueFd fd = connect_by(url, what, deadline);
  send_request(fd.get(), "GET " + url.path + " HTTP/1.0\r\nHost: " + url.host + "\r\nAccept: text/plain\r\n\r\n", what,
               deadline);
  return parse_response(read_to_close(fd.get(), what, deadline), what);
}

}  // namespace retx::lab
