// retx-bench-syn-storm: opens N connections at once to an address whose SYNs
// are dropped (an nft rule set up by bench/overhead/scrape.sh), holds them
// past the first SYN retransmit (1 s), then closes them. Each connection adds
// exactly one peer key to the exporter (cause="syn", distinct local port), so
// the scrape benchmark can grow /metrics to a chosen series count quickly and
// deterministically, which random data loss cannot.
//
//   retx-bench-syn-storm CONNECTIONS DST_IPV4 PORT [HOLD_MS]
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s CONNECTIONS DST_IPV4 PORT [HOLD_MS]\n", argv[0]);
    return 2;
  }
  const long n = std::strtol(argv[1], nullptr, 10);
  const int hold_ms = argc > 4 ? std::atoi(argv[4]) : 1500;
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(static_cast<uint16_t>(std::atoi(argv[3])));
  if (n <= 0 || inet_pton(AF_INET, argv[2], &dst.sin_addr) != 1) {
    std::fprintf(stderr, "syn-storm: bad CONNECTIONS or DST_IPV4\n");
    return 2;
  }
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  if (rl.rlim_cur < static_cast<rlim_t>(n) + 64) {
    rl.rlim_cur = std::min<rlim_t>(rl.rlim_max, static_cast<rlim_t>(n) + 64);
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  std::vector<int> fds;
  fds.reserve(static_cast<size_t>(n));
  for (long i = 0; i < n; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      std::fprintf(stderr, "syn-storm: socket #%ld: %s\n", i, std::strerror(errno));
      break;
    }
    if (connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof(dst)) != 0 && errno != EINPROGRESS) {
      std::fprintf(stderr, "syn-storm: connect #%ld: %s\n", i, std::strerror(errno));
      close(fd);
      break;
    }
    fds.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(hold_ms));
  for (int fd : fds) close(fd);
  std::printf("%zu\n", fds.size());
  return fds.size() == static_cast<size_t>(n) ? 0 : 1;
}
