// `retx-lab pair`'s pure part: names, addresses, the nft ruleset and what is
// printed for scripts.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include "pair_spec.h"

using namespace retx::lab;

namespace {

PairSpec spec(std::vector<double> loss, int clients = 1) {
  PairSpec s;
  s.prefix = "rxl-4242-demo";
  s.clients = clients;
  s.loss_pct = std::move(loss);
  return s;
}

bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

}  // namespace

TEST(LabCorePairSpec, PrefixMustNameItsOwner) {
  EXPECT_EQ(pair_spec_error(spec({5})), "");
  for (const char* bad : {"demo", "rxl-demo", "rxl-0-x", "rxl-12-", "rxl-12-UPPER", "rxlb-12-x", "rxl-12-x y"}) {
    auto s = spec({5});
    s.prefix = bad;
    EXPECT_NE(pair_spec_error(s), "") << bad;
  }
  EXPECT_NE(pair_spec_error(spec({1, 2}, 3)), "") << "two loss values for three clients";
  EXPECT_NE(pair_spec_error(spec({120})), "");
  EXPECT_EQ(pair_netns(spec({5}), "c1"), "rxl-4242-demo-c1");
}

TEST(LabCorePairSpec, LossOnTheServersIngressPerLossyClient) {
  auto s = spec({5, 0}, 2);
  s.loss_port = 5201;
  auto r = pair_nft_ruleset(s);
  EXPECT_TRUE(has(r, "table netdev retx_pair {")) << r;
  EXPECT_TRUE(has(r, "type filter hook ingress device \"to-c1\" priority 0; policy accept;")) << r;
  EXPECT_TRUE(has(r, "meta l4proto tcp tcp flags & syn == 0 tcp dport 5201 numgen random mod 1000000 < 50000 counter drop"))
      << r;
  EXPECT_FALSE(has(r, "to-c2")) << "client 2 is clean: " << r;
  EXPECT_EQ(pair_nft_ruleset(spec({0})), "") << "nothing to drop, no table";
  EXPECT_EQ(pair_loss_pct(spec({3}, 2), 2), 3) << "one value applies to every client";
}

TEST(LabCorePairSpec, SynDropsForAStormTarget) {
  auto s = spec({2});
  s.syn_drop_first = 9;
  s.syn_drop_last = 19;
  auto r = pair_nft_ruleset(s);
  EXPECT_TRUE(has(r, "meta l4proto tcp tcp dport 9-19 tcp flags & (syn | ack) == syn counter drop")) << r;
}

TEST(LabCorePairSpec, AddressesPerClientAndFamily) {
  EXPECT_EQ(pair_client_addr(1, AF_INET), "198.18.1.1");
  EXPECT_EQ(pair_server_addr(2, AF_INET), "198.18.2.2");
  EXPECT_EQ(pair_server_addr(1, AF_INET6), "fd52:7846:6c61:1::2");
  EXPECT_EQ(pair_server_if(2), "to-c2");
}

TEST(LabCorePairSpec, ShellLinesAndJsonNameEverything) {
  PairInfo p;
  p.spec = spec({5, 0}, 2);
  p.server_inode = 100;
  p.client_inodes = {101, 102};
  auto sh = pair_shell_lines(p);
  for (const char* line : {"PAIR_PREFIX='rxl-4242-demo'\n", "PAIR_SERVER_NS='rxl-4242-demo-s'\n", "PAIR_SERVER_INODE='100'\n",
                           "PAIR_C1_NS='rxl-4242-demo-c1'\n", "PAIR_C2_INODE='102'\n", "PAIR_C1_ADDR='198.18.1.1'\n",
                           "PAIR_C2_SERVER_ADDR='198.18.2.2'\n", "PAIR_C1_LOSS_PCT='5'\n", "PAIR_C2_LOSS_PCT='0'\n"})
    EXPECT_TRUE(has(sh, line)) << line << " in\n" << sh;
  auto j = pair_to_json(p);
  EXPECT_EQ(j["server"]["netns"], "rxl-4242-demo-s");
  EXPECT_EQ(j["clients"][1]["inode"], 102);
  EXPECT_EQ(j["clients"][0]["loss_pct"], 5.0);
  EXPECT_EQ(j["family"], "ipv4");
}
