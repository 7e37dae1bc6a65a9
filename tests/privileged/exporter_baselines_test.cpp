// Per-socket state only for sockets that retransmit (bpf/retx.bpf.c,
// fresh_netns_after; exporter/baseline_seed.h): none for connections that
// never do, in namespaces made after the probe and in older ones the seed
// pass walked, with the kernel's counts still met exactly.
#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>

#include "cleanup.h"
#include "exporter_fixture.h"
#include "impairment.h"
#include "traffic.h"

using namespace retx;
using namespace retx::lab;
using namespace retx::test;

namespace {

std::uint64_t stat_of(const AttachedProbe& p, int slot) { return p.snapshot().stats[slot]; }

TrafficSpec clean_storm(std::uint32_t connections) {
  TrafficSpec t;
  t.mode = TrafficMode::Storm;
  t.connections = connections;
  t.flows = 4;
  return t;
}

// Short connections, set up and closed without a retransmit, in namespaces
// made after the probe attached (walked at the window's first scrape): none
// of them is given state.
TEST(ExporterBaselines, NoStateForConnectionsThatNeverRetransmit) {
  ASSERT_EQ(geteuid(), 0u) << "privileged test: run as root";
  install_signal_cleanup();
  AttachedProbe p(AttachMode::TpBtf);
  ASSERT_NE(p.probe().seeder(), nullptr) << p.probe().baseline_note();
  Topology topo(topology_spec());
  Window w({&p}, topo.all());
  std::uint64_t before = stat_of(p, RETX_STAT_SK_TRACKED);
  auto r = run_traffic(topo, clean_storm(400));
  w.close();
  ASSERT_EQ(r.errors, 0u);
  const auto& c = topo.client(0);
  ASSERT_GE(w.kernel(c, "Tcp.ActiveOpens"), 400u);
  ASSERT_EQ(w.kernel(c, "Tcp.RetransSegs") + w.kernel(topo.server(), "Tcp.RetransSegs"), 0u)
      << "a clean veth retransmitted: the test proves nothing";
  EXPECT_EQ(stat_of(p, RETX_STAT_SK_TRACKED) - before, 0u) << "state created for connections that never retransmitted";
}

// A lossy transfer in such namespaces: state for the sockets that retransmit
// (from 0, on their first hit), none of them a first-hit fallback, and the
// identities of exporter/METRICS.md hold.
TEST(ExporterBaselines, RetransmittingSocketsStayExact) {
  ASSERT_EQ(geteuid(), 0u) << "privileged test: run as root";
  install_signal_cleanup();
  AttachedProbe p(AttachMode::TpBtf);
  LossyTopology l;
  Window w({&p}, l.topo.all());
  std::uint64_t before = stat_of(p, RETX_STAT_SK_TRACKED);
  TrafficSpec t = bulk(AF_INET, 1.5);
  t.flows = 3;
  run_traffic(l.topo, t);
  w.close();
  ASSERT_GT(w.kernel(l.topo.client(0), "Tcp.RetransSegs"), 0u) << "no retransmission: the test proves nothing";
  for (const auto& ns : l.topo.all()) expect_identity(w, ns);
  auto s = p.snapshot();
  EXPECT_GT(s.stats[RETX_STAT_SK_TRACKED] - before, 0u);
  EXPECT_LE(s.stats[RETX_STAT_SK_TRACKED] - before, 3u) << "state for the 3 sending sockets at most";
  EXPECT_EQ(s.stats[RETX_STAT_FIRST_HIT], 0u) << "a socket without state starts from 0 here";
}

// Namespaces older than the probe, one holding an idle connection that
// retransmitted before the probe attached: the pass at start gives it its
// baseline and marks them; a later storm there creates no state; once they
// are gone, a scrape unmarks them.
TEST(ExporterBaselines, SeedPassGivesOlderSocketsTheirBaselines) {
  ASSERT_EQ(geteuid(), 0u) << "privileged test: run as root";
  install_signal_cleanup();
  auto topo = std::make_unique<Topology>(topology_spec());
  // GSO keeps packets few (16 MiB is ~260 of them): 5 % loss makes one of
  // them lost all but certain.
  auto loss = std::make_unique<Impairment>(*topo, random_loss(0.05), Transfer::Upload, "nft");
  TrafficSpec t = bulk(AF_INET, 0);
  t.bytes = 16u << 20;
  t.hold_open = true;
  std::unique_ptr<AttachedProbe> p;
  std::uint64_t retransmitted = 0;
  run_traffic(*topo, t, [&](const std::vector<SocketInfo>& open) {
    for (const auto& s : open) retransmitted += s.tcpi_total_retrans > 0;
    p = std::make_unique<AttachedProbe>(AttachMode::TpBtf);
  });
  ASSERT_NE(p, nullptr);
  ASSERT_GT(retransmitted, 0u) << "no retransmission before the probe: the test proves nothing";
  const BaselineSeeder* seeder = p->probe().seeder();
  ASSERT_NE(seeder, nullptr) << p->probe().baseline_note();
  EXPECT_GE(seeder->sockets_seeded(), retransmitted) << p->probe().baseline_note();
  std::size_t marked = seeder->marked();
  EXPECT_GE(marked, topo->all().size() + 1) << "the host's and the topology's: " << p->probe().baseline_note();
  // The connection has closed; the namespaces are older than the probe.
  std::uint64_t before = stat_of(*p, RETX_STAT_SK_TRACKED);
  loss.reset();
  auto r = run_traffic(*topo, clean_storm(200));
  ASSERT_EQ(r.errors, 0u);
  EXPECT_EQ(stat_of(*p, RETX_STAT_SK_TRACKED) - before, 0u) << p->probe().baseline_note();
  std::size_t gone = topo->all().size();
  topo.reset();
  p->snapshot();
  EXPECT_LE(seeder->marked(), marked - gone) << "the topology's namespaces are gone";
}

}  // namespace
