#include <gtest/gtest.h>

#include <string>

#include "netns_counters_text.h"
#include "proc_net.h"

namespace {

// A netstat whose served fields have distinct values, among fields that are not served.
std::string netstat_text() {
  std::string names = "TcpExt: SyncookiesSent TCPOrigDataSent", values = "TcpExt: 5 4242";
  std::uint64_t v = 100;
  for (const auto& k : retx::spurious_counters()) {
    names += " " + std::string(k.proc_key).substr(7) + " Other" + std::to_string(v);
    values += " " + std::to_string(v) + " 1";
    v += 11;
  }
  return "MPTcpExt: TCPOrigDataSent\nMPTcpExt: 9\n" + names + "\n" + values + "\nIpExt: InNoRoutes\nIpExt: 3\n";
}

}  // namespace

// Each served field gets the value the full parser finds under its key.
TEST(NetnsCountersText, EveryServedFieldFromItsOwnColumn) {
  const std::string snmp =
      "Ip: Forwarding\nIp: 1\nTcp: MaxConn OutSegs RetransSegs InErrs\nTcp: -1 777 31 2\nUdp: OutSegs\nUdp: 3\n";
  const std::string netstat = netstat_text();
  retx::NetnsCounters n;
  retx::counters_from_text(snmp, netstat, n);
  retx::ProcCounters all;
  retx::parse_proc_net(netstat, all);
  EXPECT_EQ(n.out_segs, 777u);
  EXPECT_EQ(n.retrans_segs, 31u);
  EXPECT_EQ(n.orig_data_sent, 4242u);
  for (const auto& k : retx::spurious_counters()) {
    EXPECT_EQ(n.spurious.*k.field, retx::counter_or_zero(all, k.proc_key)) << k.proc_key;
    EXPECT_GE(n.spurious.*k.field, 100u) << k.proc_key;
  }
}

TEST(NetnsCountersText, MissingGroupsReadZero) {
  retx::NetnsCounters n;
  n.out_segs = n.orig_data_sent = n.retrans_segs = 1;
  retx::counters_from_text("Ip: Forwarding\nIp: 1\n", "IpExt: InNoRoutes\nIpExt: 3\n", n);
  EXPECT_EQ(n.out_segs, 0u);
  EXPECT_EQ(n.retrans_segs, 0u);
  EXPECT_EQ(n.orig_data_sent, 0u);
}
