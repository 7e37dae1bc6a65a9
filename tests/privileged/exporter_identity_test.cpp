// The exporter against the kernel, exactly, on real traffic through lab
// namespaces with nft loss (sch_netem is not built here).
#include <gtest/gtest.h>
#include <unistd.h>

#include "cleanup.h"
#include "exporter_fixture.h"

using namespace retx;
using namespace retx::lab;
using namespace retx::test;

namespace {

class ExporterIdentity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_EQ(geteuid(), 0u) << "privileged test: run as root";
    install_signal_cleanup();
    probe_ = new AttachedProbe();
  }
  static void TearDownTestSuite() {
    delete probe_;
    probe_ = nullptr;
  }
  static AttachedProbe* probe_;
};
AttachedProbe* ExporterIdentity::probe_ = nullptr;

// Loss on the data path: every namespace's count must match its kernel's,
// the sender must have retransmitted, the others not at all.
void run_loss_case(AttachedProbe& probe, Offload off, int family) {
  Topology topo(topology_spec(off));
  Impairment imp(topo, random_loss(0.03), Transfer::Upload, "nft");
  Window w({&probe}, topo.all());
  auto r = run_traffic(topo, bulk(family, 1.5));
  w.close();
  EXPECT_EQ(r.errors, 0u);
  EXPECT_GT(imp.stats().packets_dropped, 0u) << "the impairment dropped nothing: the test proves nothing";
  const auto& client = topo.client(0);
  EXPECT_GT(w.kernel(client, "Tcp.RetransSegs"), 0u);
  std::cout << "sockets' tcpi_total_retrans: " << total_retrans(r, SocketRole::Client) << ", kernel "
            << w.kernel(client, "Tcp.RetransSegs") << ", exporter " << w.exporter(client).sent << "; probe stats no_sock="
            << probe.snapshot().stats[RETX_STAT_NO_SOCK] << " lost=" << probe.snapshot().stats[RETX_STAT_LOST]
            << " misses=" << w.misses() << "\n";
  for (const auto& ns : topo.all()) expect_identity(w, ns);
  EXPECT_EQ(w.exporter(topo.router()).sent, 0u);
}

TEST_F(ExporterIdentity, GsoOnIPv4) { run_loss_case(*probe_, Offload::Gso, AF_INET); }
TEST_F(ExporterIdentity, SegmentExactIPv4) { run_loss_case(*probe_, Offload::SegmentExact, AF_INET); }
TEST_F(ExporterIdentity, GsoOnIPv6) { run_loss_case(*probe_, Offload::Gso, AF_INET6); }
TEST_F(ExporterIdentity, SegmentExactIPv6) { run_loss_case(*probe_, Offload::SegmentExact, AF_INET6); }

// GSO packs many segments per skb: segments must exceed hits, or the test
// did not exercise the pcount path at all.
TEST_F(ExporterIdentity, CountsSegmentsNotSkbs) {
  Topology topo(topology_spec(Offload::Gso));
  Impairment imp(topo, random_loss(0.03), Transfer::Upload, "nft");
  auto before = probe_->snapshot();
  auto r = run_traffic(topo, bulk(AF_INET, 1.5));
  auto after = probe_->snapshot();
  std::uint64_t segs = 0, skbs = 0;
  for (const auto& row : after.agg) {
    if (row.key.netns != topo.client(0).inode || row.key.outcome != RETX_OUTCOME_SENT) continue;
    segs += row.value.segs;
    skbs += row.value.skbs;
  }
  for (const auto& row : before.agg) {
    if (row.key.netns != topo.client(0).inode || row.key.outcome != RETX_OUTCOME_SENT) continue;
    segs -= row.value.segs;
    skbs -= row.value.skbs;
  }
  EXPECT_GT(skbs, 0u);
  EXPECT_GT(segs, skbs) << "with GSO on, retransmitted skbs should carry several segments";
}

// A namespace with no traffic stays at zero while its neighbour loses packets.
TEST_F(ExporterIdentity, OtherNamespaceShowsZero) {
  Topology busy(topology_spec(Offload::Gso));
  Topology idle(topology_spec(Offload::Gso));
  Impairment imp(busy, random_loss(0.05), Transfer::Upload, "nft");
  Window w({probe_}, idle.all());
  Window wb({probe_}, busy.all());
  run_traffic(busy, bulk(AF_INET, 1.0));
  w.close();
  wb.close();
  EXPECT_GT(wb.exporter(busy.client(0)).sent, 0u);
  for (const auto& ns : idle.all()) {
    auto e = w.exporter(ns);
    EXPECT_EQ(e.sent + e.xmit + e.early, 0u) << ns.name;
    EXPECT_EQ(w.kernel(ns, "Tcp.RetransSegs"), 0u) << ns.name;
  }
}

// Retransmits that fail inside tcp_transmit_skb: an nft rule in the sender's
// own output path drops one in twenty of its data packets, which the stack reports
// to TCP as -EPERM after RetransSegs was counted. The exporter must put them
// in stage "xmit", matching TcpExt TCPRetransFail exactly.
TEST_F(ExporterIdentity, TransmitFailuresMatchTCPRetransFail) {
  Topology topo(topology_spec(Offload::SegmentExact));
  Impairment imp(topo, random_loss(0.03), Transfer::Upload, "nft");
  const auto& c = topo.client(0);
  std::string rule = "ip netns exec " + c.name +
                     " nft 'add table inet rxlfail; add chain inet rxlfail out { type filter hook output priority 0; };"
                     " add rule inet rxlfail out meta l4proto tcp meta length > 200 numgen random mod 100 < 5 drop'";
  ASSERT_EQ(std::system(rule.c_str()), 0) << rule;  // removed with the namespace
  Window w({probe_}, topo.all());
  run_traffic(topo, bulk(AF_INET, 1.5));
  w.close();
  EXPECT_GT(w.kernel(c, "TcpExt.TCPRetransFail"), 0u) << "no retransmit failed: the test proves nothing";
  EXPECT_GT(w.exporter(c).xmit, 0u);
  for (const auto& ns : topo.all()) expect_identity(w, ns);
}

ImpairmentSpec targeted(ImpairKind k) {
  ImpairmentSpec i;
  i.kind = k;
  return i;
}

TrafficSpec one_exchange(int family) {
  TrafficSpec t;
  t.mode = TrafficMode::RequestResponse;
  t.family = family;
  t.transactions = 1;
  return t;
}

void check_first_syn(const Window& w, const TrafficResult& r, const Topology& topo) {
  ASSERT_EQ(r.errors, 0u);
  const auto& c = topo.client(0);
  EXPECT_EQ(w.exporter(c).sent_by_cause["syn"], 1u) << w.probe_detail(c);
  EXPECT_EQ(w.exporter(c).sent_by_cause["syn"], w.kernel(c, "TcpExt.TCPSynRetrans"));
  ASSERT_EQ(r.connect_seconds.size(), 1u);
  EXPECT_GT(r.connect_seconds[0], 0.8) << "a lost SYN is retransmitted after the 1 s initial RTO";
  for (const auto& ns : topo.all()) expect_identity(w, ns);
}

// Now and then the kernel runs none of the probe's programs for the
// retransmitted SYN, nor for the connection's setup: 4 runs in 874 here, IPv4
// and IPv6 alike, with recursion_misses 0 and no program loaded or unloaded,
// skb_hits +0 while TCPSynRetrans +1. That is this VM's kernel: it runs no
// tracing program while PID 1 is the current task, so the SYN's timer and
// the SYN-ACK's arrival must both have run in softirq on top of PID 1 (bpf/README.md,
// "Programs the kernel skips"). The probe still counts the segment, at the
// socket's CLOSE, but cannot know it was a SYN. On such a kernel the run is
// repeated once (a second one fails); on any other a skipped hit fails.
void run_first_syn(AttachedProbe& probe, int family) {
  for (int attempt = 1;; ++attempt) {
    Topology topo(topology_spec(Offload::Gso));
    Impairment imp(topo, targeted(ImpairKind::FirstSyn), Transfer::Upload, "nft");
    Window w({&probe}, topo.all());
    auto r = run_traffic(topo, one_exchange(family));
    w.close();
    const auto& c = topo.client(0);
    if (attempt == 1 && probe.probe().features().skips_pid1_context &&
        w.stat(RETX_STAT_SKB_HITS) < w.kernel(c, "TcpExt.TCPSynRetrans")) {
      // Its total is still exact; only the cause is unknown.
      EXPECT_EQ(w.exporter(c).sent + w.exporter(c).xmit, w.kernel(c, "Tcp.RetransSegs")) << w.probe_detail(c);
      std::cout << "  the kernel ran no probe program for the retransmitted SYN (PID 1's context; "
                << w.probe_detail(c) << "); running once more\n";
      continue;
    }
    check_first_syn(w, r, topo);
    return;
  }
}

TEST_F(ExporterIdentity, FirstSynDropAddsOneSynIPv4) { run_first_syn(*probe_, AF_INET); }
TEST_F(ExporterIdentity, FirstSynDropAddsOneSynIPv6) { run_first_syn(*probe_, AF_INET6); }

void run_first_synack(AttachedProbe& probe, int family) {
  Topology topo(topology_spec(Offload::Gso));
  Impairment imp(topo, targeted(ImpairKind::FirstSynAck), Transfer::Upload, "nft");
  Window w({&probe}, topo.all());
  auto r = run_traffic(topo, one_exchange(family));
  w.close();
  ASSERT_EQ(r.errors, 0u);
  const auto& s = topo.server();
  const auto& c = topo.client(0);
  // The server's timer resends the SYN-ACK and it answers the client's
  // retransmitted SYN with another: KERNEL-NOTES measured 2. Asserted against
  // the kernel's delta, and required to be non-zero so the case is exercised.
  EXPECT_GE(w.exporter(s).sent_by_cause["synack"], 1u);
  EXPECT_EQ(w.exporter(s).sent_by_cause["synack"], w.kernel(s, "TcpExt.TCPSynRetrans"));
  EXPECT_EQ(w.exporter(s).sent, w.kernel(s, "Tcp.RetransSegs"));
  EXPECT_EQ(w.exporter(c).sent_by_cause["syn"], w.kernel(c, "TcpExt.TCPSynRetrans"));
  for (const auto& ns : topo.all()) expect_identity(w, ns);
  std::cout << "first SYN-ACK drop: server synack " << w.exporter(s).sent_by_cause["synack"] << " (kernel "
            << w.kernel(s, "TcpExt.TCPSynRetrans") << "), client syn " << w.exporter(c).sent_by_cause["syn"]
            << " (kernel " << w.kernel(c, "TcpExt.TCPSynRetrans") << ")\n";
}

TEST_F(ExporterIdentity, FirstSynAckDropCountsSynAcksIPv4) { run_first_synack(*probe_, AF_INET); }
TEST_F(ExporterIdentity, FirstSynAckDropCountsSynAcksIPv6) { run_first_synack(*probe_, AF_INET6); }

}  // namespace
