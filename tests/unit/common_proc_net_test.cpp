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
