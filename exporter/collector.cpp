#include "collector.h"

#include <algorithm>
#include <iostream>

#include "map_reader.h"
#include "netns_scan.h"

namespace retx {

RetxCollector::RetxCollector(const Probe& probe, CollectorConfig cfg, BuildInfo build)
    : probe_(probe), cfg_(std::move(cfg)), build_(std::move(build)) {}

Snapshot RetxCollector::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  Snapshot s;
  s.attach = attach_mode_name(probe_.attach_mode());
  s.err_field = probe_.features().skb_has_err;
  s.peer_labels = cfg_.peer_labels;
  s.series_budget = cfg_.series_budget;
  try {
    s.agg = read_counter_map(probe_.agg_map_fd());
    if (cfg_.peer_labels) s.peer = read_counter_map(probe_.peer_map_fd());
    s.stats = read_stats_map(probe_.stats_map_fd());
    s.ratio_hist = read_ratio_hist_map(probe_.ratio_hist_map_fd());
  } catch (const std::exception& e) {
    ++errors_["bpf_map"];
    std::cerr << "retx-exporter: scrape: " << e.what() << "\n";
  }
  for (const auto& ns : list_namespaces()) {
    if (!cfg_.netns_filter.empty() &&
        std::find(cfg_.netns_filter.begin(), cfg_.netns_filter.end(), ns.inode) == cfg_.netns_filter.end()) {
      continue;
    }
    try {
      s.netns.push_back(read_netns_counters(ns));
    } catch (const std::exception&) {
      // Namespaces come and go between listing and reading; count, don't log per scrape.
      ++errors_["proc_net"];
      s.netns.push_back({ns.inode, ns.name, false, 0, 0});
    }
  }
  s.programs = probe_.program_stats();
  s.scrape_errors = errors_;
  return s;
}

std::vector<prometheus::MetricFamily> RetxCollector::Collect() const {
  return build_metric_families(snapshot(), build_);
}

}  // namespace retx
