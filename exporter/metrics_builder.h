// Snapshot → Prometheus metric families. Pure: no maps, no /proc, no clock.
// Metric names and labels are the contract in exporter/METRICS.md.
#pragma once

#include <prometheus/metric_family.h>

#include <string>
#include <vector>

#include "snapshot.h"

namespace retx {

struct BuildInfo {
  std::string version;
  std::string libbpf;
};

std::vector<prometheus::MetricFamily> build_metric_families(const Snapshot& snap, const BuildInfo& build);

}  // namespace retx
