// retx-bench-syn-storm: opens N connections at once to an address whose SYNs
// are dropped (an nft rule set up by bench/overhead/scrape.sh), holds them
// past the first SYN retransmit (1 s), then closes them. Each connection adds
// exactly one peer key to the exporter (cause="syn", distinct local port), so
// the scrape benchmark can grow /metrics to a chosen series count quickly and
// deterministically, which random data loss cannot.
//
// With SPREAD_MS, the opens are paced evenly over that time and each
// connection is closed HOLD_MS after its own open: the SYN retransmits then
// arrive at a steady rate (the probe-cost benchmark's SYN-storm workload)
// instead of in one burst per RTO.
//
//   retx-bench-syn-storm CONNECTIONS DST_IPV4 PORT [HOLD_MS [SPREAD_MS]]
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

namespace {

using Clock = std::chrono::steady_clock;

// Sleeps until connection i of n is due when n are spread over spread_ms.
// Checked every 32 connections: a sleep per connection costs more than it paces.
void pace(Clock::time_point start, long i, long n, int spread_ms) {
  if (spread_ms <= 0 || i % 32 != 0) return;
  std::this_thread::sleep_until(start + std::chrono::microseconds(i * 1000L * spread_ms / n));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s CONNECTIONS DST_IPV4 PORT [HOLD_MS [SPREAD_MS]]\n", argv[0]);
    return 2;
  }
  const long n = std::strtol(argv[1], nullptr, 10);
  const int hold_ms = argc > 4 ? std::atoi(argv[4]) : 1500;
  const int spread_ms = argc > 5 ? std::atoi(argv[5]) : 0;
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(static_cast<uint16_t>(std::atoi(argv[3])));
  if (n <= 0 || inet_pton(AF_INET, argv[2], &dst.sin_addr) != 1) {
    std::fprintf(stderr, "syn-storm: bad CONNECTIONS or DST_IPV4\n");
    return 2;
  }
  // Root may raise the hard limit too (up to fs.nr_open): 25,000 held
  // connections exceed the usual 20,000.
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  const rlim_t want = static_cast<rlim_t>(n) + 64;
  if (rl.rlim_cur < want) {
    rlimit raised{want, std::max(rl.rlim_max, want)};
    if (setrlimit(RLIMIT_NOFILE, &raised) != 0) {
      rl.rlim_cur = std::min(rl.rlim_max, want);
      setrlimit(RLIMIT_NOFILE, &rl);
    }
  }
  std::vector<int> fds;
  fds.reserve(static_cast<size_t>(n));
  const auto opened = Clock::now();
  for (long i = 0; i < n; ++i) {
    pace(opened, i, n, spread_ms);
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
  const auto closing = opened + std::chrono::milliseconds(hold_ms);
  std::this_thread::sleep_until(closing);
  for (size_t i = 0; i < fds.size(); ++i) {
    pace(closing, static_cast<long>(i), n, spread_ms);
    close(fds[i]);
  }
  std::printf("%zu\n", fds.size());
  return fds.size() == static_cast<size_t>(n) ? 0 : 1;
}
