// nft impairments on the router (targeted drops, shared with the bpf backend:
// lab_kernel_targeted_drop_test.cpp), checked against the kernel's own counters in
// the endpoint namespaces and against TCP_INFO of every socket.
#include <gtest/gtest.h>

#include "cleanup.h"
#include "lab_impairment_run.h"
#include "run_cmd.h"

using namespace retx::lab;
using namespace retx::lab::test;

namespace {

class LabKernelImpairment : public SharedTopology<::testing::Test> {
 protected:
  void SetUp() override { ASSERT_TRUE(backend_available("nft")) << "nft backend must work on this kernel"; }

  static Outcome run(const ImpairmentSpec& is, const TrafficSpec& ts) { return run_impaired(*topo, is, ts, "nft"); }

  static TrafficSpec paced_bulk() {
    TrafficSpec ts;
    ts.bytes = 4 << 20;
    // Paced: an unpaced veth run retransmits spuriously (KERNEL-NOTES).
    ts.pacing_mbit = mbit(100 << 20);
    return ts;
  }
};

}  // namespace

TEST_F(LabKernelImpairment, RandomLossOnUploadIsRealisedAndRetransmitted) {
  auto o = run(random_loss(0.05), paced_bulk());
  EXPECT_EQ(o.traffic.errors, 0u);
  EXPECT_GT(o.stats.packets_dropped, 0u);
  EXPECT_TRUE(o.stats.segments_exact);
  EXPECT_EQ(o.stats.segments_dropped, o.stats.packets_dropped) << "gso_max_segs 1: one skb, one segment";
  // TCPOrigDataSent also counts the bare FIN, which carries no payload.
  EXPECT_GE(o.stats.candidates + 1, o.client["TcpExt.TCPOrigDataSent"]) << "every data segment passed the rule";
  expect_client_repaired_every_drop(o);
  EXPECT_EQ(o.server["Tcp.RetransSegs"], 0u) << "pure ACKs were not dropped";
}

TEST_F(LabKernelImpairment, RandomLossOnIpv6DownloadHitsTheServer) {
  auto ts = paced_bulk();
  ts.family = AF_INET6;
  ts.transfer = Transfer::Download;
  auto o = run(random_loss(0.05), ts);
  EXPECT_EQ(o.traffic.errors, 0u);
  EXPECT_GT(o.stats.packets_dropped, 0u);
  EXPECT_GE(o.server["Tcp.RetransSegs"], o.stats.segments_dropped);
  EXPECT_EQ(total_retrans(o.traffic, SocketRole::Server), o.server["Tcp.RetransSegs"]);
  EXPECT_EQ(o.client["Tcp.RetransSegs"], 0u);
}

TEST_F(LabKernelImpairment, NthSegmentDropsExactlyOne) {
  ImpairmentSpec is;
  is.kind = ImpairKind::NthSegment;
  is.nth = 200;
  auto o = run(is, paced_bulk());
  EXPECT_EQ(o.traffic.errors, 0u);
  EXPECT_EQ(o.stats.packets_dropped, 1u);
  EXPECT_GE(o.stats.candidates, is.nth);
  EXPECT_GE(o.client["Tcp.RetransSegs"], 1u);
}

TEST_F(LabKernelImpairment, PermanentBlackholeDoesNotHangTheDriver) {
  ImpairmentSpec is;
  is.kind = ImpairKind::Blackhole;
  is.blackhole.duration_ms = 600'000;
  TrafficSpec ts;
  ts.bytes = 1 << 20;
  ts.connect_timeout_s = 0.5;
  ts.max_seconds = 2;
  auto t0 = std::chrono::steady_clock::now();
  auto o = run(is, ts);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  EXPECT_GE(o.traffic.errors, 1u);
  ASSERT_FALSE(o.traffic.error_messages.empty());
  EXPECT_NE(o.traffic.error_messages[0].find("connect"), std::string::npos) << o.traffic.error_messages[0];
}

TEST_F(LabKernelImpairment, SocketsThatFailMidTransferStillReportTcpInfo) {
  ImpairmentSpec is;
  is.kind = ImpairKind::Blackhole;
  is.blackhole.start_ms = 200;
  is.blackhole.duration_ms = 600'000;
  TrafficSpec ts;
  ts.bytes = 64 << 20;
  ts.pacing_mbit = mbit(10 << 20);
  ts.io_timeout_s = 1.0;
  ts.max_seconds = 2.0;
  auto o = run(is, ts);
  EXPECT_GE(o.traffic.errors, 1u);
  EXPECT_EQ(o.traffic.connections, 1u);
  ASSERT_EQ(o.traffic.sockets.size(), 2u) << "both ends are reported although the exchange failed";
  for (const auto& so : o.traffic.sockets) {
    EXPECT_FALSE(so.completed);
    if (so.role == SocketRole::Client) {
      EXPECT_GE(so.tcpi_total_retrans, 1u) << "RTO retransmits into the blackhole";
    }
  }
}

TEST_F(LabKernelImpairment, AckPathLossSparesTheData) {
  ImpairmentSpec is = random_loss(0.05);
  is.direction = Direction::Ack;
  auto o = run(is, paced_bulk());
  EXPECT_EQ(o.traffic.errors, 0u);
  EXPECT_GT(o.stats.packets_dropped, 0u);
  // The server sends no data here; all it can retransmit is a dropped SYN-ACK
  // or FIN (the ACK direction takes every TCP packet on that side).
  EXPECT_LE(o.server["Tcp.RetransSegs"], o.stats.packets_dropped);
  EXPECT_LT(o.stats.candidates, o.client["TcpExt.TCPOrigDataSent"]) << "the server sends fewer ACKs than data segments";
}

TEST_F(LabKernelImpairment, RemovedOnDestruction) {
  const ImpairmentSpec is = random_loss(0.5);
  {
    Impairment imp(*topo, is, Transfer::Upload, "nft");
    EXPECT_NE(run_cmd({"ip", "netns", "exec", topo->router().name, "nft", "list", "tables"}).out.find("retxlab"),
              std::string::npos);
  }
  EXPECT_EQ(run_cmd({"ip", "netns", "exec", topo->router().name, "nft", "list", "tables"}).out.find("retxlab"),
            std::string::npos);
  EXPECT_THROW(Impairment(*topo, is, Transfer::Upload, "netem-not-a-backend"), std::invalid_argument);
}

TEST(LabKernelImpairmentGso, SegmentsAreEstimatedFromBytes) {
  auto owned = own_topology();
  const Topology& topo = *owned;
  const ImpairmentSpec is = random_loss(0.05);
  auto bc = read_counters(topo.client(0));
  TrafficSpec ts;
  ts.bytes = 16 << 20;
  ImpairmentStats st;
  {
    Impairment imp(topo, is, ts.transfer, "nft");
    EXPECT_EQ(run_traffic(topo, ts).errors, 0u);
    st = imp.stats();
  }
  auto d = counter_delta(bc, read_counters(topo.client(0)));
  EXPECT_FALSE(st.segments_exact);
  EXPECT_GT(st.packets_dropped, 0u);
  EXPECT_GE(st.segments_dropped, st.packets_dropped);
  EXPECT_GE(d["Tcp.RetransSegs"], st.packets_dropped);
}

TEST(LabKernelImpairmentTwoClients, DownloadLossReachesTheSecondClient) {
  auto owned = own_topology(Offload::SegmentExact, 2);
  const Topology& topo = *owned;
  for (const std::string backend : {"nft", "bpf"}) {
    if (!backend_available(backend)) continue;
    SCOPED_TRACE(backend);
    const ImpairmentSpec is = random_loss(0.05);
    TrafficSpec ts;
    ts.transfer = Transfer::Download;
    ts.client_index = 1;
    ts.bytes = 2 << 20;
    ts.pacing_mbit = mbit(100 << 20);
    auto before = read_counters(topo.server());
    ImpairmentStats st;
    {
      Impairment imp(topo, is, ts.transfer, backend);
      EXPECT_EQ(imp.interfaces(), (std::vector<std::string>{"to-c1", "to-c2"}));
      EXPECT_EQ(run_traffic(topo, ts).errors, 0u);
      st = imp.stats();
    }
    auto d = counter_delta(before, read_counters(topo.server()));
    EXPECT_GT(st.packets_dropped, 0u);
    EXPECT_GE(d["Tcp.RetransSegs"], st.segments_dropped);
  }
}
