// retx-bench-socket-farm: holds CONNECTIONS established loopback TCP
// connections (2 x CONNECTIONS sockets) in the namespace it runs in, until
// SIGINT or SIGTERM: the population bench/overhead/run-top.sh times retx-top
// over. Prints "ready SOCKETS" on stderr once every connection is accepted.
//
//   retx-bench-socket-farm CONNECTIONS
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

int fail(const char* what) {
  std::fprintf(stderr, "socket-farm: %s: %s\n", what, std::strerror(errno));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 0;
  if (n <= 0 || n > 500000) {
    std::fprintf(stderr, "usage: %s CONNECTIONS (1..500000)\n", argv[0]);
    return 2;
  }
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = std::min<rlim_t>(rl.rlim_max, static_cast<rlim_t>(2 * n + 64));
  setrlimit(RLIMIT_NOFILE, &rl);
  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (lfd < 0 || bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(lfd, 4096) != 0 ||
      getsockname(lfd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    return fail("listen on 127.0.0.1");
  }
  std::vector<int> fds;
  fds.reserve(static_cast<std::size_t>(2 * n));
  for (long i = 0; i < n; ++i) {
    int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c < 0 || connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return fail("connect");
    int s = accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
    if (s < 0) return fail("accept");
    fds.push_back(c);
    fds.push_back(s);
  }
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  sigprocmask(SIG_BLOCK, &sigs, nullptr);
  std::fprintf(stderr, "ready %zu\n", fds.size());
  int sig = 0;
  sigwait(&sigs, &sig);
  for (int fd : fds) close(fd);
  close(lfd);
  return 0;
}
