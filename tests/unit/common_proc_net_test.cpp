#include <gtest/gtest.h>

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
