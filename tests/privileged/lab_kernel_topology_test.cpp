// Topology against the real kernel: namespaces, veths, addresses, sysctls,
// offloads, and that everything is gone afterwards.
#include "cleanup.h"
#include "run_cmd.h"
#include "sysctl_write.h"
#include "topology.h"

#include <gtest/gtest.h>

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
