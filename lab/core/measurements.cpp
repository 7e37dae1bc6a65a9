#include "measurements.h"

#include <set>

namespace retx::lab {

CounterDeltas counter_deltas(const retx::ProcCounters& before, const retx::ProcCounters& after) {
  CounterDeltas d;
  for (const auto& [k, v] : after) {
    auto it = before.find(k);
    std::uint64_t b = it == before.end() ? 0 : it->second;
    d[k] = static_cast<std::int64_t>(v) - static_cast<std::int64_t>(b);
  }
  return d;
}

std::int64_t delta_or_zero(const CounterDeltas& d, std::string_view key) {
  auto it = d.find(key);
  return it == d.end() ? 0 : it->second;
}

PromScrape filter_netns(const PromScrape& s, std::uint64_t inode) {
  PromScrape out;
  const std::string want = std::to_string(inode);
  for (const auto& smp : s.samples) {
    auto it = smp.labels.find("netns");
    if (it != smp.labels.end() && it->second == want) out.samples.push_back(smp);
  }
  return out;
}

double metric_delta(const PromScrape& before, const PromScrape& after, std::string_view metric,
                    const Labels& labels) {
  return after.sum(metric, labels) - before.sum(metric, labels);
}

ExporterNsDelta exporter_ns_delta(const PromScrape& before, const PromScrape& after) {
  ExporterNsDelta d;
  d.series_seen = after.has("tcp_retransmissions_total") || after.has("tcp_retransmit_failures_total");
  d.retransmissions = metric_delta(before, after, "tcp_retransmissions_total");
  d.skbs = metric_delta(before, after, "tcp_retransmit_skbs_total");
  d.xmit_failures = metric_delta(before, after, "tcp_retransmit_failures_total", {{"stage", "xmit"}});
  d.early_failures = metric_delta(before, after, "tcp_retransmit_failures_total", {{"stage", "early"}});
  d.segments_sent = metric_delta(before, after, "tcp_segments_sent_total");
  d.data_segments_sent = metric_delta(before, after, "tcp_data_segments_sent_total");
  std::set<std::string> causes;
  for (const auto* s : after.find("tcp_retransmissions_total"))
    if (auto it = s->labels.find("cause"); it != s->labels.end()) causes.insert(it->second);
  for (const auto* s : after.find("tcp_retransmit_failures_total"))
    if (auto it = s->labels.find("cause"); it != s->labels.end()) causes.insert(it->second);
  for (const auto& c : causes) {
    double r = metric_delta(before, after, "tcp_retransmissions_total", {{"cause", c}});
    double f = metric_delta(before, after, "tcp_retransmit_failures_total", {{"cause", c}, {"stage", "xmit"}});
    if (r != 0) d.retrans_by_cause[c] = r;
    if (f != 0) d.xmit_failures_by_cause[c] = f;
  }
  return d;
}

const NamespaceMeasure* ScenarioMeasurements::by_role(std::string_view role) const {
  for (const auto& n : namespaces)
    if (n.role == role) return &n;
  return nullptr;
}

}  // namespace retx::lab
