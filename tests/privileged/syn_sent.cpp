#include "syn_sent.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "run_cmd.h"

namespace retx::test {

void drop_syns_to(const lab::Namespace& ns, const std::string& table, std::uint16_t port) {
  lab::run_cmd({"ip", "-n", ns.name, "link", "set", "lo", "up"}, {}, std::chrono::seconds(10));
  lab::run_cmd({"ip", "netns", "exec", ns.name, "nft", "-f", "-"},
               "table inet " + table + " { chain in { type filter hook input priority 0; tcp dport " +
                   std::to_string(port) + " tcp flags & (syn | ack) == syn drop; }; }",
               std::chrono::seconds(10));
}

void delete_table(const lab::Namespace& ns, const std::string& table) {
  lab::run_cmd({"ip", "netns", "exec", ns.name, "nft", "delete", "table", "inet", table}, {}, std::chrono::seconds(10));
}

int connect_loopback(std::uint16_t port) {
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  EXPECT_EQ(connect(s, reinterpret_cast<const sockaddr*>(&a), sizeof(a)), -1);
  EXPECT_EQ(errno, EINPROGRESS) << std::strerror(errno);
  return s;
}

std::uint16_t local_port(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  EXPECT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len), 0);
  return ntohs(ss.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                                        : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
}

}  // namespace retx::test
