// The prometheus::Collectable that reads the probe's maps and the namespaces'
// counters on every scrape. A failed read is counted in
// retx_exporter_scrape_errors_total{source} and the scrape still succeeds with
// what could be read.
#pragma once

#include <prometheus/collectable.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

#include "metrics_builder.h"
#include "probe.h"
#include "snapshot.h"

namespace retx {

struct CollectorConfig {
  bool peer_labels = false;
  std::uint32_t series_budget = 0;
  std::vector<std::uint32_t> netns_filter;  // empty = all
};

class RetxCollector : public prometheus::Collectable {
 public:
  RetxCollector(const Probe& probe, CollectorConfig cfg, BuildInfo build);

  std::vector<prometheus::MetricFamily> Collect() const override;

  // The same data as plain values: for --once JSON and for tests.
  Snapshot snapshot() const;

 private:
  const Probe& probe_;
  CollectorConfig cfg_;
  BuildInfo build_;
  mutable std::mutex mu_;  // serializes scrapes: the error counters are cumulative
  mutable std::map<std::string, std::uint64_t> errors_{{"bpf_map", 0}, {"proc_net", 0}};
};

}  // namespace retx
