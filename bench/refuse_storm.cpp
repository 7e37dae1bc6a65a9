// retx-bench-refuse-storm: COUNT blocking connects, one after the other, to a
// port nobody listens on. Each is refused with an RST at once, so every
// connection makes exactly two state changes (CLOSE -> SYN_SENT -> CLOSE) and
// never retransmits: the workload that prices the probe's
// inet_sock_set_state program (bench/overhead/run-state-cost.sh). Prints
// {"connects":N,"refused":N,"seconds":S} on stdout.
//
//   retx-bench-refuse-storm COUNT DST_IPV4 PORT
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s COUNT DST_IPV4 PORT\n", argv[0]);
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
  const auto t0 = std::chrono::steady_clock::now();
  long connects = 0, refused = 0;
  for (long i = 0; i < n; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      std::fprintf(stderr, "refuse-storm: socket #%ld: %s\n", i, std::strerror(errno));
      break;
    }
    ++connects;
    if (connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof(dst)) != 0 && errno == ECONNREFUSED) ++refused;
    close(fd);
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("{\"connects\":%ld,\"refused\":%ld,\"seconds\":%.3f}\n", connects, refused, s);
  return refused == n ? 0 : 1;
}
