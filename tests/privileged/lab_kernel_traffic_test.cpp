// The traffic driver over a real topology: v4 and v6 through the router, every
// mode, TCP_INFO from every socket, and per-namespace counters.
#include "cleanup.h"
#include "counters.h"
#include "run_cmd.h"
#include "topology.h"
#include "traffic.h"

#include <gtest/gtest.h>

using namespace retx::lab;

namespace {

class LabKernelTraffic : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    TopologySpec spec;
    spec.prefix = make_run_prefix();
    spec.clients = 2;
    topo = new Topology(spec);
  }
  static void TearDownTestSuite() {
    delete topo;
    topo = nullptr;
  }
  static Topology* topo;
};
Topology* LabKernelTraffic::topo = nullptr;

void expect_clean(const TrafficResult& r) {
  EXPECT_EQ(r.errors, 0u);
  for (const auto& m : r.error_messages) ADD_FAILURE() << m;
}

}  // namespace

TEST_F(LabKernelTraffic, BulkBothWaysBothFamilies) {
  for (int family : {AF_INET, AF_INET6}) {
    for (Transfer dir : {Transfer::Upload, Transfer::Download}) {
      TrafficSpec s;
      s.family = family;
      s.transfer = dir;
      s.flows = 3;
      s.bytes = 1 << 20;
      auto r = run_traffic(*topo, s);
      expect_clean(r);
      EXPECT_EQ(r.bytes, 3u * s.bytes);
      ASSERT_EQ(r.sockets.size(), 6u) << "TCP_INFO from client and server side of each flow";
      EXPECT_EQ(r.connect_seconds.size(), 3u);
      for (const auto& so : r.sockets) {
        bool sender = (so.role == SocketRole::Client) == (dir == Transfer::Upload);
        if (sender) {
          EXPECT_EQ(so.bytes_sent, s.bytes);
          EXPECT_GE(so.tcpi_data_segs_out, s.bytes / 65536) << "at least one segment per 64 KiB";
        } else {
          EXPECT_EQ(so.bytes_received, s.bytes);
        }
        EXPECT_NE(so.local_port, 0);
        EXPECT_NE(so.remote_port, 0);
      }
    }
  }
}

TEST_F(LabKernelTraffic, DurationModeRunsForItsTime) {
  TrafficSpec s;
  s.bytes = 0;
  s.duration_s = 0.3;
  s.pacing_mbit = (20 << 20) * 8 / 1e6;
  auto r = run_traffic(*topo, s);
  expect_clean(r);
  EXPECT_GE(r.seconds, 0.3);
  EXPECT_LT(r.seconds, 3.0);
  // Paced at 20 MiB/s for 0.3 s: well below the unpaced rate (GB/s here).
  EXPECT_GT(r.bytes, 0u);
  EXPECT_LT(r.bytes, static_cast<std::uint64_t>(20 << 20));
}

TEST_F(LabKernelTraffic, RequestResponseAndStorm) {
  TrafficSpec rr;
  rr.mode = TrafficMode::RequestResponse;
  rr.flows = 2;
  rr.transactions = 50;
  rr.request_bytes = 100;
  rr.response_bytes = 3000;
  auto r = run_traffic(*topo, rr);
  expect_clean(r);
  EXPECT_EQ(r.bytes, 2u * 50u * (100u + 3000u));

  TrafficSpec storm;
  storm.mode = TrafficMode::Storm;
  storm.flows = 4;
  storm.connections = 200;
  storm.family = AF_INET6;
  auto st = run_traffic(*topo, storm);
  expect_clean(st);
  EXPECT_EQ(st.connections, 200u);
  EXPECT_EQ(st.sockets.size(), 400u);
  EXPECT_EQ(st.connect_seconds.size(), 200u);
}

// hold_open: while_open runs once, on every client socket, while each is
// still ESTABLISHED with all it sent acknowledged; the FIN comes after.
TEST_F(LabKernelTraffic, HoldOpenMeasuresEstablishedSockets) {
  TrafficSpec bulk;
  bulk.flows = 3;
  bulk.bytes = 1 << 20;
  bulk.hold_open = true;
  TrafficSpec rr;
  rr.mode = TrafficMode::RequestResponse;
  rr.family = AF_INET6;
  rr.transactions = 5;
  rr.hold_open = true;
  for (const auto& spec : {bulk, rr}) {
    std::vector<SocketInfo> held;
    int calls = 0;
    std::string established;
    auto r = run_traffic(*topo, spec, [&](const std::vector<SocketInfo>& open) {
      ++calls;
      held = open;
      established = run_cmd({"ss", "-Htn", "-N", topo->client(0).name, "state", "established"}).out;
    });
    expect_clean(r);
    EXPECT_EQ(calls, 1);
    ASSERT_EQ(held.size(), static_cast<size_t>(spec.flows));
    for (const auto& h : held) {
      EXPECT_NE(established.find(":" + std::to_string(h.local_port) + " "), std::string::npos)
          << "port " << h.local_port << " not ESTABLISHED while held:\n" << established;
      for (const auto& fin : r.sockets) {
        if (fin.role == SocketRole::Client && fin.local_port == h.local_port) {
          EXPECT_GT(fin.tcpi_segs_out, h.tcpi_segs_out) << "the FIN (at least) leaves after the measurement";
        }
      }
    }
  }
  TrafficSpec download = bulk;
  download.transfer = Transfer::Download;
  EXPECT_THROW(run_traffic(*topo, download), std::invalid_argument) << "a receiving client cannot tell it is done";
}

TEST_F(LabKernelTraffic, CountersAreIsolatedPerNamespace) {
  auto b1 = read_counters(topo->client(0));
  auto b2 = read_counters(topo->client(1));
  TrafficSpec s;
  s.bytes = 2 << 20;
  s.client_index = 0;
  expect_clean(run_traffic(*topo, s));
  auto d1 = counter_delta(b1, read_counters(topo->client(0)));
  auto d2 = counter_delta(b2, read_counters(topo->client(1)));
  EXPECT_GE(d1["Tcp.OutSegs"], (2u << 20) / 65536);
  EXPECT_GE(d1["TcpExt.TCPOrigDataSent"], (2u << 20) / 65536);
  EXPECT_EQ(d1["Tcp.ActiveOpens"], 1u);
  for (const auto& [k, v] : d2) EXPECT_EQ(v, 0u) << "untouched namespace moved: " << k;
}

TEST_F(LabKernelTraffic, BadSpecThrowsBeforeAnySocket) {
  TrafficSpec s;
  s.client_index = 5;
  s.bytes = 1;
  EXPECT_THROW(run_traffic(*topo, s), std::invalid_argument);
}
