// retx-top against the kernel: for every lab socket still open after a lossy
// transfer, `retx-top --once --json` reports exactly what TCP_INFO and
// `ss -ti` report, through the BPF iterator and through INET_DIAG, with the
// probe's per-socket causes adding up to the socket's retransmissions.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <thread>

#include "causes_source.h"
#include "exporter_fixture.h"
#include "netns_exec.h"
#include "syn_sent.h"
#include "top_fixture.h"

using namespace retx;
using namespace retx::lab;
using namespace retx::test;

namespace {

constexpr int kConns = 4;
constexpr std::uint64_t kBytes = 3 << 20;

// One lossy topology and its held connections for the whole suite (~3 s);
// a probe is attached first, so every socket's causes are complete.
class TopConnections : public ProbeSuite {
 protected:
  static void SetUpTestSuite() {
    ProbeSuite::SetUpTestSuite();
    lossy_ = new LossyTopology();
    held4_ = new std::vector<HeldConn>(hold_connections(lossy_->topo, kConns, kBytes, AF_INET));
    held6_ = new std::vector<HeldConn>(hold_connections(lossy_->topo, 1, kBytes, AF_INET6));
  }
  static void TearDownTestSuite() {
    delete held6_;
    delete held4_;
    delete lossy_;
    ProbeSuite::TearDownTestSuite();
  }
  static std::string scope() {
    const auto& t = lossy_->topo;
    return "--netns " + t.client(0).name + "," + t.server().name;
  }
  static LossyTopology* lossy_;
  static std::vector<HeldConn>*held4_, *held6_;
};
LossyTopology* TopConnections::lossy_ = nullptr;
std::vector<HeldConn>* TopConnections::held4_ = nullptr;
std::vector<HeldConn>* TopConnections::held6_ = nullptr;

std::uint64_t causes_sum(const nlohmann::json& c) {
  std::uint64_t s = 0;
  for (const auto& [k, v] : c.at("causes").items()) s += v.get<std::uint64_t>();
  return s;
}

// One side of a held connection against retx-top's row and ss's line.
void expect_socket_matches(const nlohmann::json& top, const Namespace& ns, int fd, std::uint16_t lport,
                           std::uint16_t rport) {
  const nlohmann::json* c = find_conn(top, ns.inode, lport, rport);
  ASSERT_NE(c, nullptr) << ns.name << " " << lport << "->" << rport << " missing from retx-top";
  tcp_info ti = tcp_info_of(fd);
  auto ss = ss_figures(ns).at({lport, rport});
  EXPECT_EQ(c->at("retrans_segs"), ti.tcpi_total_retrans) << ns.name << " port " << lport;
  EXPECT_EQ(c->at("segs_out"), ti.tcpi_segs_out) << ns.name << " port " << lport;
  EXPECT_EQ(c->at("data_segs_out"), ti.tcpi_data_segs_out);
  EXPECT_EQ(c->at("bytes_acked"), ti.tcpi_bytes_acked);
  EXPECT_EQ(c->at("dsack_dups"), ti.tcpi_dsack_dups);
  EXPECT_EQ(c->at("reord_seen"), ti.tcpi_reord_seen);
  EXPECT_EQ(c->at("cwnd"), ti.tcpi_snd_cwnd);
  EXPECT_EQ(c->at("retrans_segs"), ss.retrans_total) << "ss -ti";
  EXPECT_EQ(c->at("segs_out"), ss.segs_out) << "ss -ti";
  EXPECT_EQ(c->at("pid"), getpid());
  EXPECT_EQ(c->at("netns_name"), ns.name);
  EXPECT_EQ(c->at("state"), "ESTABLISHED");
  ASSERT_FALSE(c->at("causes").is_null()) << "the probe was attached before the connection";
  // Every segment in total_retrans is under a cause: the handshake's
  // retransmits (SYNs, or the request's SYN-ACKs an accepted socket inherits)
  // are put under theirs when the connection is established.
  EXPECT_EQ(causes_sum(*c), ti.tcpi_total_retrans) << c->at("causes").dump();
}

void expect_all_match(const nlohmann::json& top, const Topology& t, const std::vector<HeldConn>& held) {
  for (const auto& h : held) {
    expect_socket_matches(top, t.client(0), h.client.get(), h.client_port, h.server_port);
    expect_socket_matches(top, t.server(), h.server.get(), h.server_port, h.client_port);
  }
}

std::uint64_t client_retrans(const std::vector<HeldConn>& held) {
  std::uint64_t n = 0;
  for (const auto& h : held) n += tcp_info_of(h.client.get()).tcpi_total_retrans;
  return n;
}

}  // namespace

TEST_F(TopConnections, IteratorMatchesTcpInfoAndSs) {
  ASSERT_GT(client_retrans(*held4_) + client_retrans(*held6_), 0u) << "no retransmission: the test proves nothing";
  auto r = run_top("--once --json " + scope());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.json.at("sockets_from"), "iter/tcp") << r.err;
  EXPECT_EQ(r.json.at("causes_from").at("source"), "running_probe");
  expect_all_match(r.json, lossy_->topo, *held4_);
  expect_all_match(r.json, lossy_->topo, *held6_);
  // Sorted by total retransmissions (the --once default), nothing else in scope.
  const auto& list = r.json.at("connections");
  EXPECT_EQ(list.size(), 2u * (kConns + 1));
  for (std::size_t i = 1; i < list.size(); ++i) EXPECT_GE(list[i - 1]["retrans_segs"], list[i]["retrans_segs"]);
  std::cout << "client retransmitted " << client_retrans(*held4_) << " + " << client_retrans(*held6_)
            << " segments; top row: " << list[0].dump() << "\n";
}

TEST_F(TopConnections, InetDiagFallbackMatchesToo) {
  auto r = run_top("--once --json --diag " + scope());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.json.at("sockets_from"), "inet_diag");
  EXPECT_NE(r.err.find("forced by --diag"), std::string::npos) << "the fallback is said at start: " << r.err;
  expect_all_match(r.json, lossy_->topo, *held4_);
  expect_all_match(r.json, lossy_->topo, *held6_);
}

TEST_F(TopConnections, FiltersAndLimit) {
  const auto& h = held4_->front();
  auto r = run_top("--once --json --port " + std::to_string(h.client_port) + " " + scope());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.json.at("connections").size(), 2u) << "both ends of the one connection";
  r = run_top("--once --json --limit 3 --netns " + lossy_->topo.server().name);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.json.at("connections").size(), 3u);
  for (const auto& c : r.json["connections"]) EXPECT_EQ(c["netns_name"], lossy_->topo.server().name);
  r = run_top("--once --json --min-retrans 1000000000 " + scope());
  EXPECT_TRUE(r.json.at("connections").empty());
  r = run_top("--once --json --pid " + std::to_string(getpid()) + " " + scope());
  EXPECT_EQ(r.json.at("connections").size(), 2u * (kConns + 1));
  r = run_top("--once " + scope());  // the table, for the eye
  ASSERT_EQ(r.code, 0);
  EXPECT_EQ(r.out.rfind("NETNS", 0), 0u) << r.out;
  std::cout << r.out;
}

TEST_F(TopConnections, RawTpProbeCausesThroughItsHash) {
  // The raw_tp flavour keeps per-socket state in an LRU hash keyed by the
  // socket pointer. It is attached after the held connections were set up,
  // so it has state only for a connection opened now.
  AttachedProbe raw(AttachMode::RawTp);
  std::uint32_t prog = 0;
  for (const auto& p : top::find_running_probes()) {
    if (p.prog_name == "retx_skb_raw") prog = std::max(prog, p.prog_id);
  }
  ASSERT_NE(prog, 0u);
  auto fresh = hold_connections(lossy_->topo, 1, kBytes, AF_INET);
  auto r = run_top("--once --json --causes " + std::to_string(prog) + " " + scope());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.json.at("causes_from").at("attach"), "raw_tp");
  EXPECT_EQ(r.json.at("causes_from").at("prog_id"), prog);
  const auto& f = fresh.front();
  const auto* c = find_conn(r.json, lossy_->topo.client(0).inode, f.client_port, f.server_port);
  ASSERT_NE(c, nullptr);
  ASSERT_FALSE(c->at("causes").is_null());
  EXPECT_EQ(causes_sum(*c), tcp_info_of(f.client.get()).tcpi_total_retrans) << c->dump();
  const auto& old = held4_->front();
  c = find_conn(r.json, lossy_->topo.client(0).inode, old.client_port, old.server_port);
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->at("causes").is_null()) << "set up before this probe, idle since: " << c->dump();
}

// A connect still in SYN_SENT that retransmitted: from 6.17 its state is
// made at its first SYN hit, with growth from 0 (bpf/retx.bpf.c), and every
// segment it retransmitted is a SYN, which retx-top shows under syn.
TEST_F(TopConnections, ConnectInSynSentShowsItsSyns) {
  const auto& c = lossy_->topo.client(0);
  drop_syns_to(c, "rxl_top_syn", 9);
  UniqueFd s;
  run_in_netns(c.path, [&] { s = UniqueFd(connect_loopback(9)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));  // after its first SYN retransmit, at 1 s
  ASSERT_GE(tcp_info_of(s.get()).tcpi_total_retrans, 1u);
  auto r = run_top("--once --json " + scope());
  delete_table(c, "rxl_top_syn");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto* j = find_conn(r.json, c.inode, local_port(s.get()), 9);
  ASSERT_NE(j, nullptr);
  EXPECT_EQ(j->at("state"), "SYN_SENT");
  EXPECT_GE(j->at("retrans_segs").get<std::uint64_t>(), 1u);
  ASSERT_FALSE(j->at("causes").is_null()) << j->dump();
  EXPECT_EQ(j->at("causes").at("syn"), j->at("retrans_segs")) << j->dump();
  EXPECT_EQ(causes_sum(*j), j->at("retrans_segs").get<std::uint64_t>()) << j->dump();
}
