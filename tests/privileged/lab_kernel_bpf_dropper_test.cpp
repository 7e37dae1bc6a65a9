// The bpf backend (our cls_bpf dropper): seeded loss, Gilbert-Elliott bursts,
// drops weighted by gso_segs, and removal. Targeted drops, shared with nft:
// lab_kernel_targeted_drop_test.cpp.
#include "lab_impairment_run.h"
#include "run_cmd.h"

#include <gtest/gtest.h>

using namespace retx::lab;
using namespace retx::lab::test;

namespace {

Outcome run(const Topology& topo, const ImpairmentSpec& is, std::uint64_t bytes) {
  TrafficSpec ts;
  ts.bytes = bytes;
  ts.pacing_mbit = mbit(200 << 20);
  return run_impaired(topo, is, ts, "bpf");
}

void require_bpf() {
  if (!backend_available("bpf")) GTEST_SKIP() << "the cls_bpf dropper does not load here: " << probe_backends().unavailable.at("bpf");
}

}  // namespace

TEST(LabKernelBpfDropper, GsoDropsCountEverySegmentOfTheSkb) {
  require_bpf();
  auto topo = own_topology();
  auto o = run(*topo, random_loss(0.1, 42), 8 << 20);
  EXPECT_EQ(o.traffic.errors, 0u);
  ASSERT_GT(o.stats.packets_dropped, 0u);
  EXPECT_TRUE(o.stats.segments_exact);
  EXPECT_GT(o.stats.segments_dropped, o.stats.packets_dropped) << "GSO skbs hold several segments";
  expect_client_repaired_every_drop(o);
}

TEST(LabKernelBpfDropper, GilbertElliottLossIsRealisedAndRemoved) {
  require_bpf();
  auto topo = own_topology(Offload::SegmentExact);
  ImpairmentSpec is;
  is.kind = ImpairKind::GilbertElliott;
  is.gemodel = {0.02, 0.4, 0.5, 0.0};
  auto o = run(*topo, is, 2 << 20);
  EXPECT_EQ(o.traffic.errors, 0u);
  EXPECT_GT(o.stats.packets_dropped, 0u);
  EXPECT_EQ(o.stats.segments_dropped, o.stats.packets_dropped);
  // good_loss 0: every drop happened in the bad state.
  EXPECT_GE(o.stats.bad_state_candidates, o.stats.packets_dropped);
  EXPECT_LT(o.stats.bad_state_candidates, o.stats.candidates);
  expect_client_repaired_every_drop(o);
  auto filters = run_cmd({"tc", "-n", topo->router().name, "filter", "show", "dev", "to-s", "egress"}).out;
  EXPECT_EQ(filters.find("lab_drop"), std::string::npos) << filters;
}

TEST(LabKernelBpfDropper, ZeroGoodLossWithoutBadStateDropsNothing) {
  require_bpf();
  auto topo = own_topology(Offload::SegmentExact);
  ImpairmentSpec is;
  is.kind = ImpairKind::GilbertElliott;
  is.gemodel = {1e-9, 1.0, 1.0, 0.0};  // practically never enters the bad state
  auto o = run(*topo, is, 1 << 20);
  EXPECT_GT(o.stats.candidates, 0u);
  EXPECT_EQ(o.stats.packets_dropped, 0u);
}

TEST(LabKernelBpfDropper, NthSegmentDropsOneSkbWithAllItsSegments) {
  require_bpf();
  auto topo = own_topology();  // GSO on: the dropper's segment counts stay exact
  ImpairmentSpec is;
  is.kind = ImpairKind::NthSegment;
  is.nth = 20;
  auto o = run(*topo, is, 4 << 20);
  EXPECT_EQ(o.traffic.errors, 0u);
  EXPECT_EQ(o.stats.packets_dropped, 1u);
  EXPECT_GE(o.stats.segments_dropped, 1u);
  EXPECT_GE(o.client["Tcp.RetransSegs"], o.stats.segments_dropped);
}
