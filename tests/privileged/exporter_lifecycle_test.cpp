// Namespaces that come and go while the exporter runs: a new namespace that
// gets a dead one's inode reads 0 and then exactly its own kernel's count; a
// dead namespace's series leave at the first scrape and its map entries at the
// second; nothing is left behind after hundreds of namespaces. Runtime here:
// about 40 s for the 50 lossy topologies, 10 s for the 300 namespaces.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fcntl.h>
#include <fstream>
#include <set>
#include <thread>

#include "cleanup.h"
#include "exporter_fixture.h"
#include "map_reader.h"
#include "netns_exec.h"
#include "run_cmd.h"

using namespace retx;
using namespace retx::lab;
using namespace retx::test;

namespace {

std::uint64_t cookie_of(const Snapshot& s, std::uint64_t inode) {
  for (const auto& n : s.netns)
    if (n.inode == inode) return n.cookie;
  return 0;
}

// Rows still in the probe's maps (not the snapshot, which hides dead ones).
std::size_t map_rows_with_cookies(const Probe& p, const std::set<std::uint64_t>& cookies) {
  std::size_t n = 0;
  for (int fd : {p.agg_map_fd(), p.agg_spill_map_fd()}) {
    for (const auto& r : read_counter_map(fd, ReadMethod::Auto, RETX_AGG_KEY_SIZE)) n += cookies.count(r.key.netns_cookie);
  }
  for (int fd : {p.detail_map_fd(), p.detail_spill_map_fd()}) {
    for (const auto& r : read_counter_map(fd)) n += cookies.count(r.key.netns_cookie);
  }
  return n;
}

// Series in /metrics labelled with one of these inodes, other than those of
// a living namespace that now has the inode (another test's, on a shared machine).
std::size_t series_of_dead(const AttachedProbe& p, const std::set<std::uint64_t>& inodes) {
  Snapshot s = p.snapshot();
  std::set<std::string> live;
  for (const auto& n : s.netns) live.insert(std::to_string(n.inode));
  std::size_t n = 0;
  for (const auto& f : p.collector().Collect()) {
    for (const auto& m : f.metric) {
      for (const auto& l : m.label) {
        if (l.name == "netns" && !live.count(l.value) && inodes.count(std::stoull(l.value))) ++n;
      }
    }
  }
  return n;
}

std::uint64_t rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6));
  }
  return 0;
}

class ExporterLifecycle : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(geteuid(), 0u) << "privileged test: run as root";
    install_signal_cleanup();
  }
};

// One cycle: a fresh lossy topology reads 0, is exact after its traffic, and
// once deleted is gone from the snapshot at once and from the maps after two
// scrapes. Returns the namespaces' inodes.
std::vector<std::uint64_t> churn_cycle(AttachedProbe& probe, std::uint64_t& retransmitted) {
  std::vector<std::uint64_t> inodes;
  std::set<std::uint64_t> cookies;
  {
    LossyTopology l;
    Window w({&probe}, l.topo.all());
    auto fresh = probe.snapshot();
    for (const auto& ns : l.topo.all()) {
      inodes.push_back(ns.inode);
      cookies.insert(cookie_of(fresh, ns.inode));
      auto c = counts_for(fresh, ns.inode);
      EXPECT_EQ(c.sent + c.xmit + c.early, 0u) << ns.name << " (netns " << ns.inode << ") is new and must read 0";
    }
    EXPECT_EQ(cookies.count(0), 0u) << "every living namespace has a cookie here";
    TrafficSpec t = bulk(AF_INET, 0);
    t.bytes = 1 << 20;
    auto r = run_traffic(l.topo, t);
    w.close();
    EXPECT_EQ(r.errors, 0u);
    for (const auto& ns : l.topo.all()) expect_identity(w, ns);
    // Exact from its birth, not only over the window.
    const auto& client = l.topo.client(0);
    auto c = counts_for(probe.snapshot(), client.inode);
    EXPECT_EQ(c.sent + c.xmit, counter_or_zero(read_counters(client), "Tcp.RetransSegs")) << client.name;
    retransmitted += c.sent + c.xmit;
  }
  Snapshot first = probe.snapshot();
  for (auto ino : inodes) {
    for (const auto* rows : {&first.agg, &first.detail}) {
      for (const auto& row : *rows) EXPECT_EQ(cookies.count(row.key.netns_cookie), 0u) << "dead netns " << ino << " still exported";
    }
  }
  probe.snapshot();
  EXPECT_EQ(map_rows_with_cookies(probe.probe(), cookies), 0u) << "dead namespaces' map entries outlived two scrapes";
  return inodes;
}

TEST_F(ExporterLifecycle, FiftyLossyNamespacesComeAndGo) {
  AttachedProbe probe;
  ASSERT_EQ(probe.snapshot().netns_identity, "cookie") << probe.probe().netns_identity_note();
  std::set<std::uint64_t> dead, mine;
  std::uint64_t retransmitted = 0, reused = 0, rss_base = 0;
  auto removed0 = probe.snapshot().namespaces_removed;
  for (int i = 0; i < 50; ++i) {
    if (i == 5) rss_base = rss_kib();  // after the allocations of a first few cycles
    for (auto ino : churn_cycle(probe, retransmitted)) {
      reused += dead.count(ino);
      dead.insert(ino);
      mine.insert(ino);
    }
    if (HasFailure()) break;
  }
  std::cout << "  50 cycles: " << retransmitted << " segments retransmitted by the clients, " << reused
            << " namespaces got an inode a dead one of this test had, RSS " << rss_base << " -> " << rss_kib() << " KiB\n";
  EXPECT_GT(retransmitted, 0u) << "the loss produced no retransmission: the test proves nothing";
  EXPECT_GT(reused, 0u) << "no inode was reused: the test did not exercise reuse";
  EXPECT_EQ(series_of_dead(probe, mine), 0u);
  EXPECT_GE(probe.snapshot().namespaces_removed - removed0, 150u);
  // Nothing the exporter keeps grows with the namespaces it has seen: 4 MiB
  // is less than 100 KiB per cycle, and more than malloc's own slack here.
  EXPECT_LE(rss_kib(), rss_base + 4096);
}

// A namespace whose only socket retransmits SYNs: loopback up, a listener
// with backlog 0 whose accept queue one connection fills, and a second
// connection whose SYNs the full queue drops (retransmitted after 1 s).
std::vector<int> syn_retransmitter(const std::string& ns_path) {
  std::vector<int> fds;
  run_in_netns(ns_path, [&] {
    int ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr {};
    std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    if (ioctl(ctl, SIOCGIFFLAGS, &ifr) != 0) throw std::runtime_error("SIOCGIFFLAGS lo");
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(ctl, SIOCSIFFLAGS, &ifr) != 0) throw std::runtime_error("SIOCSIFFLAGS lo");
    close(ctl);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (bind(l, reinterpret_cast<sockaddr*>(&a), len) != 0 || listen(l, 0) != 0 ||
        getsockname(l, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      throw std::runtime_error("listener");
    }
    int first = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (connect(first, reinterpret_cast<sockaddr*>(&a), len) != 0) throw std::runtime_error("first connect");
    int second = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    connect(second, reinterpret_cast<sockaddr*>(&a), len);  // EINPROGRESS: its SYN is dropped
    fds = {l, first, second};
  });
  return fds;
}

void ip_batch(const std::vector<std::string>& names, const char* verb) {
  std::string lines;
  for (const auto& n : names) lines += std::string("netns ") + verb + " " + n + "\n";
  run_cmd({"ip", "-batch", "-"}, lines, std::chrono::seconds(60));
}

// Each namespace's rows are present while it lives (every one retransmitted),
// and 300 of them churned leave no row and no series behind.
TEST_F(ExporterLifecycle, ThreeHundredNamespacesLeaveNothingBehind) {
  AttachedProbe probe;
  std::set<std::uint64_t> inodes, cookies;
  auto removed0 = probe.snapshot().namespaces_removed;
  const std::string prefix = make_run_prefix("rxl");
  for (int batch = 0; batch < 3 && !HasFailure(); ++batch) {
    std::vector<std::string> names;
    for (int i = 0; i < 100; ++i) names.push_back(prefix + "-" + std::to_string(batch * 100 + i));
    for (const auto& n : names) register_netns(n);
    ip_batch(names, "add");
    std::vector<int> fds;
    std::set<std::uint64_t> batch_cookies;
    for (const auto& n : names) {
      for (int fd : syn_retransmitter("/run/netns/" + n)) fds.push_back(fd);
    }
    // Wait for every namespace's first SYN retransmit (1 s RTO), a few seconds at most.
    std::size_t retransmitted = 0;
    for (int tries = 0; tries < 20 && retransmitted < names.size(); ++tries) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      Snapshot s = probe.snapshot();
      std::set<std::uint64_t> with_rows;
      for (const auto& r : s.agg) with_rows.insert(r.key.netns_cookie);
      batch_cookies.clear();
      retransmitted = 0;
      for (const auto& n : names) {
        std::uint64_t ino = netns_inode("/run/netns/" + n), c = cookie_of(s, ino);
        batch_cookies.insert(c);
        inodes.insert(ino);
        retransmitted += with_rows.count(c);
      }
    }
    EXPECT_EQ(retransmitted, names.size()) << "batch " << batch << ": namespaces without their SYN retransmits";
    EXPECT_EQ(batch_cookies.size(), names.size()) << "cookies must be distinct and known";
    cookies.insert(batch_cookies.begin(), batch_cookies.end());
    for (int fd : fds) close(fd);
    ip_batch(names, "del");
    for (const auto& n : names) unregister_netns(n);
  }
  probe.snapshot();
  probe.snapshot();
  EXPECT_EQ(map_rows_with_cookies(probe.probe(), cookies), 0u);
  EXPECT_EQ(series_of_dead(probe, inodes), 0u);
  EXPECT_GE(probe.snapshot().namespaces_removed - removed0, 300u);
  EXPECT_TRUE(list_netns(prefix).empty());
  std::cout << "  300 namespaces on " << inodes.size() << " distinct inodes\n";
}

}  // namespace
