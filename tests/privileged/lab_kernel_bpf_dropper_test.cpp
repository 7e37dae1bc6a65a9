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
  retx::ProcCounters client, server;
};

Outcome run(const Topology& topo, const ImpairmentSpec& is, const TrafficSpec& ts);

Outcome run(const Topology& topo, const ImpairmentSpec& is, std::uint64_t bytes) {
  TrafficSpec ts;
  ts.bytes = bytes;
  ts.pacing_bytes_per_s = 200 << 20;
  return run(topo, is, ts);
}

Outcome run(const Topology& topo, const ImpairmentSpec& is, const TrafficSpec& ts) {
  Outcome o;
  auto before = read_counters(topo.client(0));
  auto before_server = read_counters(topo.server());
  {
    Impairment imp(topo, is, ts.transfer, "bpf");
    o.traffic = run_traffic(topo, ts);
    o.stats = imp.stats();
  }
  o.client = counter_delta(before, read_counters(topo.client(0)));
  o.server = counter_delta(before_server, read_counters(topo.server()));
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
  // good_loss 0: every drop happened in the bad state.
  EXPECT_GE(o.stats.bad_state_candidates, o.stats.packets_dropped);
  EXPECT_LT(o.stats.bad_state_candidates, o.stats.candidates);
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

TEST(LabKernelBpfDropper, TargetedDrops) {
  require_bpf();
  TopologySpec spec;
  spec.prefix = make_run_prefix();
  Topology topo(spec);  // GSO on: the dropper's segment counts stay exact
  TrafficSpec small;
  small.bytes = 64 << 10;
  {
    SCOPED_TRACE("first_syn, IPv6");
    ImpairmentSpec is;
    is.kind = ImpairKind::FirstSyn;
    TrafficSpec ts = small;
    ts.family = AF_INET6;
    auto o = run(topo, is, ts);
    EXPECT_EQ(o.traffic.errors, 0u);
    EXPECT_EQ(o.stats.packets_dropped, 1u);
    EXPECT_EQ(o.client["TcpExt.TCPSynRetrans"], 1u);
    EXPECT_EQ(o.client["Tcp.RetransSegs"], 1u);
  }
  {
    SCOPED_TRACE("first_synack");
    ImpairmentSpec is;
    is.kind = ImpairKind::FirstSynAck;
    auto o = run(topo, is, small);
    EXPECT_EQ(o.traffic.errors, 0u);
    EXPECT_EQ(o.stats.packets_dropped, 1u);
    EXPECT_GE(o.server["TcpExt.TCPSynRetrans"], 1u);
    EXPECT_EQ(o.client["TcpExt.TCPSynRetrans"], 1u);
  }
  {
    SCOPED_TRACE("nth_segment");
    ImpairmentSpec is;
    is.kind = ImpairKind::NthSegment;
    is.nth = 20;
    auto o = run(topo, is, 4 << 20);
    EXPECT_EQ(o.traffic.errors, 0u);
    EXPECT_EQ(o.stats.packets_dropped, 1u);
    EXPECT_GE(o.stats.segments_dropped, 1u);
    EXPECT_GE(o.client["Tcp.RetransSegs"], o.stats.segments_dropped);
  }
  {
    SCOPED_TRACE("blackhole");
    ImpairmentSpec is;
    is.kind = ImpairKind::Blackhole;
    is.blackhole_start_s = 0.1;
    is.blackhole_duration_s = 0.6;
    TrafficSpec ts;
    ts.bytes = 0;
    ts.duration_s = 1.0;
    ts.pacing_bytes_per_s = 10 << 20;
    auto o = run(topo, is, ts);
    EXPECT_EQ(o.traffic.errors, 0u);
    EXPECT_GT(o.stats.packets_dropped, 0u);
    EXPECT_GE(o.client["TcpExt.TCPTimeouts"], 1u);
    EXPECT_GE(o.client["Tcp.RetransSegs"], o.stats.segments_dropped);
    EXPECT_EQ(total_retrans(o.traffic, SocketRole::Client), o.client["Tcp.RetransSegs"]);
  }
}
