// --cgroup-labels on the real kernel: two senders in two cgroups of one
// namespace, each cgroup's series equal to the sum of its own sockets'
// tcpi_total_retrans, exactly; over the budget the rest folds into
// cgroup="overflow" with the namespace total exact; a removed cgroup's
// series go and its counts stay in the total. Runtime about 10 s.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "cleanup.h"
#include "collector.h"
#include "exporter_fixture.h"

using namespace retx;
using namespace retx::lab;
using namespace retx::test;

namespace {

// A scratch cgroup v2 group named after the run prefix, removed with the
// object (after its processes have exited).
class ScratchCgroup {
 public:
  explicit ScratchCgroup(const std::string& name) : rel_("/" + name), dir_(find_cgroup2_mount() + rel_) {
    std::filesystem::create_directory(dir_);
  }
  ~ScratchCgroup() { remove(); }
  void remove() {
    if (!dir_.empty()) rmdir(dir_.c_str());
  }
  const std::string& path() const { return rel_; }  // as the exporter labels it
  void join(pid_t pid) const { std::ofstream(dir_ + "/cgroup.procs") << pid << "\n"; }

 private:
  std::string rel_, dir_;
};

// A sender in its own process, moved into `cg` before it creates its sockets:
// a socket keeps the cgroup of the task that created it. Returns the child's
// pid; its client sockets' tcpi_total_retrans arrive through `out`.
pid_t sender(const Topology& topo, const ScratchCgroup& cg, int out) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  cg.join(getpid());
  TrafficSpec t = bulk(AF_INET, 0);
  t.bytes = 2 << 20;
  std::uint64_t retrans = ~0ull;
  try {
    auto r = run_traffic(topo, t);
    if (r.errors == 0) retrans = total_retrans(r, SocketRole::Client);
  } catch (...) {
  }
  (void)!write(out, &retrans, sizeof(retrans));
  _exit(0);
}

struct TwoSenders {
  explicit TwoSenders(const Topology& topo)
      : a(topo.spec().prefix + "-cga"), b(topo.spec().prefix + "-cgb") {
    int pa[2], pb[2];
    if (pipe(pa) != 0 || pipe(pb) != 0) throw std::runtime_error("pipe");
    pid_t ca = sender(topo, a, pa[1]), cb = sender(topo, b, pb[1]);
    (void)!read(pa[0], &retrans_a, sizeof(retrans_a));
    (void)!read(pb[0], &retrans_b, sizeof(retrans_b));
    waitpid(ca, nullptr, 0);
    waitpid(cb, nullptr, 0);
    for (int fd : {pa[0], pa[1], pb[0], pb[1]}) close(fd);
  }
  ScratchCgroup a, b;
  std::uint64_t retrans_a = ~0ull, retrans_b = ~0ull;
};

// Segments of one namespace by cgroup label, as /metrics would show them.
std::map<std::string, std::uint64_t> by_cgroup(const Snapshot& s, std::uint64_t netns) {
  std::map<std::string, std::uint64_t> out;
  for (const auto& r : s.agg) {
    if (r.key.netns == netns && r.key.outcome != RETX_OUTCOME_FAILED_EARLY) out["overflow"] += r.value.segs;
  }
  for (const auto& r : s.detail) {
    if (r.key.netns != netns || r.key.outcome == RETX_OUTCOME_FAILED_EARLY) continue;
    auto it = s.cgroup_paths.find(r.key.cgroup);
    out[it == s.cgroup_paths.end() ? "overflow" : it->second] += r.value.segs;
  }
  return out;
}

// A probe with cgroup labels and this budget, a topology with 3 % loss, and
// two senders in two cgroups of its client namespace, measured over one
// window. One MSS per skb: loss decided per segment, so 2 MiB per sender
// meet about 40 drops each (with GSO a 2 MiB upload is a few dozen skbs,
// and a sender saw no drop at all in one run).
struct CgroupRun {
  explicit CgroupRun(std::uint32_t budget)
      : probe(AttachMode::Auto, SeriesLabels{false, true, budget}),
        topo(topology_spec(Offload::SegmentExact)),
        imp(topo, random_loss(0.03), Transfer::Upload, "nft"),
        w({&probe}, {client()}),
        s(topo) {
    w.close();
  }
  const Namespace& client() const { return topo.client(0); }
  AttachedProbe probe;
  Topology topo;
  Impairment imp;
  Window w;
  TwoSenders s;
};

class ExporterCgroups : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(geteuid(), 0u) << "privileged test: run as root";
    install_signal_cleanup();
    ASSERT_FALSE(find_cgroup2_mount().empty()) << "no cgroup2 mount";
  }
};

TEST_F(ExporterCgroups, TwoSendersInTwoCgroupsAreExactEach) {
  CgroupRun run(1000);
  auto& [probe, topo, imp, w, s] = run;
  const auto& c = run.client();
  ASSERT_NE(s.retrans_a, ~0ull) << "sender a failed";
  ASSERT_NE(s.retrans_b, ~0ull) << "sender b failed";
  EXPECT_GT(s.retrans_a, 0u);
  EXPECT_GT(s.retrans_b, 0u);
  auto snap = probe.snapshot();
  auto cg = by_cgroup(snap, c.inode);
  std::cout << "  cgroup a: sockets " << s.retrans_a << ", exporter " << cg[s.a.path()] << "; cgroup b: sockets "
            << s.retrans_b << ", exporter " << cg[s.b.path()] << "\n";
  EXPECT_EQ(cg[s.a.path()], s.retrans_a);
  EXPECT_EQ(cg[s.b.path()], s.retrans_b);
  EXPECT_EQ(cg["overflow"], 0u);
  expect_identity(w, c);
  bool workload = false;
  for (const auto& f : probe.collector().Collect()) {
    if (f.name != "tcp_workload_info") continue;
    for (const auto& m : f.metric) {
      for (const auto& lab : m.label) workload |= lab.name == "cgroup" && lab.value == s.a.path();
    }
  }
  EXPECT_TRUE(workload) << "tcp_workload_info names each cgroup with counters";

  // Cgroup a removed (its sender has exited): its series go, its counts move
  // to "overflow" once the mark has settled, and the namespace total holds.
  std::uint64_t total = cg[s.a.path()] + cg[s.b.path()];
  s.a.remove();
  auto marked = by_cgroup(probe.snapshot(), c.inode);
  EXPECT_EQ(marked.count(s.a.path()), 0u);
  EXPECT_EQ(marked["overflow"], cg[s.a.path()]);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  auto retired = by_cgroup(probe.snapshot(), c.inode);
  EXPECT_EQ(retired.count(s.a.path()), 0u);
  EXPECT_EQ(retired["overflow"] + retired[s.b.path()], total);
  EXPECT_EQ(retired[s.b.path()], s.retrans_b);
}

// A budget of one series: the rest folds into cgroup="overflow", the
// namespace stays exact against its kernel.
TEST_F(ExporterCgroups, OverBudgetFoldsIntoOverflowAndStaysExact) {
  CgroupRun run(1);
  auto& [probe, topo, imp, w, s] = run;
  const auto& c = run.client();
  auto snap = probe.snapshot();
  EXPECT_LE(snap.detail.size(), 1u);
  EXPECT_GT(snap.stats[RETX_STAT_FOLDED], 0u);
  auto cg = by_cgroup(snap, c.inode);
  EXPECT_GT(cg["overflow"], 0u);
  std::uint64_t sum = 0;
  for (const auto& [k, v] : cg) sum += v;
  EXPECT_EQ(sum, s.retrans_a + s.retrans_b);
  expect_identity(w, c);
}

}  // namespace
