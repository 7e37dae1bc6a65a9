// Topology against the real kernel: namespaces, veths, addresses, sysctls,
// offloads, and that everything is gone afterwards.
#include "cleanup.h"
#include "run_cmd.h"
#include "sysctl_write.h"
#include "topology.h"
#include "traffic.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

using namespace retx::lab;

namespace {

bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }

}  // namespace

TEST(LabKernelTopology, BuildsAndRemovesEverything) {
  std::string prefix = make_run_prefix();
  {
    TopologySpec spec;
    spec.prefix = prefix;
    spec.clients = 2;
    spec.offload = Offload::SegmentExact;
    spec.sysctls = {{"net.ipv4.tcp_sack", "0"}, {"net.ipv4.tcp_congestion_control", "reno"}};
    Topology t(spec);
    auto names = list_netns(prefix + "-");
    EXPECT_EQ(names.size(), 4u);
    std::set<std::uint64_t> inodes;
    for (const auto& ns : t.all()) inodes.insert(ns.inode);
    EXPECT_EQ(inodes.size(), 4u) << "every namespace has its own inode";

    // Endpoint sysctls are applied in clients and server, not in the router.
    for (const auto& ns : {t.client(0), t.client(1), t.server()}) {
      EXPECT_EQ(read_sysctl(ns, "net.ipv4.tcp_sack"), "0") << ns.name;
      EXPECT_EQ(read_sysctl(ns, "net.ipv4.tcp_congestion_control"), "reno") << ns.name;
    }
    EXPECT_EQ(read_sysctl(t.router(), "net.ipv4.ip_forward"), "1");
    EXPECT_EQ(read_sysctl(t.router(), "net.ipv6.conf.all.forwarding"), "1");

    auto link = run_cmd({"ip", "-n", t.client(1).name, "-d", "link", "show", "to-r"}).out;
    EXPECT_TRUE(contains(link, "gso_max_segs 1 ")) << link;
    auto feat = run_cmd({"ip", "netns", "exec", t.router().name, "ethtool", "-k", "to-s"}).out;
    EXPECT_TRUE(contains(feat, "generic-receive-offload: off")) << feat;

    // No default route anywhere: nothing can leave the lab.
    for (const auto& ns : t.all()) {
      EXPECT_FALSE(contains(run_cmd({"ip", "-n", ns.name, "route", "show"}).out, "default")) << ns.name;
      EXPECT_FALSE(contains(run_cmd({"ip", "-n", ns.name, "-6", "route", "show"}).out, "default")) << ns.name;
    }
  }
  EXPECT_TRUE(list_netns(prefix + "-").empty());
}

TEST(LabKernelTopology, GsoModeKeepsDefaultSegments) {
  TopologySpec spec;
  spec.prefix = make_run_prefix();
  Topology t(spec);
  auto link = run_cmd({"ip", "-n", t.client(0).name, "-d", "link", "show", "to-r"}).out;
  EXPECT_FALSE(contains(link, "gso_max_segs 1 ")) << link;
  EXPECT_THROW(t.client(1), std::out_of_range);
}

TEST(LabKernelTopology, BadInputCreatesNothing) {
  std::string prefix = make_run_prefix();
  TopologySpec spec;
  spec.prefix = prefix;
  spec.sysctls = {{"kernel.panic", "1"}};
  EXPECT_THROW(Topology{spec}, std::invalid_argument);
  spec.sysctls = {};
  spec.clients = 3;
  EXPECT_THROW(Topology{spec}, std::invalid_argument);
  spec.clients = 1;
  spec.prefix = "Bad Prefix";
  EXPECT_THROW(Topology{spec}, std::invalid_argument);
  EXPECT_TRUE(list_netns(prefix).empty());
}

TEST(LabKernelTopology, KernelRefusalRollsBack) {
  // A sysctl that passes validation but does not exist: the kernel refuses at
  // the very end of the build, which must remove the namespaces made so far.
  std::string prefix = make_run_prefix();
  TopologySpec spec;
  spec.prefix = prefix;
  spec.sysctls = {{"net.ipv4.retxlab_no_such_knob", "1"}};
  try {
    Topology t(spec);
    FAIL() << "built with a non-existent sysctl";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(contains(e.what(), "net.ipv4.retxlab_no_such_knob")) << e.what();
  }
  EXPECT_TRUE(list_netns(prefix).empty());
}

TEST(LabKernelTopology, ParallelTopologiesDoNotCollide) {
  TopologySpec a, b;
  a.prefix = make_run_prefix();
  b.prefix = make_run_prefix();
  std::unique_ptr<Topology> ta, tb;
  std::thread tha([&] { ta = std::make_unique<Topology>(a); });
  std::thread thb([&] { tb = std::make_unique<Topology>(b); });
  tha.join();
  thb.join();
  ASSERT_TRUE(ta && tb);
  EXPECT_NE(ta->router().inode, tb->router().inode);
  ta.reset();
  EXPECT_TRUE(list_netns(a.prefix + "-").empty());
  EXPECT_EQ(list_netns(b.prefix + "-").size(), 3u);
}

TEST(LabKernelTopology, NoNeighbourDiscoveryCrossesTheLinks) {
  // netem loses ARP and neighbour solicitations like any packet; a lost
  // resolution fails a connect with EHOSTUNREACH before anything the lab
  // counts. With every solicitation dropped (and counted) in every namespace,
  // traffic must still flow both ways in both families, and nothing be dropped.
  TopologySpec spec;
  spec.prefix = make_run_prefix();
  spec.clients = 2;
  Topology t(spec);
  const std::string rules =
      "table arp rxl_nd {\n chain out {\n  type filter hook output priority 0;\n  counter drop\n }\n}\n"
      "table ip6 rxl_nd {\n chain out {\n  type filter hook output priority 0;\n"
      "  icmpv6 type nd-neighbor-solicit counter drop\n }\n}\n";
  for (const auto& ns : t.all()) run_cmd({"ip", "netns", "exec", ns.name, "nft", "-f", "-"}, rules);

  for (int family : {AF_INET, AF_INET6}) {
    for (int client : {0, 1}) {
      for (Transfer dir : {Transfer::Upload, Transfer::Download}) {
        TrafficSpec s;
        s.family = family;
        s.client_index = client;
        s.transfer = dir;
        s.bytes = 64 << 10;
        s.connect_timeout_s = 3.0;
        auto r = run_traffic(t, s);
        EXPECT_EQ(r.errors, 0u) << "family " << family << " client " << client;
        for (const auto& m : r.error_messages) ADD_FAILURE() << m;
      }
    }
  }
  const std::regex counted("counter packets [1-9]");
  for (const auto& ns : t.all()) {
    auto listed = run_cmd({"ip", "netns", "exec", ns.name, "nft", "list", "ruleset"}).out;
    EXPECT_TRUE(contains(listed, "counter packets 0")) << ns.name << ": " << listed;
    EXPECT_FALSE(std::regex_search(listed, counted)) << ns.name << " solicited a neighbour: " << listed;
    auto neigh = run_cmd({"ip", "-n", ns.name, "neigh", "show"}).out;
    EXPECT_TRUE(contains(neigh, "PERMANENT")) << ns.name << ": " << neigh;
  }
}
