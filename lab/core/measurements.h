// Everything measured in one attempt of a scenario, as plain data: what the
// checks are evaluated on and what the report records. The runner fills it
// from the kernel layer; unit tests fill it by hand.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "churn_spec.h"
#include "impairment_spec.h"
#include "open_sockets.h"
#include "prom_text.h"
#include "proc_net.h"

namespace retx::lab {

// Counter deltas after - before (signed: a counter that went backwards is a bug
// worth seeing, not something to wrap).
using CounterDeltas = std::map<std::string, std::int64_t, std::less<>>;
CounterDeltas counter_deltas(const retx::ProcCounters& before, const retx::ProcCounters& after);
std::int64_t delta_or_zero(const CounterDeltas& d, std::string_view key);

// The exporter's view of one namespace between two scrapes.
struct ExporterNsDelta {
  bool series_seen = false;  // any retransmission series carried this netns label
  double retransmissions = 0;  // tcp_retransmissions_total
  double skbs = 0;             // tcp_retransmit_skbs_total
  double xmit_failures = 0;    // tcp_retransmit_failures_total{stage="xmit"}
  double early_failures = 0;   // tcp_retransmit_failures_total{stage="early"}
  double segments_sent = 0;    // tcp_segments_sent_total
  double data_segments_sent = 0;
  std::map<std::string, double> retrans_by_cause;
  std::map<std::string, double> xmit_failures_by_cause;
};

// Keeps only samples whose netns label is `inode` (the attribution key).
PromScrape filter_netns(const PromScrape& s, std::uint64_t inode);
ExporterNsDelta exporter_ns_delta(const PromScrape& before, const PromScrape& after);
// Δ sum(metric{labels}) between two scrapes.
double metric_delta(const PromScrape& before, const PromScrape& after, std::string_view metric,
                    const Labels& labels = {});

struct SocketTotals {
  int sockets = 0;
  std::uint64_t total_retrans = 0;  // Σ tcpi_total_retrans (segments)
  std::uint64_t segs_out = 0;
  std::uint64_t data_segs_out = 0;
  std::uint64_t bytes_retrans = 0;
};

struct NamespaceMeasure {
  std::string role;  // client1 | client2 | router | server
  std::string name;  // netns name
  std::uint64_t inode = 0;
  CounterDeltas kernel;
  PromScrape exporter_before, exporter_after;  // already filtered to this netns
  ExporterNsDelta exporter;
  SocketTotals sockets;
  OpenSockets open;  // the lab's sockets read while still open (traffic hold_open)
};

// One cgroup the lab made for a traffic group's client sockets: those
// sockets' TCP_INFO and the exporter's series carrying the cgroup's label.
struct CgroupMeasure {
  std::string name;  // the scenario file's "cgroup"
  std::string path;  // the exporter's label: relative to the cgroup2 mount, "/rxl-<pid>-<n>-<name>"
  SocketTotals sockets;  // its client sockets, TCP_INFO just before close
  int incomplete = 0;    // of those, sockets whose exchange failed (they may retransmit after close)
  bool series_seen = false;       // any tcp_retransmissions_total sample had this cgroup label
  double retransmissions = 0;     // Δ Σ tcp_retransmissions_total{cgroup=path}, every netns
  double xmit_failures = 0;       // Δ Σ tcp_retransmit_failures_total{cgroup=path, stage="xmit"}
};

struct TrafficMeasure {
  double bytes = 0;
  double seconds = 0;
  double connect_seconds_min = 0;
  double connect_seconds_max = 0;
  std::int64_t errors = 0;
  int sockets = 0;
  std::vector<std::string> error_messages;
};

// Exporter-wide self metrics, deltas between the two scrapes.
struct ExporterSelf {
  bool err_field = false;  // retx_exporter_probe_info{err_field="true"}: failures are visible
  bool pid1_context_skipped = false;  // retx_exporter_kernel_skips_pid1_context (bpf/README.md)
  double lost_hits = 0;
  double probe_misses = 0;  // retx_exporter_probe_misses_total: hits the kernel did not run the probe for
  double scrape_errors = 0;     // map and iterator reads: every scenario's figures depend on them
  double netns_read_errors = 0;  // source="proc_net": some namespace's /proc/net could not be read
  double folded_hits = 0;
  double peer_series = 0;         // gauge, after
  double peer_series_budget = 0;  // gauge, after
  // Exporter-wide, for telling apart why an exact check failed: a retransmit
  // whose hit never ran (skb_hits short of the kernel's count), one counted
  // by its own pcount for want of a baseline, and rows removed with a
  // namespace taken for dead. Any scenario running in parallel adds to them.
  double skb_hits = 0;            // retx_exporter_tracepoint_hits_total{tracepoint="tcp_retransmit_skb"}
  double synack_hits = 0;         // ... {tracepoint="tcp_retransmit_synack"}
  double baselines_created = 0;   // retx_exporter_socket_baselines_created_total
  double first_hit_fallbacks = 0;  // retx_exporter_first_hit_fallbacks_total
  double namespaces_removed = 0;  // retx_exporter_namespaces_removed_total
};

struct ScenarioMeasurements {
  std::vector<NamespaceMeasure> namespaces;
  TrafficMeasure traffic;
  ImpairmentStats impairment;  // what the backend counted; .active false when none was installed
  ExporterSelf exporter;
  bool quiesced = true;  // counters stopped moving before "after" was read
  double quiesce_seconds = 0;
  ChurnMeasure churn;  // churn scenarios only (namespaces above stay empty)
  std::vector<CgroupMeasure> cgroups;  // one per Scenario::cgroups() name

  const NamespaceMeasure* by_role(std::string_view role) const;
};

}  // namespace retx::lab
