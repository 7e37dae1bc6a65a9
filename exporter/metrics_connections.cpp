// Metric families about connections rather than segments: the histogram of
// closed connections' retransmission ratios (counted by the probe at CLOSE),
// and the kernel's evidence of spurious retransmissions (DSACKs, undos) per
// namespace, served next to the ratio's denominator. Pure, like the rest of
// the builder.
#include <algorithm>
#include <limits>

#include "metrics_builder.h"

namespace retx {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily family(const std::string& name, const std::string& help, MetricType type) {
  MetricFamily f;
  f.name = name;
  f.help = help;
  f.type = type;
  return f;
}

ClientMetric netns_metric(std::uint32_t netns) {
  ClientMetric m;
  m.label.push_back({"netns", std::to_string(netns)});
  return m;
}

MetricFamily ratio_histogram(const std::vector<RatioHistRow>& rows) {
  auto f = family("tcp_connection_retransmission_ratio",
                  "Closed TCP connections by retransmitted / sent segments (tcp_sock total_retrans / segs_out at CLOSE).",
                  MetricType::Histogram);
  const auto bounds = ratio_bucket_bounds();
  for (const auto& r : rows) {
    ClientMetric m = netns_metric(r.netns);
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < bounds.size(); ++b) {
      cumulative += r.hist.buckets[b];
      m.histogram.bucket.push_back({cumulative, bounds[b]});
    }
    m.histogram.sample_count = cumulative;
    m.histogram.sample_sum = static_cast<double>(r.hist.sum_scaled) / static_cast<double>(RETX_RATIO_SUM_SCALE);
    f.metric.push_back(std::move(m));
  }
  return f;
}

// One counter family per metric of spurious_counters(), labelled by netns
// (and kind), for every namespace that could be read.
void add_spurious(const std::vector<NetnsCounters>& namespaces, std::vector<MetricFamily>& out) {
  std::vector<MetricFamily> families;
  for (const auto& k : spurious_counters()) {
    auto it = std::find_if(families.begin(), families.end(), [&](const MetricFamily& f) { return f.name == k.metric; });
    if (it == families.end()) {
      families.push_back(family(k.metric, k.help, MetricType::Counter));
      it = families.end() - 1;
    }
    for (const auto& n : namespaces) {
      if (!n.readable) continue;
      ClientMetric m = netns_metric(n.inode);
      if (k.kind) m.label.push_back({"kind", k.kind});
      m.counter.value = static_cast<double>(n.spurious.*k.field);
      it->metric.push_back(std::move(m));
    }
  }
  for (auto& f : families) out.push_back(std::move(f));
}

}  // namespace

const std::vector<SpuriousCounter>& spurious_counters() {
  using E = SpuriousEvidence;
  static constexpr const char* kUndo =
      "Congestion-state undos after retransmissions proved spurious, by kind (TcpExt TCPFullUndo, TCPPartialUndo, "
      "TCPDSACKUndo, TCPLossUndo).";
  static const std::vector<SpuriousCounter> table = {
      {"TcpExt.TCPDSACKRecvSegs", &E::dsack_recv_segs, "tcp_dsack_received_segments_total", nullptr,
       "TcpExt TCPDSACKRecvSegs of the namespace: sent segments the peer reported as duplicates (DSACK), i.e. "
       "retransmissions that were not needed."},
      {"TcpExt.TCPDSACKRecv", &E::dsack_recv, "tcp_dsack_received_total", nullptr,
       "TcpExt TCPDSACKRecv of the namespace: DSACK blocks received."},
      {"TcpExt.TCPFullUndo", &E::full_undo, "tcp_retransmission_undos_total", "full", kUndo},
      {"TcpExt.TCPPartialUndo", &E::partial_undo, "tcp_retransmission_undos_total", "partial", kUndo},
      {"TcpExt.TCPDSACKUndo", &E::dsack_undo, "tcp_retransmission_undos_total", "dsack", kUndo},
      {"TcpExt.TCPLossUndo", &E::loss_undo, "tcp_retransmission_undos_total", "loss", kUndo},
      {"TcpExt.TCPSpuriousRTOs", &E::spurious_rtos, "tcp_spurious_rtos_total", nullptr,
       "TcpExt TCPSpuriousRTOs of the namespace: RTOs found spurious by F-RTO."},
  };
  return table;
}

std::vector<double> ratio_bucket_bounds() {
  constexpr unsigned denoms[RETX_RATIO_BOUNDS] = RETX_RATIO_DENOMS_INIT;
  std::vector<double> b;
  for (unsigned d : denoms) b.push_back(d ? 1.0 / d : 0.0);
  b.push_back(std::numeric_limits<double>::infinity());
  return b;
}

void add_connection_families(const Snapshot& snap, std::vector<MetricFamily>& out) {
  out.push_back(ratio_histogram(snap.ratio_hist));
  add_spurious(snap.netns, out);
  auto lost = family("retx_exporter_ratio_hist_lost_total",
                     "Closed connections left out of tcp_connection_retransmission_ratio (its map was full): must be 0.",
                     MetricType::Counter);
  ClientMetric m;
  m.counter.value = static_cast<double>(snap.stats[RETX_STAT_HIST_LOST]);
  lost.metric.push_back(std::move(m));
  out.push_back(std::move(lost));
}

}  // namespace retx
