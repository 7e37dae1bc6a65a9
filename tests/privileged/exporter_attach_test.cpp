// Every attach flavour the kernel offers counts the same, the peer-label
// budget folds without losing a segment, and first-hit fallbacks are counted.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "cleanup.h"
#include "exporter_fixture.h"

using namespace retx;
using namespace retx::lab;
using namespace retx::test;

namespace {

TEST(ExporterAttach, AllFlavoursCountTheSameAtOnce) {
  ASSERT_EQ(geteuid(), 0u) << "privileged test: run as root";
  install_signal_cleanup();
  AttachedProbe btf(AttachMode::TpBtf), raw(AttachMode::RawTp), tp(AttachMode::Tracepoint);
  EXPECT_EQ(btf.probe().attach_mode(), AttachMode::TpBtf);
  EXPECT_EQ(raw.probe().attach_mode(), AttachMode::RawTp);
  EXPECT_EQ(tp.probe().attach_mode(), AttachMode::Tracepoint);
  LossyTopology l;
  Window w({&btf, &raw, &tp}, l.topo.all());
  run_traffic(l.topo, bulk(AF_INET, 1.5));
  w.close();
  const auto& c = l.topo.client(0);
  EXPECT_GT(w.exporter(c, 0).sent, 0u);
  for (size_t i = 0; i < 3; ++i) expect_identity(w, c, i);
}

TEST(ExporterAttach, AutoPrefersTpBtfHere) {
  AttachedProbe p;
  EXPECT_EQ(p.probe().attach_mode(), AttachMode::TpBtf) << "this kernel has BTF and tp_btf";
  EXPECT_TRUE(p.probe().features().has_synack_tracepoint);
}

// A connection older than the probe has no baseline: its first hit counts its
// own pcount once (a self-metric says how often), later hits count growth,
// and the kernel's count is still met for the hits the probe saw. The LRU
// flavour also reports its baselines, none of them evicted at this scale.
// With tp_btf the seed pass at start gives the connection its baseline
// (exporter/baseline_seed.h): only a hit between the attach and the pass
// falls back, so there may be none.
void run_first_hits(AttachMode mode) {
  LossyTopology l;
  TrafficSpec t = bulk(AF_INET, 2.5);
  std::thread traffic([&] { run_traffic(l.topo, t); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  AttachedProbe p(mode);
  traffic.join();
  auto s = p.snapshot();
  if (mode != AttachMode::TpBtf) {
    EXPECT_GT(s.stats[RETX_STAT_FIRST_HIT], 0u) << "the connection predates the probe";
  }
  EXPECT_LE(s.stats[RETX_STAT_FIRST_HIT], 2u) << "once per socket that retransmitted, not per hit";
  EXPECT_GT(counts_for(s, l.topo.client(0).inode).sent, s.stats[RETX_STAT_FIRST_HIT]);
  if (mode != AttachMode::TpBtf) {
    EXPECT_GT(s.stats[RETX_STAT_SK_TRACKED], 0u);
  }
  EXPECT_EQ(s.sk_baseline_evictions, 0u);
}

TEST(ExporterAttach, FirstHitFallbacksAreCountedTpBtf) { run_first_hits(AttachMode::TpBtf); }
TEST(ExporterAttach, FirstHitFallbacksAreCountedRawTp) { run_first_hits(AttachMode::RawTp); }

// With a budget of 1 peer series, many flows must fold into the overflow
// series; the total must still equal the kernel's.
TEST(ExporterAttach, PeerBudgetFoldsWithoutLosingCounts) {
  AttachedProbe p(AttachMode::Auto, SeriesLabels{/*peer=*/true, /*cgroup=*/false, /*budget=*/1});
  LossyTopology l;
  Window w({&p}, l.topo.all());
  TrafficSpec t = bulk(AF_INET, 1.5);
  t.flows = 4;
  run_traffic(l.topo, t);
  w.close();
  auto snap = p.snapshot();
  EXPECT_LE(snap.detail.size(), 1u);
  EXPECT_GT(snap.stats[RETX_STAT_FOLDED], 0u) << "4 lossy flows over a budget of 1 must fold";
  EXPECT_EQ(snap.stats[RETX_STAT_LOST], 0u);
  for (const auto& ns : l.topo.all()) expect_identity(w, ns);
}

// Once a series is admitted its counter only grows: read twice during traffic.
TEST(ExporterAttach, PeerSeriesAreMonotonic) {
  AttachedProbe p(AttachMode::Auto, SeriesLabels{true, false, 1000});
  LossyTopology l;
  TrafficSpec t = bulk(AF_INET, 0.7);
  run_traffic(l.topo, t);
  auto s1 = p.snapshot();
  run_traffic(l.topo, t);
  auto s2 = p.snapshot();
  ASSERT_FALSE(s1.detail.empty());
  for (const auto& r1 : s1.detail) {
    bool found = false;
    for (const auto& r2 : s2.detail) {
      if (std::memcmp(&r1.key, &r2.key, sizeof(r1.key)) != 0) continue;
      found = true;
      EXPECT_GE(r2.value.segs, r1.value.segs);
    }
    EXPECT_TRUE(found);
  }
}

}  // namespace
