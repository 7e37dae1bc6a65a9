#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "proc_net.h"

TEST(ProcNet, ParsesHeaderValuePairsAndSkipsConstants) {
  retx::ProcCounters c;
  retx::parse_proc_net(
      "Ip: Forwarding DefaultTTL\nIp: 1 64\nTcp: RtoAlgorithm MaxConn OutSegs RetransSegs\nTcp: 1 -1 500 7\n", c);
  EXPECT_EQ(retx::counter_or_zero(c, "Tcp.OutSegs"), 500u);
  EXPECT_EQ(retx::counter_or_zero(c, "Tcp.RetransSegs"), 7u);
  EXPECT_EQ(c.count("Tcp.MaxConn"), 0u);
  EXPECT_EQ(retx::counter_or_zero(c, "TcpExt.Missing"), 0u);
}

TEST(ProcNet, MismatchedLinesNameTheGroup) {
  retx::ProcCounters c;
  try {
    retx::parse_proc_net("TcpExt: A B\nTcpExt: 1\n", c);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("TcpExt"), std::string::npos);
  }
}

TEST(ProcNet, ReadsThisProcessNamespace) {
  auto c = retx::read_proc_net("/proc/self/net");
  EXPECT_TRUE(c.count("Tcp.RetransSegs"));
  EXPECT_TRUE(c.count("TcpExt.TCPSynRetrans"));
}

// The layout of 6.18's /proc/net/dev: two header lines, then one line per
// interface with 8 receive and 8 transmit columns (drop is the 4th of each).
TEST(ProcNetDrops, SumsTheDropColumnsOverInterfaces) {
  retx::ProcCounters c;
  retx::parse_proc_net_dev(
      "Inter-|   Receive                                                |  Transmit\n"
      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls "
      "carrier compressed\n"
      "    lo:     100       2    0    0    0     0          0         0      100       2    0    0    0     0       0 "
      "         0\n"
      "rxl-1-c1: 5000 40 1 3 0 0 0 0 9000 60 0 7 0 0 0 0\n"
      "  eth0: 1 1 0 2 0 0 0 0 1 1 0 1 0 0 0 0\n",
      c);
  EXPECT_EQ(retx::counter_or_zero(c, "Dev.RxDrop"), 5u);
  EXPECT_EQ(retx::counter_or_zero(c, "Dev.TxDrop"), 8u);
}

TEST(ProcNetDrops, ShortDevLineNamesTheInterface) {
  retx::ProcCounters c;
  try {
    retx::parse_proc_net_dev("  veth9: 1 2 3\n", c);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("veth9"), std::string::npos);
  }
}

TEST(ProcNetDrops, SoftnetDroppedIsTheHexSecondColumnSummedOverCpus) {
  retx::ProcCounters c;
  retx::parse_softnet_stat("0001e240 0000000a 00000003 00000000\n00000010 00000006 00000000 00000000\n", c);
  EXPECT_EQ(retx::counter_or_zero(c, "Softnet.Dropped"), 16u);
}

TEST(ProcNetDrops, ReadsThisMachine) {
  auto c = retx::read_drop_counters("/proc/self/net");
  EXPECT_TRUE(c.count("Dev.RxDrop"));
  EXPECT_TRUE(c.count("Dev.TxDrop"));
  EXPECT_TRUE(c.count("Softnet.Dropped"));
}

// The scrape's parser takes one group's named fields, in the order asked.
TEST(ProcNetFields, ReadsOnlyTheNamedFieldsOfOneGroup) {
  const std::string_view snmp =
      "Ip: Forwarding DefaultTTL\nIp: 1 64\nTcp: RtoAlgorithm MaxConn OutSegs RetransSegs\nTcp: 1 -1 500 7\n"
      "Udp: InDatagrams OutSegs\nUdp: 3 99\n";
  const std::string_view names[] = {"RetransSegs", "OutSegs", "MaxConn", "Missing"};
  std::uint64_t values[4] = {9, 9, 9, 9};
  EXPECT_TRUE(retx::parse_proc_net_fields(snmp, "Tcp", names, values));
  EXPECT_EQ(values[0], 7u);
  EXPECT_EQ(values[1], 500u);  // Tcp's, not Udp's
  EXPECT_EQ(values[2], 0u);    // a negative constant
  EXPECT_EQ(values[3], 0u);    // not in this kernel
}

TEST(ProcNetFields, GroupNamesMatchWhole) {
  const std::string_view netstat = "MPTcpExt: A\nMPTcpExt: 1\nTcpExt: A\nTcpExt: 2\n";
  const std::string_view names[] = {"A"};
  std::uint64_t v[1] = {};
  EXPECT_TRUE(retx::parse_proc_net_fields(netstat, "TcpExt", names, v));
  EXPECT_EQ(v[0], 2u);
  EXPECT_FALSE(retx::parse_proc_net_fields(netstat, "Tcp", names, v));
  EXPECT_EQ(v[0], 0u);
}

TEST(ProcNetFields, MismatchedLinesNameTheGroup) {
  const std::string_view names[] = {"A"};
  std::uint64_t v[1] = {};
  for (std::string_view bad : {"TcpExt: A B\nTcpExt: 1\n", "TcpExt: A\nIpExt: 1\n", "TcpExt: A\n"}) {
    try {
      retx::parse_proc_net_fields(bad, "TcpExt", names, v);
      ADD_FAILURE() << bad;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("TcpExt"), std::string::npos);
    }
  }
}

// Same figures as the full parser on this machine's own files.
TEST(ProcNetFields, AgreesWithTheFullParser) {
  auto slurp = [](const char* path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  std::string netstat = slurp("/proc/self/net/netstat");
  retx::ProcCounters all;
  retx::parse_proc_net(netstat, all);
  const std::string_view names[] = {"TCPSynRetrans", "TCPOrigDataSent", "TCPTimeouts"};
  std::uint64_t v[3] = {};
  ASSERT_TRUE(retx::parse_proc_net_fields(netstat, "TcpExt", names, v));
  EXPECT_EQ(v[0], retx::counter_or_zero(all, "TcpExt.TCPSynRetrans"));
  EXPECT_EQ(v[1], retx::counter_or_zero(all, "TcpExt.TCPOrigDataSent"));
  EXPECT_EQ(v[2], retx::counter_or_zero(all, "TcpExt.TCPTimeouts"));
}
