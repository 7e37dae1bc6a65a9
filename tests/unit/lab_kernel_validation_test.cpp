// Input checks of the kernel layer that need no root: sysctl keys, traffic
// specs, run prefixes.
#include "cleanup.h"
#include "counters.h"
#include "sysctl_check.h"
#include "sysctl_write.h"
#include "input_error.h"
#include "scenario_parse.h"
#include "traffic.h"

#include <gtest/gtest.h>
#include <unistd.h>

using namespace retx::lab;

TEST(LabKernelSysctl, PathFromKey) {
  EXPECT_EQ(sysctl_path("net.ipv4.tcp_sack"), "/proc/sys/net/ipv4/tcp_sack");
  EXPECT_EQ(sysctl_path("net.ipv6.conf.all.forwarding"), "/proc/sys/net/ipv6/conf/all/forwarding");
}

TEST(LabKernelSysctl, RejectsKeysOutsideNet) {
  for (const char* bad : {"kernel.panic", "net.", "net..x", "net.ipv4/../../x", "net.ipv4.tcp sack", "NET.ipv4.x", ""}) {
    try {
      sysctl_path(bad);
      FAIL() << bad;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("'") + bad + "'"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(check_sysctl_value("net.ipv4.tcp_sack", ""), std::invalid_argument);
  EXPECT_THROW(check_sysctl_value("net.ipv4.tcp_sack", "1\n0"), std::invalid_argument);
  EXPECT_NO_THROW(check_sysctl_value("net.ipv4.tcp_rmem", "4096 87380 6291456"));
}

TEST(LabKernelTrafficSpec, NamesTheBadField) {
  TrafficSpec s;
  s.bytes = 1000;
  EXPECT_EQ(traffic_spec_error(s, 1), "");
  auto t = s;
  t.flows = 0;
  EXPECT_NE(traffic_spec_error(t, 1).find("traffic.flows"), std::string::npos);
  t = s;
  t.client_index = 1;
  EXPECT_NE(traffic_spec_error(t, 1).find("traffic.client_index"), std::string::npos);
  EXPECT_EQ(traffic_spec_error(t, 2), "");
  t = s;
  t.bytes = 0;
  EXPECT_NE(traffic_spec_error(t, 1).find("bytes > 0 or duration_s"), std::string::npos);
  t.duration_s = 100;
  EXPECT_NE(traffic_spec_error(t, 1).find("max_seconds"), std::string::npos);
  t = s;
  t.mode = TrafficMode::Storm;
  t.connections = 0;
  EXPECT_NE(traffic_spec_error(t, 1).find("traffic.connections"), std::string::npos);
  t = s;
  t.family = 99;
  EXPECT_NE(traffic_spec_error(t, 1).find("traffic.family"), std::string::npos);
}

TEST(LabKernelCleanup, PrefixCarriesPidAndIsUnique) {
  auto a = make_run_prefix();
  auto b = make_run_prefix();
  EXPECT_NE(a, b);
  std::string head = "rxl-" + std::to_string(getpid()) + "-";
  EXPECT_EQ(a.rfind(head, 0), 0u) << a;
  EXPECT_EQ(make_run_prefix("abc").rfind("abc-", 0), 0u);
}

TEST(LabKernelCounters, DeltaPerKeyNeverNegative) {
  retx::ProcCounters before{{"Tcp.RetransSegs", 10}, {"Tcp.OutSegs", 500}};
  retx::ProcCounters after{{"Tcp.RetransSegs", 17}, {"Tcp.OutSegs", 400}, {"TcpExt.TCPSynRetrans", 2}};
  auto d = counter_delta(before, after);
  EXPECT_EQ(d["Tcp.RetransSegs"], 17u - 10u);
  EXPECT_EQ(d["Tcp.OutSegs"], 0u) << "a counter that went backwards is a recreated namespace, not a huge delta";
  EXPECT_EQ(d["TcpExt.TCPSynRetrans"], 2u) << "a key missing before counts from zero";
}

// What the scenario parser produces is what the kernel layer runs: no mapping
// in between, and the driver accepts it as written.
TEST(LabKernelTrafficSpec, ParsedGroupIsWhatTheDriverRuns) {
  nlohmann::json d = {{"suite", "t"},
                      {"scenarios",
                       {{{"name", "s"},
                         {"topology", {{"offload", "gso"}, {"clients", 2}}},
                         {"traffic",
                          {{"mode", "rr"}, {"transactions", 7}, {"family", "ipv6"}, {"direction", "download"},
                           {"pacing_mbit", 8}, {"timeout_s", 12}, {"clients", {2}}}},
                         {"expect", {{{"check", "exporter_exact"}}}}}}}};
  const auto s = parse_suite(d, "t.json").scenarios.at(0);
  EXPECT_EQ(s.topology.clients, 2);
  EXPECT_EQ(s.topology.offload, Offload::Gso);
  TrafficSpec t = s.traffic.at(0);
  t.client_index = s.traffic[0].clients.at(0) - 1;
  EXPECT_EQ(t.mode, TrafficMode::RequestResponse);
  EXPECT_EQ(t.transactions, 7u);
  EXPECT_EQ(t.family, AF_INET6);
  EXPECT_EQ(t.transfer, Transfer::Download);
  EXPECT_DOUBLE_EQ(t.pacing_mbit, 8);
  EXPECT_DOUBLE_EQ(t.max_seconds, 12);
  EXPECT_DOUBLE_EQ(t.io_timeout_s, 12) << "at most 15 s of silence, never past the run's cap";
  EXPECT_EQ(traffic_spec_error(t, s.topology.clients), "");
}

TEST(LabKernelSysctl, UnknownKeysAreFoundBeforeARun) {
  auto bad = invalid_sysctls({{"net.ipv4.tcp_sack", "1"}, {"net.ipv4.tcp_no_such_knob", "1"}, {"net.ipv4", "1"}});
  EXPECT_EQ(bad.count("net.ipv4.tcp_sack"), 0u);
  ASSERT_EQ(bad.count("net.ipv4.tcp_no_such_knob"), 1u);
  EXPECT_EQ(bad["net.ipv4.tcp_no_such_knob"].rfind("no such sysctl on this kernel (/proc/sys/net/ipv4/tcp_no_such_knob", 0), 0u)
      << bad["net.ipv4.tcp_no_such_knob"];
  ASSERT_EQ(bad.count("net.ipv4"), 1u);
  EXPECT_EQ(bad["net.ipv4"].rfind("not a sysctl value", 0), 0u) << bad["net.ipv4"];
  // As root the keys are judged in a fresh namespace, as the run's are: this
  // one exists only in the host's and would fail every attempt.
  if (::geteuid() == 0) {
    EXPECT_EQ(invalid_sysctls({{"net.core.netdev_max_backlog", "1000"}}).size(), 1u);
  }
}

TEST(LabKernelSysctl, SuiteCheckNamesFileAndPath) {
  auto doc = nlohmann::json::parse(R"({"suite": "t", "scenarios": [{"name": "s",
      "topology": {"sysctls": {"net.ipv4.tcp_sack": 1, "net.ipv4.tcp_sak": 0}},
      "traffic": {"mode": "bulk", "bytes": 1000}, "expect": [{"check": "exporter_exact"}]}]})");
  try {
    check_suite_sysctls(parse_suite(doc, "t.json"));
    FAIL() << "unknown sysctl accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("t.json: $.scenarios[0].topology.sysctls.net.ipv4.tcp_sak: no such sysctl", 0), 0u)
        << e.what();
  }
}
