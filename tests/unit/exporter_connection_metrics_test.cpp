// The closed-connection ratio histogram and the spurious-retransmission
// counters, from a Snapshot to the text Prometheus reads.
#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <cmath>

#include "metric_family_lookup.h"
#include "metrics_builder.h"

namespace {

using retx::test::family;

std::string text_of(const prometheus::MetricFamily& f) {
  return prometheus::TextSerializer().Serialize({f});
}

retx::Snapshot with_histogram() {
  retx::Snapshot s;
  retx::RatioHistRow r;
  r.netns = 4026532100;
  r.hist.buckets[0] = 5;   // ratio exactly 0
  r.hist.buckets[4] = 2;   // (0.01, 0.02]
  r.hist.buckets[5] = 1;   // (0.02, 0.05]
  r.hist.buckets[10] = 1;  // above 1
  r.hist.sum_scaled = 75000000;  // 0.075 in units of 1e-9
  s.ratio_hist = {r};
  return s;
}

}  // namespace

TEST(ExporterConnectionMetrics, BoundsAreTheAbiDenominators) {
  auto b = retx::ratio_bucket_bounds();
  ASSERT_EQ(b.size(), RETX_RATIO_BOUNDS + 1u);
  std::vector<double> want = {0, 0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1};
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_DOUBLE_EQ(b[i], want[i]) << i;
  EXPECT_TRUE(std::isinf(b.back()));
}

TEST(ExporterConnectionMetrics, HistogramIsCumulativeWithSumAndCount) {
  auto fs = retx::build_metric_families(with_histogram(), {"t", "t"});
  const auto& h = family(fs, "tcp_connection_retransmission_ratio");
  ASSERT_EQ(h.type, prometheus::MetricType::Histogram);
  ASSERT_EQ(h.metric.size(), 1u);
  const auto& m = h.metric[0].histogram;
  EXPECT_EQ(m.sample_count, 9u);
  EXPECT_DOUBLE_EQ(m.sample_sum, 0.075);
  ASSERT_EQ(m.bucket.size(), 11u);
  EXPECT_EQ(m.bucket[0].cumulative_count, 5u);
  EXPECT_EQ(m.bucket[3].cumulative_count, 5u);  // le 0.01
  EXPECT_EQ(m.bucket[4].cumulative_count, 7u);  // le 0.02
  EXPECT_EQ(m.bucket[9].cumulative_count, 8u);  // le 1
  EXPECT_EQ(m.bucket[10].cumulative_count, 9u); // +Inf
  // What Prometheus parses: _bucket with le, _sum, _count, and one +Inf bucket.
  std::string t = text_of(h);
  EXPECT_NE(t.find("# TYPE tcp_connection_retransmission_ratio histogram"), std::string::npos) << t;
  EXPECT_NE(t.find("tcp_connection_retransmission_ratio_bucket{netns=\"4026532100\",le=\"0.02\"} 7"),
            std::string::npos) << t;
  EXPECT_NE(t.find("tcp_connection_retransmission_ratio_count{netns=\"4026532100\"} 9"), std::string::npos) << t;
  EXPECT_NE(t.find("tcp_connection_retransmission_ratio_sum{netns=\"4026532100\"} 0.075"), std::string::npos) << t;
  std::size_t inf = 0;
  for (auto p = t.find("le=\"+Inf\""); p != std::string::npos; p = t.find("le=\"+Inf\"", p + 1)) ++inf;
  EXPECT_EQ(inf, 1u) << t;
}

TEST(ExporterConnectionMetrics, SpuriousEvidencePerReadableNamespace) {
  retx::Snapshot s;
  retx::NetnsCounters n;
  n.inode = 11;
  n.readable = true;
  n.spurious = {120, 30, 1, 2, 3, 4, 5};
  retx::NetnsCounters gone;
  gone.inode = 12;  // unreadable: no series rather than a false zero
  s.netns = {n, gone};
  auto fs = retx::build_metric_families(s, {"t", "t"});
  const auto& segs = family(fs, "tcp_dsack_received_segments_total");
  ASSERT_EQ(segs.metric.size(), 1u);
  EXPECT_EQ(segs.metric[0].counter.value, 120);
  EXPECT_EQ(family(fs, "tcp_dsack_received_total").metric.at(0).counter.value, 30);
  EXPECT_EQ(family(fs, "tcp_spurious_rtos_total").metric.at(0).counter.value, 5);
  const auto& undos = family(fs, "tcp_retransmission_undos_total");
  ASSERT_EQ(undos.metric.size(), 4u);
  std::map<std::string, double> by_kind;
  for (const auto& m : undos.metric) by_kind[m.label.at(1).value] = m.counter.value;
  EXPECT_EQ(by_kind, (std::map<std::string, double>{{"full", 1}, {"partial", 2}, {"dsack", 3}, {"loss", 4}}));
}

TEST(ExporterConnectionMetrics, LostClosesAreServed) {
  retx::Snapshot s;
  s.stats[RETX_STAT_HIST_LOST] = 3;
  auto fs = retx::build_metric_families(s, {"t", "t"});
  EXPECT_EQ(family(fs, "retx_exporter_ratio_hist_lost_total").metric.at(0).counter.value, 3);
}
