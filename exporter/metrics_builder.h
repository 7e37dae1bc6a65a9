// Snapshot → Prometheus metric families. Pure: no maps, no /proc, no clock.
// Metric names and labels are the contract in exporter/METRICS.md.
#pragma once

#include <prometheus/metric_family.h>

#include <string>
#include <vector>

#include "snapshot.h"
#include "text_exposition.h"

namespace retx {

struct BuildInfo {
  std::string version;
  std::string libbpf;
};

std::vector<prometheus::MetricFamily> build_metric_families(const Snapshot& snap, const BuildInfo& build);

// The same families as text, as a scrape serves them: byte for byte
// append_text_exposition(build_metric_families(snap, build)), written family
// by family so that the skbs families take the segments families' labels
// instead of copies (the peak memory of a scrape: bench/README.md, "Scrape").
std::string write_metric_text(const Snapshot& snap, const BuildInfo& build, ExpositionWriter& writer);

// Per-connection and spurious-retransmission families (metrics_connections.cpp):
// the closed connections' ratio histogram, the DSACK and undo counters.
void add_connection_families(const Snapshot& snap, std::vector<prometheus::MetricFamily>& out);

// The histogram's upper bounds (RETX_RATIO_DENOMS_INIT as ratios), +Inf last.
std::vector<double> ratio_bucket_bounds();

}  // namespace retx
