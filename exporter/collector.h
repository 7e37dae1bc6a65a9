// The prometheus::Collectable that reads the probe's maps and the namespaces'
// counters on every scrape. A failed read is counted in
// retx_exporter_scrape_errors_total{source} and the scrape still succeeds with
// what could be read.
//
// Each scrape also retires what died since the last one: rows of dead
// namespaces leave /metrics at once and the maps a scrape later
// (netns_lifecycle.h); with cgroup labels, rows of removed cgroups fold into
// "overflow" (cgroup_retirement.h).
#pragma once

#include <prometheus/collectable.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "cgroup_paths.h"
#include "cgroup_retirement.h"
#include "metrics_builder.h"
#include "netns_files.h"
#include "netns_lifecycle.h"
#include "probe.h"
#include "series_labels.h"
#include "snapshot.h"
#include "uncounted.h"

namespace retx {

struct CollectorConfig {
  SeriesLabels labels;
  std::vector<std::uint32_t> netns_filter;  // empty = all
  // The cgroup2 mount (cgroup2_mount()); needed when labels.cgroup is on.
  std::string cgroup_mount;
};

class RetxCollector : public prometheus::Collectable {
 public:
  // Throws std::invalid_argument when cgroup labels are on without a cgroup2 mount.
  RetxCollector(const Probe& probe, CollectorConfig cfg, BuildInfo build);

  std::vector<prometheus::MetricFamily> Collect() const override;

  // What Collect() returns, as the text a scrape serves (write_metric_text):
  // the exporter's /metrics.
  std::string metrics_text(ExpositionWriter& writer) const;

  // The same data as plain values: for --once JSON and for tests. Every call
  // is a scrape: it advances the retirement of dead namespaces and cgroups.
  Snapshot snapshot() const;

 private:
  void read_counting_maps(std::vector<CounterRow>& agg, std::vector<CounterRow>& detail) const;
  void read_maps(Snapshot& s) const;
  // Bind mounts and processes (list_namespaces), then the namespaces only
  // threads are in, with the cookies the task iterator gives (live.ids).
  std::vector<NetnsRef> list_all(LiveNamespaces& live) const;
  LiveNamespaces read_namespaces(Snapshot& s) const;
  // Each namespace gets its seed pass (baseline_seed.h) when the collector
  // starts, or at the first scrape that lists it with its cookie; gone ones
  // lose their mark.
  void seed_at_start();
  void seed_namespaces(const std::vector<NetnsRef>& refs, const LiveNamespaces& live) const;
  void retire_cgroups(Snapshot& s) const;
  void retire_namespaces(Snapshot& s, const LiveNamespaces& live) const;
  void count_evictions(Snapshot& s) const;
  void check_against_kernel(Snapshot& s) const;
  void count_error(const char* source, const std::exception& e) const;
  void note_scrape() const;
  void release_idle_files(std::stop_token stop) const;

  const Probe& probe_;
  CollectorConfig cfg_;
  BuildInfo build_;
  mutable std::mutex mu_;  // serializes scrapes: the error counters and the retirements are cumulative
  mutable std::map<std::string, std::uint64_t> errors_{{"bpf_map", 0}, {"proc_net", 0}};
  mutable std::set<std::uint32_t> unreadable_logged_;  // namespaces whose read failure was logged once
  mutable NetnsFiles files_;  // each served namespace's counters files, open between scrapes
  mutable NetnsLifecycle namespaces_;
  mutable CgroupRetirement cgroups_;
  mutable std::unique_ptr<CgroupPaths> cgroup_paths_;
  mutable std::uint64_t evictions_ = 0;
  mutable UncountedSegments uncounted_;
  // When scrapes stop, the held files are closed (release_idle_files).
  mutable std::chrono::steady_clock::time_point last_scrape_{}, previous_scrape_{};
  mutable std::condition_variable_any idle_cv_;
  std::jthread idle_closer_;  // last: stopped and joined before the members it reads go
};

}  // namespace retx
