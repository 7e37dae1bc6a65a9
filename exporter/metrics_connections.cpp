// Metric families about connections rather than segments: the histogram of
// closed connections' retransmission ratios (counted by the probe at CLOSE),
// and the kernel's evidence of spurious retransmissions (DSACKs, undos) per
// namespace, served next to the ratio's denominator. Pure, like the rest of
// the builder.
#include <limits>

#include "metrics_builder.h"

namespace retx {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily family(const char* name, const char* help, MetricType type) {
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

// One counter family per evidence field, labelled by netns.
void add_spurious(const std::vector<NetnsCounters>& namespaces, std::vector<MetricFamily>& out) {
  auto segs = family("tcp_dsack_received_segments_total",
                     "TcpExt TCPDSACKRecvSegs of the namespace: sent segments the peer reported as duplicates (DSACK), "
                     "i.e. retransmissions that were not needed.",
                     MetricType::Counter);
  auto blocks = family("tcp_dsack_received_total", "TcpExt TCPDSACKRecv of the namespace: DSACK blocks received.",
                       MetricType::Counter);
  auto undos = family("tcp_retransmission_undos_total",
                      "Congestion-state undos after retransmissions proved spurious, by kind (TcpExt TCPFullUndo, "
                      "TCPPartialUndo, TCPDSACKUndo, TCPLossUndo).",
                      MetricType::Counter);
  auto rtos = family("tcp_spurious_rtos_total", "TcpExt TCPSpuriousRTOs of the namespace: RTOs found spurious by F-RTO.",
                     MetricType::Counter);
  for (const auto& n : namespaces) {
    if (!n.readable) continue;
    const auto& e = n.spurious;
    auto add = [&](MetricFamily& f, std::uint64_t v, const char* kind = nullptr) {
      ClientMetric m = netns_metric(n.inode);
      if (kind) m.label.push_back({"kind", kind});
      m.counter.value = static_cast<double>(v);
      f.metric.push_back(std::move(m));
    };
    add(segs, e.dsack_recv_segs);
    add(blocks, e.dsack_recv);
    add(undos, e.full_undo, "full");
    add(undos, e.partial_undo, "partial");
    add(undos, e.dsack_undo, "dsack");
    add(undos, e.loss_undo, "loss");
    add(rtos, e.spurious_rtos);
  }
  for (auto* f : {&segs, &blocks, &undos, &rtos}) out.push_back(std::move(*f));
}

}  // namespace

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
