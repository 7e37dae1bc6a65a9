// retx-bench-refuse-storm: COUNT blocking connects, one after the other: the
// workloads that price the probe's inet_sock_set_state program
// (bench/overhead/run-state-cost.sh). Prints a JSON line on stdout.
//
//   retx-bench-refuse-storm COUNT DST_IPV4 PORT
//     Nobody listens on PORT: each connect is refused with an RST at once, so
//     every connection makes exactly two state changes (CLOSE -> SYN_SENT ->
//     CLOSE) and never retransmits. {"connects":N,"refused":N,"seconds":S}
//   retx-bench-refuse-storm COUNT DST_IPV4 PORT --accept
//     Listens on DST_IPV4:PORT itself (an address of its own namespace), and
//     each connect is accepted, then reset by the client (SO_LINGER 0: no
//     TIME_WAIT to run out of ports): established connections that never
//     retransmit, three state changes on each side (client CLOSE -> SYN_SENT
//     -> ESTABLISHED -> CLOSE, server child LISTEN -> SYN_RECV ->
//     ESTABLISHED -> CLOSE). {"connects":N,"accepted":N,"seconds":S}
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

int tcp_socket() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) std::fprintf(stderr, "refuse-storm: socket: %s\n", std::strerror(errno));
  return fd;
}

int listen_on(const sockaddr_in& at) {
  int fd = tcp_socket();
  const int one = 1;
  if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
      bind(fd, reinterpret_cast<const sockaddr*>(&at), sizeof(at)) != 0 || listen(fd, 128) != 0) {
    std::fprintf(stderr, "refuse-storm: listen on the given address: %s\n", std::strerror(errno));
    return -1;
  }
  return fd;
}

// One connection accepted and reset; false when a step failed.
bool accepted_connection(int listener, const sockaddr_in& dst) {
  int c = tcp_socket();
  if (c < 0) return false;
  bool ok = connect(c, reinterpret_cast<const sockaddr*>(&dst), sizeof(dst)) == 0;
  int s = ok ? accept4(listener, nullptr, nullptr, SOCK_CLOEXEC) : -1;
  const linger reset{1, 0};
  setsockopt(c, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
  close(c);
  if (s >= 0) close(s);
  return s >= 0;
}

}  // namespace

int main(int argc, char** argv) {
  const bool accept_mode = argc == 5 && std::strcmp(argv[4], "--accept") == 0;
  if (argc != 4 && !accept_mode) {
    std::fprintf(stderr, "usage: %s COUNT DST_IPV4 PORT [--accept]\n", argv[0]);
    return 2;
  }
  const long n = std::strtol(argv[1], nullptr, 10);
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(static_cast<uint16_t>(std::atoi(argv[3])));
  if (n <= 0 || inet_pton(AF_INET, argv[2], &dst.sin_addr) != 1) {
    std::fprintf(stderr, "refuse-storm: bad COUNT or DST_IPV4\n");
    return 2;
  }
  const int listener = accept_mode ? listen_on(dst) : -1;
  if (accept_mode && listener < 0) return 1;
  const auto t0 = std::chrono::steady_clock::now();
  long connects = 0, done = 0;
  for (long i = 0; i < n; ++i) {
    ++connects;
    if (accept_mode) {
      done += accepted_connection(listener, dst);
      continue;
    }
    int fd = tcp_socket();
    if (fd < 0) break;
    if (connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof(dst)) != 0 && errno == ECONNREFUSED) ++done;
    close(fd);
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("{\"connects\":%ld,\"%s\":%ld,\"seconds\":%.3f}\n", connects, accept_mode ? "accepted" : "refused", done,
              s);
  return done == n ? 0 : 1;
}
