// The bpf backend (our cls_bpf dropper): seeded loss, Gilbert-Elliott bursts,
// drops weighted by gso_segs, and removal.
#include "cleanup.h"
#include "counters.h"
#include "impairment.h"
#include "run_cmd.h"
#include "topology.h"
#include "traffic.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace retx::lab;

namespace {

struct Outcome {
  TrafficResult traffic;
  ImpairmentStats stats;
  retx::ProcCounters client;
};

Outcome run(const Topology& topo, const ImpairmentSpec& is, std::uint64_t bytes) {
  TrafficSpec ts;
  ts.bytes = bytes;
  ts.pacing_bytes_per_s = 200 << 20;
  Outcome o;
  auto before = read_counters(topo.client(0));
  {
    Impairment imp(topo, is, ts.transfer, "bpf");
    o.traffic = run_traffic(topo, ts);
    o.stats = imp.stats();
  }
  o.client = counter_delta(before, read_counters(topo.client(0)));
  return o;
}

void require_bpf() {
  auto av = available_backends();
  if (std::find(av.begin(), av.end(), "bpf") == av.end()) GTEST_SKIP() << "the cls_bpf dropper does not load here";
}

}  // namespace

TEST(LabKernelBpfDropper, GsoDropsCountEverySegmentOfTheSkb) {
  require_bpf();
  TopologySpec spec;
  spec.prefix = make_run_prefix();
  Topology topo(spec);
  ImpairmentSpec is;
  is.kind = ImpairKind::Random;
  is.loss = 0.1;
  is.seed = 42;
  auto o = run(topo, is, 8 << 20);
  EXPECT_EQ(o.traffic.errors, 0u);
  ASSERT_GT(o.stats.packets_dropped, 0u);
  EXPECT_TRUE(o.stats.segments_exact);
  EXPECT_GT(o.stats.segments_dropped, o.stats.packets_dropped) << "GSO skbs hold several segments";
  EXPECT_GE(o.client["Tcp.RetransSegs"], o.stats.segments_dropped);
  EXPECT_EQ(total_retrans(o.traffic, SocketRole::Client), o.client["Tcp.RetransSegs"]);
}

TEST(LabKernelBpfDropper, GilbertElliottLossIsRealisedAndRemoved) {
  require_bpf();
  TopologySpec spec;
  spec.prefix = make_run_prefix();
  spec.offload = Offload::SegmentExact;
  Topology topo(spec);
  ImpairmentSpec is;
  is.kind = ImpairKind::GilbertElliott;
  is.ge_p = 0.02;
  is.ge_r = 0.4;
  is.ge_bad_loss = 0.5;
  is.ge_good_loss = 0.0;
  auto o = run(topo, is, 2 << 20);
  EXPECT_EQ(o.traffic.errors, 0u);
  EXPECT_GT(o.stats.packets_dropped, 0u);
  EXPECT_EQ(o.stats.segments_dropped, o.stats.packets_dropped);
  EXPECT_GE(o.client["Tcp.RetransSegs"], o.stats.segments_dropped);
  EXPECT_EQ(total_retrans(o.traffic, SocketRole::Client), o.client["Tcp.RetransSegs"]);
  auto filters = run_cmd({"tc", "-n", topo.router().name, "filter", "show", "dev", "to-s", "egress"}).out;
  EXPECT_EQ(filters.find("lab_drop"), std::string::npos) << filters;
}

TEST(LabKernelBpfDropper, ZeroGoodLossWithoutBadStateDropsNothing) {
  require_bpf();
  TopologySpec spec;
  spec.prefix = make_run_prefix();
  spec.offload = Offload::SegmentExact;
  Topology topo(spec);
  ImpairmentSpec is;
  is.kind = ImpairKind::GilbertElliott;
  is.ge_p = 1e-9;  // practically never enters the bad state
  is.ge_bad_loss = 1.0;
  is.ge_good_loss = 0.0;
  auto o = run(topo, is, 1 << 20);
  EXPECT_GT(o.stats.candidates, 0u);
  EXPECT_EQ(o.stats.packets_dropped, 0u);
}
