// A socket connected, disconnected (connect with AF_UNSPEC) and connected
// again keeps the probe's per-socket state from its first connection; the
// kernel resets the socket's total_retrans at the disconnect. The second
// connect's SYN retransmits are counted by their hits, and its failure (a
// close from SYN_SENT) must not count them again against the stale baseline.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "exporter_fixture.h"
#include "netns_exec.h"
#include "run_cmd.h"
#include "syn_sent.h"

using namespace retx;
using namespace retx::lab;
using namespace retx::test;

namespace {

class ExporterReconnect : public ProbeSuite {};

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  return a;
}

// Connects to a listener, disconnects, then connects to a port whose SYNs
// are dropped, with one SYN retransmit allowed: ETIMEDOUT after ~3 s.
// Returns the second connect's errno.
int reconnect_into_a_blackhole(std::uint16_t dropped_port) {
  int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in any = loopback(0);
  socklen_t len = sizeof(any);
  EXPECT_EQ(bind(l, reinterpret_cast<sockaddr*>(&any), sizeof(any)), 0);
  EXPECT_EQ(listen(l, 4), 0);
  EXPECT_EQ(getsockname(l, reinterpret_cast<sockaddr*>(&any), &len), 0);
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  EXPECT_EQ(connect(s, reinterpret_cast<sockaddr*>(&any), sizeof(any)), 0) << std::strerror(errno);
  sockaddr unspec{};
  unspec.sa_family = AF_UNSPEC;
  EXPECT_EQ(connect(s, &unspec, sizeof(unspec)), 0) << "disconnect: " << std::strerror(errno);
  const int one_retransmit = 1;
  EXPECT_EQ(setsockopt(s, IPPROTO_TCP, TCP_SYNCNT, &one_retransmit, sizeof(one_retransmit)), 0);
  sockaddr_in dropped = loopback(dropped_port);
  int err = connect(s, reinterpret_cast<sockaddr*>(&dropped), sizeof(dropped)) == 0 ? 0 : errno;
  close(s);
  close(l);
  return err;
}

}  // namespace

TEST_F(ExporterReconnect, FailedReconnectCountsItsSynRetransmitsOnce) {
  Topology topo(topology_spec());
  const auto& c = topo.client(0);
  const std::uint16_t port = 9;
  drop_syns_to(c, "rxl_reconnect", port);  // gone with the namespace when the topology is removed
  Window w({probe_}, {c});
  int err = 0;
  run_in_netns(c.path, [&] { err = reconnect_into_a_blackhole(port); });
  w.close();
  EXPECT_EQ(err, ETIMEDOUT) << std::strerror(err);
  EXPECT_GE(w.kernel(c, "Tcp.RetransSegs"), 1u) << "the second connect retransmitted its SYN";
  EXPECT_EQ(w.exporter(c).sent, w.kernel(c, "Tcp.RetransSegs"));
  EXPECT_EQ(w.exporter(c).sent_by_cause["syn"], w.kernel(c, "TcpExt.TCPSynRetrans"));
  expect_identity(w, c);
}
