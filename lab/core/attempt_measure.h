// Folding what one attempt produced into ScenarioMeasurements (pure, so unit
// tests reach it): the traffic driver's results per client, the exporter's
// self-metrics between two scrapes, and the explanation a late re-scrape adds
// to a failed exporter_exact check.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "measurements.h"
#include "prom_text.h"
#include "report.h"
#include "traffic_spec.h"

namespace retx::lab {

// What every client's traffic produced: (1-based client, result) and the
// messages of drivers that threw.
struct TrafficRun {
  std::vector<std::pair<int, TrafficResult>> results;
  std::vector<std::string> failures;
  // hold_open: (1-based client, its sockets read while open).
  std::vector<std::pair<int, OpenSockets>> open;
  // Client sockets of traffic groups with a "cgroup", by its name.
  std::map<std::string, std::vector<SocketInfo>> cgroup_sockets;
};

// Adds bytes, time, errors (at most 10 messages, "clientN: ..."), connect
// times and socket counts to m.traffic, and each socket's TCP_INFO to the
// namespace it lives in ("clientN" or "server"), which must already be in m,
// and each client's while-open reading to its namespace.
void fold_traffic(const TrafficRun& run, ScenarioMeasurements& m);

// Each cgroup in m.cgroups (name and path set): its sockets from `run` and
// the exporter's deltas of its series between the two scrapes (summed over
// namespaces: the path is the lab's own). Call after fold_traffic, whose
// exporter self metrics say whether xmit failures are counted apart.
void record_cgroups(const TrafficRun& run, const PromScrape& before, const PromScrape& after,
                    ScenarioMeasurements& m);

// The exporter-wide self metrics: deltas of the counters, gauges as after.
ExporterSelf exporter_self(const PromScrape& before, const PromScrape& after);

// When exporter_exact failed, a scrape taken a second later tells a lagging
// exporter (it caught up) from a losing one (still short): records the late
// deltas in a.measurements["late_rescrape"] and appends the verdict to the
// failed checks' reasons.
bool exact_check_failed(const AttemptRecord& a);
void explain_exact_failures(AttemptRecord& a, const ScenarioMeasurements& m, const PromScrape& late);

// Retransmits the kernel counted in the attempt's namespaces that provably
// ran no program: on a kernel that skips tracing programs while PID 1 is
// current (bpf/README.md, "Programs the kernel skips"), with one segment per
// skb, each counted retransmit fires one hit, so tracepoint hits (exporter-
// wide: anything elsewhere only adds to them) short of ΣΔRetransSegs are
// skips. 0 where nothing proves it: another kernel, GSO, or hits from
// elsewhere making up the gap.
double provably_skipped_hits(const ScenarioMeasurements& m, bool one_segment_per_skb);

// Whether an attempt that ran to its checks failed for the kernel's skips:
// some check failed and the kernel provably skipped the probe, leaving the
// causes of what it skipped unknowable (they count later, by growth, as
// "other"). The proof, in words; empty otherwise.
std::string kernel_skip_reason(const AttemptRecord& a, const ScenarioMeasurements& m, bool one_segment_per_skb);
// Where kernel_skip_reason holds: sets the attempt aside (a.set_aside, true
// returned) when may_set_aside, else adds the proof to its failed checks. The
// runner allows it once per scenario, so that a probe missing hits on its own
// still fails.
bool apply_kernel_skips(AttemptRecord& a, const ScenarioMeasurements& m, bool one_segment_per_skb, bool may_set_aside);

}  // namespace retx::lab
