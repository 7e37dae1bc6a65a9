#include "traffic_socket.h"

#include "lab_cgroup.h"

#include <arpa/inet.h>
#include <linux/tcp.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace retx::lab::sock {
namespace {

[[noreturn]] void fail(const std::string& what, int err) {
  throw std::runtime_error(what + ": " + (err == EAGAIN ? std::string("timeout") : std::strerror(err)));
}

socklen_t make_addr(int family, const std::string& addr, std::uint16_t port, sockaddr_storage& ss) {
  std::memset(&ss, 0, sizeof ss);
  if (family == AF_INET6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    if (inet_pton(AF_INET6, addr.c_str(), &a->sin6_addr) != 1) throw std::invalid_argument("bad IPv6 address " + addr);
    return sizeof *a;
  }
  auto* a = reinterpret_cast<sockaddr_in*>(&ss);
  a->sin_family = AF_INET;
  a->sin_port = htons(port);
  if (inet_pton(AF_INET, addr.c_str(), &a->sin_addr) != 1) throw std::invalid_argument("bad IPv4 address " + addr);
  return sizeof *a;
}

std::uint16_t port_of(const sockaddr_storage& ss) {
  return ntohs(ss.ss_family == AF_INET6 ? reinterpret_cast<const sockaddr_in6*>(&ss)->sin6_port
                                        : reinterpret_cast<const sockaddr_in*>(&ss)->sin_port);
}

char g_zeros[65536];

}  // namespace

UniqueFd listen_on(int family, const std::string& addr, std::uint16_t& port_out) {
  UniqueFd fd(socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (fd.get() < 0) fail("socket", errno);
  int one = 1;
  setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_storage ss;
  socklen_t len = make_addr(family, addr, 0, ss);
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) fail("bind " + addr, errno);
  if (listen(fd.get(), 4096) != 0) fail("listen", errno);
  len = sizeof ss;
  getsockname(fd.get(), reinterpret_cast<sockaddr*>(&ss), &len);
  port_out = port_of(ss);
  return fd;
}

void set_timeouts(int fd, double seconds) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(seconds);
  tv.tv_usec = static_cast<suseconds_t>((seconds - static_cast<double>(tv.tv_sec)) * 1e6);
  if (tv.tv_sec == 0 && tv.tv_usec == 0) tv.tv_usec = 1000;  // 0 would mean "forever"
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

void set_pacing(int fd, std::uint64_t bytes_per_s) {
  if (bytes_per_s == 0) return;
  if (setsockopt(fd, SOL_SOCKET, SO_MAX_PACING_RATE, &bytes_per_s, sizeof bytes_per_s) != 0) {
    fail("setsockopt(SO_MAX_PACING_RATE)", errno);
  }
}

UniqueFd connect_to(int family, const std::string& addr, std::uint16_t port, double timeout_s,
                    const std::string& cgroup_dir) {
  UniqueFd fd = cgroup_dir.empty() ? UniqueFd(socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0))
                                   : socket_in_cgroup(cgroup_dir, family, SOCK_STREAM | SOCK_CLOEXEC);
  if (fd.get() < 0) fail("socket", errno);
  // A blocking connect gives up after SO_SNDTIMEO with EINPROGRESS.
  set_timeouts(fd.get(), timeout_s);
  sockaddr_storage ss;
  socklen_t len = make_addr(family, addr, port, ss);
  while (connect(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    if (errno == EINTR) continue;
    fail("connect to " + addr + " port " + std::to_string(port), errno == EINPROGRESS ? EAGAIN : errno);
  }
  return fd;
}

namespace {

// Arms SO_RCVTIMEO/SO_SNDTIMEO for the next call: the io timeout, cut short
// by the run's cap. A blocking send that made partial progress returns and is
// re-armed here, so silence is bounded per call and the run by its deadline.
void arm(int fd, const Limits& lim, const char* what) {
  double left = std::chrono::duration<double>(lim.deadline - std::chrono::steady_clock::now()).count();
  if (left <= 0) throw std::runtime_error(std::string(what) + ": run time cap reached");
  set_timeouts(fd, std::min(lim.io_timeout_s, left));
}

}  // namespace

void send_all(int fd, std::uint64_t n, const Limits& lim) {
  while (n > 0) {
    arm(fd, lim, "send");
    size_t chunk = n < sizeof g_zeros ? static_cast<size_t>(n) : sizeof g_zeros;
    ssize_t w = send(fd, g_zeros, chunk, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      fail("send", errno);
    }
    n -= static_cast<std::uint64_t>(w);
  }
}

bool recv_exact(int fd, std::uint64_t n, const Limits& lim) {
  char buf[65536];
  std::uint64_t got = 0;
  while (got < n) {
    arm(fd, lim, "recv");
    size_t want = n - got < sizeof buf ? static_cast<size_t>(n - got) : sizeof buf;
    ssize_t r = recv(fd, buf, want, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      fail("recv", errno);
    }
    if (r == 0) {
      if (got == 0) return false;
      throw std::runtime_error("recv: peer closed after " + std::to_string(got) + " of " + std::to_string(n) + " bytes");
    }
    got += static_cast<std::uint64_t>(r);
  }
  return true;
}

std::uint64_t drain_to_eof(int fd, const Limits& lim) {
  char buf[65536];
  std::uint64_t total = 0;
  for (;;) {
    arm(fd, lim, "recv");
    ssize_t r = recv(fd, buf, sizeof buf, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      fail("recv", errno);
    }
    if (r == 0) return total;
    total += static_cast<std::uint64_t>(r);
  }
}

void wait_acked(int fd, const Limits& lim) {
  const auto give_up =
      std::min(lim.deadline, std::chrono::steady_clock::now() +
                                 std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                     std::chrono::duration<double>(lim.io_timeout_s)));
  for (;;) {
    int outq = 0;
    if (ioctl(fd, SIOCOUTQ, &outq) < 0) fail("ack wait: SIOCOUTQ", errno);
    if (outq == 0) return;
    if (std::chrono::steady_clock::now() >= give_up) throw std::runtime_error("ack wait: timeout");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

SocketInfo identify(int fd, SocketRole role, int family) {
  SocketInfo si;
  si.role = role;
  si.family = family;
  sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &sl) == 0) si.local_port = port_of(ss);
  sl = sizeof ss;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &sl) == 0) si.remote_port = port_of(ss);
  return si;
}

SocketInfo snapshot(int fd, SocketInfo si) {
  tcp_info ti{};
  socklen_t len = sizeof ti;
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0) fail("getsockopt(TCP_INFO)", errno);
  si.tcpi_total_retrans = ti.tcpi_total_retrans;
  si.tcpi_segs_out = ti.tcpi_segs_out;
  si.tcpi_data_segs_out = ti.tcpi_data_segs_out;
  si.tcpi_bytes_retrans = ti.tcpi_bytes_retrans;
  si.tcpi_retransmits = ti.tcpi_retransmits;
  return si;
}

}  // namespace retx::lab::sock
