// A churn scenario: instead of one topology measured once, `cycles` topologies
// built, driven through the scenario's impairment and traffic, and deleted one
// after the other while the exporter runs (the kernel soon hands a new
// namespace a dead one's inode). Parsed from the scenario file's "churn"
// object here; lab/run/churn_runner.h runs it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "prom_text.h"

namespace retx::lab {

class JsonReader;

struct ChurnSpec {
  int cycles = 0;         // 0: not a churn scenario
  int warmup_cycles = 5;  // the exporter's RSS baseline is read after these (first allocations)
  bool active() const { return cycles > 0; }
};

// Reads the scenario file's "churn" object: {"cycles": 1..500, "warmup_cycles": 0..cycles-1}.
ChurnSpec parse_churn(const JsonReader& r);

// One namespace of one cycle.
struct ChurnNamespace {
  std::string role;
  std::uint64_t inode = 0;
  bool reused = false;        // an earlier cycle's dead namespace had this inode
  double fresh = 0;           // exporter's retransmissions + failures at its first scrape
  double exporter = 0;        // the same after its traffic (it was born at 0)
  std::int64_t kernel = 0;    // Tcp.RetransSegs after - at birth
  std::int64_t kernel_fail = 0;  // TcpExt.TCPRetransFail after - at birth
};

struct ChurnCycle {
  std::vector<ChurnNamespace> namespaces;
  // Series labelled with a dead namespace of this cycle (and no living one
  // holding its inode now) at the first and second scrape after deletion.
  int dead_series_1 = 0, dead_series_2 = 0;
  std::int64_t traffic_errors = 0;
};

struct ChurnMeasure {
  std::vector<ChurnCycle> cycles;
  bool err_field = false;            // exporter counts xmit failures apart (see exporter_exact)
  int series_baseline = -1, series_end = -1;  // series without a netns label or with one of ours
  long rss_baseline_kib = -1, rss_end_kib = -1;  // -1: exporter not started by the lab
  int reused_cycles() const;
};

// The report's "churn" measurements: totals and one row per cycle.
nlohmann::json churn_to_json(const ChurnMeasure& m);

// Samples of `scrape` that carry a netns label in `inodes` while no
// tcp_netns_info sample says a living namespace holds that inode.
int dead_series(const PromScrape& scrape, const std::vector<std::uint64_t>& inodes);
// Samples without a netns label plus dead_series(scrape, ours): the
// exporter's own series and the churn's, not those of other namespaces on the
// host (which may by now hold one of our dead namespaces' inodes).
int own_series(const PromScrape& scrape, const std::vector<std::uint64_t>& ours);

}  // namespace retx::lab
