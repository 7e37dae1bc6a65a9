// Shared by the lab's impairment tests: one impaired transfer on a topology,
// with the kernel's counter deltas of the first client and the server.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "cleanup.h"
#include "counters.h"
#include "impairment.h"
#include "topology.h"
#include "traffic.h"

namespace retx::lab::test {

struct Outcome {
  TrafficResult traffic;
  ImpairmentStats stats;
  retx::ProcCounters client, server;  // deltas
};

inline Outcome run_impaired(const Topology& topo, const ImpairmentSpec& is, const TrafficSpec& ts,
                            const std::string& backend) {
  Outcome o;
  auto before_client = read_counters(topo.client(0));
  auto before_server = read_counters(topo.server());
  {
    Impairment imp(topo, is, ts.transfer, backend);
    o.traffic = run_traffic(topo, ts);
    o.stats = imp.stats();
  }
  o.client = counter_delta(before_client, read_counters(topo.client(0)));
  o.server = counter_delta(before_server, read_counters(topo.server()));
  return o;
}

inline ImpairmentSpec random_loss(double p, std::uint64_t seed = 1) {
  ImpairmentSpec s;
  s.kind = ImpairKind::Random;
  s.loss = p;
  s.seed = seed;
  return s;
}

// A topology of the test's own (prefix rxl-<pid>-<n>), removed when it goes.
inline std::unique_ptr<Topology> own_topology(Offload offload = Offload::Gso, int clients = 1) {
  TopologySpec spec;
  spec.prefix = make_run_prefix();
  spec.offload = offload;
  spec.clients = clients;
  return std::make_unique<Topology>(spec);
}

// The closure bound and the sockets' own account, on the sending client: every
// dropped segment was retransmitted at least once, and the client's sockets
// account for all of its namespace's retransmissions.
inline void expect_client_repaired_every_drop(const Outcome& o) {
  EXPECT_GE(o.client.at("Tcp.RetransSegs"), o.stats.segments_dropped);
  EXPECT_EQ(total_retrans(o.traffic, SocketRole::Client), o.client.at("Tcp.RetransSegs"));
}

inline bool backend_available(const std::string& backend) {
  auto av = available_backends();
  return std::find(av.begin(), av.end(), backend) != av.end();
}

inline double max_connect(const TrafficResult& r) {
  return r.connect_seconds.empty() ? 0 : *std::max_element(r.connect_seconds.begin(), r.connect_seconds.end());
}

// A fixture whose tests share one segment_exact topology (built once: namespaces
// are slow to make), over ::testing::Test or ::testing::TestWithParam<...>.
template <class Base>
class SharedTopology : public Base {
 protected:
  static void SetUpTestSuite() { topo = own_topology(Offload::SegmentExact).release(); }
  static void TearDownTestSuite() {
    delete topo;
    topo = nullptr;
  }
  static inline Topology* topo = nullptr;
};

// Megabits per second for a pacing rate given in bytes per second.
constexpr double mbit(double bytes_per_s) { return bytes_per_s * 8 / 1e6; }

}  // namespace retx::lab::test
