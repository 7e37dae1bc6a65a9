#include "exporter_fixture.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>

#include "bpf_progs.h"
#include "bracketed_reading.h"
#include "cleanup.h"
#include "labels.h"

namespace retx::test {

lab::TopologySpec topology_spec(lab::Offload off, int clients) {
  lab::TopologySpec s;
  s.prefix = lab::make_run_prefix("rxl");
  s.offload = off;
  s.clients = clients;
  return s;
}

lab::ImpairmentSpec random_loss(double p) {
  lab::ImpairmentSpec i;
  i.kind = lab::ImpairKind::Random;
  i.loss = p;
  return i;
}

lab::TrafficSpec bulk(int family, double seconds) {
  lab::TrafficSpec t;
  t.family = family;
  t.duration_s = seconds;
  return t;
}

NsCounts counts_for(const Snapshot& s, std::uint64_t netns) {
  NsCounts c;
  auto add = [&](const std::vector<CounterRow>& rows) {
    for (const auto& r : rows) {
      if (r.key.netns != netns) continue;
      switch (r.key.outcome) {
        case RETX_OUTCOME_SENT:
          c.sent += r.value.segs;
          c.sent_by_cause[cause_name(r.key.cause)] += r.value.segs;
          break;
        case RETX_OUTCOME_FAILED_XMIT: c.xmit += r.value.segs; break;
        default: c.early += r.value.segs; break;
      }
      if (r.key.outcome != RETX_OUTCOME_SENT) {
        c.failed_by_errno[std::string(stage_name(r.key.outcome)) + "/" + errno_name(r.key.err)] += r.value.segs;
      }
    }
  };
  add(s.agg);
  add(s.detail);
  return c;
}

NsCounts delta(const NsCounts& b, const NsCounts& a) {
  NsCounts d{a.sent - b.sent, a.xmit - b.xmit, a.early - b.early, {}};
  for (const auto& [cause, v] : a.sent_by_cause) {
    auto it = b.sent_by_cause.find(cause);
    d.sent_by_cause[cause] = v - (it == b.sent_by_cause.end() ? 0 : it->second);
  }
  for (const auto& [e, v] : a.failed_by_errno) {
    auto it = b.failed_by_errno.find(e);
    d.failed_by_errno[e] = v - (it == b.failed_by_errno.end() ? 0 : it->second);
  }
  return d;
}

std::size_t open_fds() {
  std::size_t n = 0;
  DIR* d = opendir("/proc/self/fd");
  while (d && readdir(d)) ++n;
  if (d) closedir(d);
  return n;
}

AttachedProbe::AttachedProbe(AttachMode mode, SeriesLabels labels) {
  ProbeConfig pc;
  pc.attach = mode;
  pc.labels = labels;
  probe_ = std::make_unique<Probe>(pc);
  collector_ = std::make_shared<RetxCollector>(*probe_, CollectorConfig{labels, {}, find_cgroup2_mount()},
                                               BuildInfo{"test", "test"});
}

AttachedProbe* ProbeSuite::probe_ = nullptr;

void ProbeSuite::SetUpTestSuite() {
  ASSERT_EQ(geteuid(), 0u) << "privileged test: run as root";
  lab::install_signal_cleanup();
  probe_ = new AttachedProbe();
}

void ProbeSuite::TearDownTestSuite() {
  delete probe_;
  probe_ = nullptr;
}

// The kernel's counters and the probes' snapshots of one moment: the snapshots
// are taken between two readings of the counters, again while a retransmit (a
// late FIN's timer) moved them across (lab/core/bracketed_reading.h).
void Window::read(std::map<std::string, ProcCounters>& counters, std::vector<Snapshot>& snaps) const {
  auto r = lab::bracketed(
      [&] {
        std::map<std::string, ProcCounters> m;
        for (const auto& ns : namespaces_) m[ns.name] = lab::read_counters(ns);
        return m;
      },
      [&] {
        std::vector<Snapshot> v;
        for (const auto* p : probes_) v.push_back(p->snapshot());
        return v;
      });
  counters = std::move(r.counters);
  snaps = std::move(r.seen);
}

Window::Window(const std::vector<const AttachedProbe*>& probes, const std::vector<lab::Namespace>& namespaces)
    : probes_(probes), namespaces_(namespaces) {
  progs_before_ = loaded_bpf_prog_ids();
  read(before_, snap_before_);
}

void Window::close() {
  read(after_, snap_after_);
  progs_after_ = loaded_bpf_prog_ids();
}

std::uint64_t Window::kernel(const lab::Namespace& ns, const std::string& key) const {
  return counter_or_zero(after_.at(ns.name), key) - counter_or_zero(before_.at(ns.name), key);
}

std::uint64_t Window::misses(size_t probe) const {
  std::uint64_t m = 0;
  for (const auto& p : snap_after_.at(probe).programs) m += p.recursion_misses;
  for (const auto& p : snap_before_.at(probe).programs) m -= p.recursion_misses;
  return m;
}

NsCounts Window::exporter(const lab::Namespace& ns, size_t probe) const {
  return delta(counts_for(snap_before_.at(probe), ns.inode), counts_for(snap_after_.at(probe), ns.inode));
}

std::uint64_t Window::stat(int slot, size_t probe) const {
  return snap_after_.at(probe).stats[slot] - snap_before_.at(probe).stats[slot];
}

std::string Window::probe_detail(const lab::Namespace& ns, size_t probe) const {
  const auto& a = snap_after_.at(probe);
  auto named = [&](const char* name, int i) { return std::string(" ") + name + " +" + std::to_string(stat(i, probe)); };
  std::string d = "probe over the window:" + named("skb_hits", RETX_STAT_SKB_HITS) +
                  named("first_hits", RETX_STAT_FIRST_HIT) + named("lost", RETX_STAT_LOST) +
                  named("spilled", RETX_STAT_SPILLED) + named("baselines", RETX_STAT_SK_TRACKED) +
                  " recursion_misses +" + std::to_string(misses(probe)) +
                  (bpf_churn() ? " (BPF programs were loaded/unloaded meanwhile: attach churn on the tracepoint can "
                                 "skip hits)"
                               : "") +
                  "; after-snapshot: netns " + std::to_string(ns.inode);
  auto it = std::find_if(a.netns.begin(), a.netns.end(), [&](const NetnsCounters& n) { return n.inode == ns.inode; });
  d += it == a.netns.end() ? " not listed"
                           : std::string(" listed, ") + (it->readable ? "readable" : "unreadable") + ", cookie " +
                                 std::to_string(it->cookie);
  std::size_t rows = std::count_if(a.agg.begin(), a.agg.end(), [&](const CounterRow& r) { return r.key.netns == ns.inode; });
  return d + ", " + std::to_string(rows) + " aggregate row(s), identity by " + a.netns_identity;
}

void expect_identity(const Window& w, const lab::Namespace& ns, size_t probe) {
  auto e = w.exporter(ns, probe);
  std::string failures;
  for (const auto& [k, v] : e.failed_by_errno) failures += " " + k + "=" + std::to_string(v);
  EXPECT_EQ(e.sent + e.xmit, w.kernel(ns, "Tcp.RetransSegs"))
      << ns.name << " (netns " << ns.inode << "): exporter sent " << e.sent << " + xmit failures " << e.xmit
      << " vs kernel RetransSegs; failures by errno:" << failures << "; " << w.probe_detail(ns, probe);
  EXPECT_EQ(e.xmit, w.kernel(ns, "TcpExt.TCPRetransFail")) << ns.name;
  std::uint64_t syn = e.sent_by_cause["syn"] + e.sent_by_cause["synack"];
  // The figures, for the log and for issue notes: one line per namespace.
  if (w.kernel(ns, "Tcp.RetransSegs") + e.sent + e.early > 0) {
    std::cout << "  " << ns.name << ": kernel RetransSegs +" << w.kernel(ns, "Tcp.RetransSegs") << " TCPRetransFail +"
              << w.kernel(ns, "TcpExt.TCPRetransFail") << " TCPSynRetrans +" << w.kernel(ns, "TcpExt.TCPSynRetrans")
              << " | exporter sent " << e.sent << " xmit " << e.xmit << " early " << e.early << " syn+synack " << syn
              << "\n";
  }
  EXPECT_EQ(syn, w.kernel(ns, "TcpExt.TCPSynRetrans"))
      << ns.name << ": syn + synack vs TCPSynRetrans; " << w.probe_detail(ns, probe);
}

}  // namespace retx::test
