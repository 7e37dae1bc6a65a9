#include <gtest/gtest.h>

#include <cmath>

#include "measurements.h"
#include "prom_text.h"

using namespace retx::lab;

TEST(LabCorePromText, ParsesLabelsEscapesAndSpecialValues) {
  auto s = parse_prom_text(
      "# HELP tcp_retransmissions_total Retransmitted segments.\n"
      "# TYPE tcp_retransmissions_total counter\n"
      "tcp_retransmissions_total{netns=\"4026531840\",family=\"ipv4\",cause=\"fast\"} 12\n"
      "tcp_retransmissions_total{netns=\"4026531840\",family=\"ipv6\",cause=\"rto\"} 3 1700000000000\n"
      "tcp_netns_info{netns=\"1\",name=\"a \\\"q\\\" \\\\ b\\nc\"} 1\n"
      "retx_exporter_peer_series 4.5e+01\n"
      "weird{a=\"x\",} +Inf\n"
      "nan_metric NaN\r\n");
  ASSERT_EQ(s.samples.size(), 6u);
  EXPECT_EQ(s.sum("tcp_retransmissions_total"), 15);
  EXPECT_EQ(s.sum("tcp_retransmissions_total", {{"family", "ipv4"}}), 12);
  EXPECT_EQ(s.sum("tcp_retransmissions_total", {{"family", "ipv4"}, {"cause", "rto"}}), 0);
  EXPECT_EQ(s.samples[2].labels.at("name"), "a \"q\" \\ b\nc");
  EXPECT_EQ(s.sum("retx_exporter_peer_series"), 45);
  EXPECT_TRUE(std::isinf(s.samples[4].value));
  EXPECT_TRUE(std::isnan(s.samples[5].value));
  EXPECT_TRUE(s.has("weird"));
  EXPECT_FALSE(s.has("absent"));
}

TEST(LabCorePromText, MalformedLinesNameTheLine) {
  try {
    parse_prom_text("ok 1\nbad{a=\"x\" 2\n");
    FAIL() << "accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("line 2:", 0), 0u) << e.what();
  }
  EXPECT_THROW(parse_prom_text("m{a=\"x\"} twelve\n"), std::runtime_error);
  EXPECT_THROW(parse_prom_text("m{a=\"\\q\"} 1\n"), std::runtime_error);
  EXPECT_THROW(parse_prom_text("m 1 2 3\n"), std::runtime_error);
}

TEST(LabCorePromText, NetnsFilterAndDeltas) {
  auto before = parse_prom_text(
      "tcp_retransmissions_total{netns=\"5\",cause=\"fast\"} 10\n"
      "tcp_retransmissions_total{netns=\"6\",cause=\"fast\"} 99\n");
  auto after = parse_prom_text(
      "tcp_retransmissions_total{netns=\"5\",cause=\"fast\"} 15\n"
      "tcp_retransmissions_total{netns=\"5\",cause=\"syn\"} 1\n"
      "tcp_retransmit_failures_total{netns=\"5\",cause=\"fast\",stage=\"xmit\",errno=\"ENOBUFS\"} 2\n"
      "tcp_retransmit_failures_total{netns=\"5\",cause=\"fast\",stage=\"early\",errno=\"EBUSY\"} 7\n"
      "tcp_retransmissions_total{netns=\"6\",cause=\"fast\"} 500\n");
  auto d = exporter_ns_delta(filter_netns(before, 5), filter_netns(after, 5));
  EXPECT_TRUE(d.series_seen);
  EXPECT_EQ(d.retransmissions, 6);
  EXPECT_EQ(d.xmit_failures, 2);
  EXPECT_EQ(d.early_failures, 7);
  EXPECT_EQ(d.retrans_by_cause.at("fast"), 5);
  EXPECT_EQ(d.retrans_by_cause.at("syn"), 1);
  EXPECT_EQ(d.xmit_failures_by_cause.at("fast"), 2);
}

TEST(LabCorePromText, CounterDeltasAreSigned) {
  retx::ProcCounters before{{"Tcp.RetransSegs", 10}, {"Tcp.OutSegs", 5}};
  retx::ProcCounters after{{"Tcp.RetransSegs", 14}, {"Tcp.OutSegs", 4}, {"TcpExt.New", 3}};
  auto d = counter_deltas(before, after);
  EXPECT_EQ(d.at("Tcp.RetransSegs"), 4);
  EXPECT_EQ(d.at("Tcp.OutSegs"), -1);
  EXPECT_EQ(d.at("TcpExt.New"), 3);
  EXPECT_EQ(delta_or_zero(d, "TcpExt.Absent"), 0);
}
