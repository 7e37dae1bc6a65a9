#include "churn_runner.h"

#include <fstream>
#include <memory>
#include <set>

#include "attempt_measure.h"
#include "attempt_steps.h"
#include "cleanup.h"
#include "counters.h"
#include "exporter_process.h"
#include "impairment.h"
#include "quiescence.h"

namespace retx::lab {

namespace {

// What the exporter has counted for one namespace: retransmissions plus
// failed retransmits, the two halves of RetransSegs (exporter_exact).
double exporter_total(const PromScrape& scrape, std::uint64_t inode) {
  auto d = exporter_ns_delta(PromScrape{}, filter_netns(scrape, inode));
  return d.retransmissions + d.xmit_failures;
}

std::int64_t grew(const retx::ProcCounters& before, const retx::ProcCounters& after, std::string_view key) {
  return delta_or_zero(counter_deltas(before, after), key);
}

// Impairment and traffic on a built topology, until its counters are quiet.
std::int64_t drive(const Topology& topo, const Scenario& s, const ImpairmentSpec& impairment,
                   const std::string& backend) {
  std::unique_ptr<Impairment> imp;
  if (backend != "none") imp = std::make_unique<Impairment>(topo, impairment, s.primary_traffic().transfer, backend);
  ScenarioMeasurements folded;
  fold_traffic(drive_traffic(topo, s), folded);
  wait_for_quiet(topo.all(), s.quiesce_ms, 10.0);
  return folded.traffic.errors;
}

ChurnCycle churn_cycle(const Scenario& s, const ImpairmentSpec& impairment, const std::string& backend,
                       const std::string& url, const std::set<std::uint64_t>& dead, std::vector<std::uint64_t>& inodes) {
  ChurnCycle c;
  {
    TopologySpec ts = s.topology;
    ts.prefix = make_run_prefix("rxl");
    Topology topo(ts);
    const auto nss = roles_of(topo);
    const PromScrape fresh = scrape_metrics(url);
    std::vector<retx::ProcCounters> birth;
    for (const auto& r : nss) {
      birth.push_back(read_counters(r.ns));
      inodes.push_back(r.ns.inode);
      c.namespaces.push_back({r.role, r.ns.inode, dead.count(r.ns.inode) > 0, exporter_total(fresh, r.ns.inode)});
    }
    c.traffic_errors = drive(topo, s, impairment, backend);
    const auto after = scrape_between_counters(topo.all(), url);
    for (size_t i = 0; i < nss.size(); ++i) {
      const auto& now = after.counters[i];
      auto& n = c.namespaces[i];
      n.exporter = exporter_total(after.seen, n.inode);
      n.kernel = grew(birth[i], now, "Tcp.RetransSegs");
      n.kernel_fail = grew(birth[i], now, "TcpExt.TCPRetransFail");
    }
  }  // ~Topology deletes the namespaces
  const std::vector<std::uint64_t> mine(inodes.end() - static_cast<long>(c.namespaces.size()), inodes.end());
  c.dead_series_1 = dead_series(scrape_metrics(url), mine);
  c.dead_series_2 = dead_series(scrape_metrics(url), mine);
  return c;
}

}  // namespace

long rss_kib(pid_t pid) {
  if (pid <= 0) return -1;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

void measure_churn(const Scenario& s, const ImpairmentSpec& impairment, const std::string& backend,
                   const std::string& url, pid_t exporter_pid, ScenarioMeasurements& m) {
  auto& ch = m.churn;
  const PromScrape base = scrape_metrics(url);
  ch.err_field = exporter_self(base, base).err_field;
  ch.series_baseline = own_series(base, {});
  std::set<std::uint64_t> dead;
  std::vector<std::uint64_t> inodes;
  for (int i = 0; i < s.churn.cycles; ++i) {
    if (i == s.churn.warmup_cycles) ch.rss_baseline_kib = rss_kib(exporter_pid);
    ImpairmentSpec cycle_impairment = impairment;
    cycle_impairment.seed = impairment.seed + static_cast<std::uint64_t>(i);
    ch.cycles.push_back(churn_cycle(s, cycle_impairment, backend, url, dead, inodes));
    dead.insert(inodes.begin(), inodes.end());
  }
  ch.series_end = own_series(scrape_metrics(url), inodes);
  ch.rss_end_kib = rss_kib(exporter_pid);
}

}  // namespace retx::lab
