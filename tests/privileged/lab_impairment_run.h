// Shared by the lab's impairment tests: one impaired transfer on a topology,
// with the kernel's counter deltas of the first client and the server.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
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
  static void SetUpTestSuite() {
    TopologySpec spec;
    spec.prefix = make_run_prefix();
    spec.offload = Offload::SegmentExact;
    topo = new Topology(spec);
  }
  static void TearDownTestSuite() {
    delete topo;
    topo = nullptr;
  }
  static inline Topology* topo = nullptr;
};

// Megabits per second for a pacing rate given in bytes per second.
constexpr double mbit(double bytes_per_s) { return bytes_per_s * 8 / 1e6; }

}  // namespace retx::lab::test
