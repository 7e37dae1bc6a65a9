#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <cstring>
#include <map>

#include "labels.h"
#include "metric_family_lookup.h"
#include "metrics_builder.h"

namespace {

using retx::test::family;

retx::CounterRow row(std::uint32_t netns, std::uint8_t cause, std::uint8_t outcome, std::int32_t err,
                     std::uint64_t segs, std::uint64_t skbs) {
  retx::CounterRow r;
  r.key.netns = netns;
  r.key.family = 2;
  r.key.cause = cause;
  r.key.outcome = outcome;
  r.key.err = err;
  r.value.segs = segs;
  r.value.skbs = skbs;
  return r;
}

std::string label(const prometheus::ClientMetric& m, const std::string& name) {
  for (const auto& l : m.label)
    if (l.name == name) return l.value;
  return "<absent>";
}

double sum_counter(const prometheus::MetricFamily& f) {
  double s = 0;
  for (const auto& m : f.metric) s += m.counter.value;
  return s;
}

const retx::BuildInfo kBuild{"1.2.3", "1.1"};

}  // namespace

TEST(ExporterMetrics, SegmentsAndSkbsAreSeparateAndFailuresApart) {
  retx::Snapshot s;
  s.agg = {row(7, RETX_CAUSE_FAST, RETX_OUTCOME_SENT, 0, 300, 10),
           row(7, RETX_CAUSE_FAST, RETX_OUTCOME_FAILED_EARLY, -EBUSY, 40, 2),
           row(7, RETX_CAUSE_RTO, RETX_OUTCOME_FAILED_XMIT, 1, 5, 1)};
  auto fs = retx::build_metric_families(s, kBuild);
  const auto& segs = family(fs, "tcp_retransmissions_total");
  ASSERT_EQ(segs.metric.size(), 1u);
  EXPECT_EQ(segs.metric[0].counter.value, 300);
  EXPECT_EQ(label(segs.metric[0], "cause"), "fast");
  EXPECT_EQ(label(segs.metric[0], "netns"), "7");
  EXPECT_EQ(label(segs.metric[0], "family"), "ipv4");
  EXPECT_EQ(label(segs.metric[0], "errno"), "<absent>");
  EXPECT_EQ(sum_counter(family(fs, "tcp_retransmit_skbs_total")), 10);

  const auto& fails = family(fs, "tcp_retransmit_failures_total");
  ASSERT_EQ(fails.metric.size(), 2u);
  for (const auto& m : fails.metric) {
    if (label(m, "stage") == "early") {
      EXPECT_EQ(label(m, "errno"), "EBUSY");
      EXPECT_EQ(m.counter.value, 40);
    } else {
      EXPECT_EQ(label(m, "stage"), "xmit");
      EXPECT_EQ(label(m, "errno"), "NET_XMIT_DROP");
      EXPECT_EQ(m.counter.value, 5);
    }
  }
}

// Rows whose label sets coincide must be merged: duplicate series would make
// Prometheus reject the whole scrape.
TEST(ExporterMetrics, RowsWithTheSameLabelsAreMerged) {
  retx::Snapshot s;
  s.agg = {row(7, RETX_CAUSE_FAST, RETX_OUTCOME_SENT, 0, 3, 1), row(7, RETX_CAUSE_FAST, RETX_OUTCOME_SENT, 0, 4, 1)};
  auto fs = retx::build_metric_families(s, kBuild);
  const auto& segs = family(fs, "tcp_retransmissions_total");
  ASSERT_EQ(segs.metric.size(), 1u);
  EXPECT_EQ(segs.metric[0].counter.value, 7);
}

TEST(ExporterMetrics, PeerSeriesAndOverflowKeepTotalsExact) {
  retx::Snapshot s;
  s.labels.peer = true;
  s.labels.budget = 2;
  auto p1 = row(9, RETX_CAUSE_FAST, RETX_OUTCOME_SENT, 0, 10, 1);
  p1.key.rport = 5201;
  p1.key.lport = 40000;
  std::uint8_t a[4] = {198, 18, 0, 2};
  std::memcpy(p1.key.raddr, a, 4);
  auto p2 = p1;
  p2.key.lport = 40001;
  p2.value.segs = 20;
  s.detail = {p1, p2};
  s.agg = {row(9, RETX_CAUSE_FAST, RETX_OUTCOME_SENT, 0, 70, 7)};  // folded over budget
  s.stats[RETX_STAT_FOLDED] = 7;
  auto fs = retx::build_metric_families(s, kBuild);
  const auto& segs = family(fs, "tcp_retransmissions_total");
  ASSERT_EQ(segs.metric.size(), 3u);
  EXPECT_EQ(sum_counter(segs), 100);
  int overflow = 0;
  for (const auto& m : segs.metric) {
    if (label(m, "remote_addr") == "overflow") {
      ++overflow;
      EXPECT_EQ(m.counter.value, 70);
      EXPECT_EQ(label(m, "local_port"), "overflow");
    } else {
      EXPECT_EQ(label(m, "remote_addr"), "198.18.0.2");
      EXPECT_EQ(label(m, "remote_port"), "5201");
    }
  }
  EXPECT_EQ(overflow, 1);
  EXPECT_EQ(family(fs, "retx_exporter_peer_series").metric[0].gauge.value, 2);
  EXPECT_EQ(family(fs, "retx_exporter_peer_series_budget").metric[0].gauge.value, 2);
  EXPECT_EQ(family(fs, "retx_exporter_folded_hits_total").metric[0].counter.value, 7);
}

// A series admitted once stays, and folding only ever adds to the overflow
// series: every counter is monotonic from one scrape to the next.
TEST(ExporterMetrics, CountersStayMonotonicAcrossFolds) {
  retx::Snapshot before;
  before.labels.peer = true;
  auto p = row(9, RETX_CAUSE_RTO, RETX_OUTCOME_SENT, 0, 5, 1);
  p.key.rport = 1;
  before.detail = {p};
  retx::Snapshot after = before;
  after.detail[0].value.segs = 6;
  after.agg = {row(9, RETX_CAUSE_RTO, RETX_OUTCOME_SENT, 0, 3, 3)};
  auto f0 = retx::build_metric_families(before, kBuild);
  auto f1 = retx::build_metric_families(after, kBuild);
  const auto& s0 = family(f0, "tcp_retransmissions_total");
  const auto& s1 = family(f1, "tcp_retransmissions_total");
  for (const auto& m0 : s0.metric) {
    bool found = false;
    for (const auto& m1 : s1.metric) {
      if (m1.label.size() == m0.label.size() && std::equal(m0.label.begin(), m0.label.end(), m1.label.begin(),
                                                           [](auto& a, auto& b) { return a.name == b.name && a.value == b.value; })) {
        found = true;
        EXPECT_GE(m1.counter.value, m0.counter.value);
      }
    }
    EXPECT_TRUE(found) << "series vanished";
  }
}

TEST(ExporterMetrics, DenominatorPerNamespaceAndNamesEscaped) {
  retx::Snapshot s;
  s.netns = {{11, "lab \"a\"\\b", true, 1000, 900}, {12, "", false, 0, 0}};
  auto fs = retx::build_metric_families(s, kBuild);
  const auto& sent = family(fs, "tcp_segments_sent_total");
  ASSERT_EQ(sent.metric.size(), 1u) << "an unreadable namespace must not export a zero denominator";
  EXPECT_EQ(sent.metric[0].counter.value, 1000);
  EXPECT_EQ(family(fs, "tcp_data_segments_sent_total").metric[0].counter.value, 900);
  std::string text = prometheus::TextSerializer().Serialize(fs);
  EXPECT_NE(text.find(R"(name="lab \"a\"\\b")"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE tcp_retransmissions_total counter"), std::string::npos);
}

// The self-check gauge: one series per namespace the check covers, none for
// one it could not (no identity yet, or unreadable).
TEST(ExporterMetrics, UncountedSegmentsOnlyWhereChecked) {
  retx::Snapshot s;
  s.netns = {{11, "a", true, 1000, 900}, {12, "b", true, 10, 9}, {13, "c", false, 0, 0}};
  s.netns[0].uncounted = 3;
  s.netns[2].uncounted = 0;  // as a stale figure would be: unreadable now, still served
  auto fs = retx::build_metric_families(s, kBuild);
  const auto& g = family(fs, "retx_exporter_uncounted_segments");
  EXPECT_EQ(g.type, prometheus::MetricType::Gauge);
  ASSERT_EQ(g.metric.size(), 2u);
  EXPECT_EQ(g.metric[0].label[0].value, "11");
  EXPECT_EQ(g.metric[0].gauge.value, 3);
  EXPECT_EQ(g.metric[1].label[0].value, "13");
  EXPECT_EQ(g.metric[1].gauge.value, 0);
}

TEST(ExporterMetrics, SelfMetricsReportAttachAndRunTime) {
  retx::Snapshot s;
  s.attach = "raw_tp";
  s.tracepoints = {"tcp_retransmit_skb"};
  s.err_field = false;
  s.programs = {{"retx_skb_raw", 4, 2000000000}};
  s.scrape_errors = {{"bpf_map", 1}, {"proc_net", 0}};
  auto fs = retx::build_metric_families(s, kBuild);
  const auto& pi = family(fs, "retx_exporter_probe_info");
  EXPECT_EQ(label(pi.metric[0], "attach"), "raw_tp");
  EXPECT_EQ(label(pi.metric[0], "err_field"), "false");
  EXPECT_EQ(family(fs, "retx_exporter_probe_run_seconds_total").metric[0].counter.value, 2.0);
  EXPECT_EQ(family(fs, "retx_exporter_probe_runs_total").metric[0].counter.value, 4);
  EXPECT_EQ(sum_counter(family(fs, "retx_exporter_scrape_errors_total")), 1);
  EXPECT_EQ(label(family(fs, "retx_exporter_build_info").metric[0], "version"), "1.2.3");
  EXPECT_EQ(family(fs, "retx_exporter_kernel_skips_pid1_context").metric[0].gauge.value, 0);
  s.pid1_context_skipped = true;
  fs = retx::build_metric_families(s, kBuild);
  EXPECT_EQ(family(fs, "retx_exporter_kernel_skips_pid1_context").metric[0].gauge.value, 1);
}

// Only tracepoints that were attached are reported, and only tcp_retransmit_skb has err.
TEST(ExporterMetrics, ProbeInfoNamesOnlyAttachedTracepoints) {
  retx::Snapshot s;
  s.attach = "tp_btf";
  s.err_field = true;
  s.tracepoints = {"tcp_retransmit_skb", "inet_sock_set_state"};
  auto fs = retx::build_metric_families(s, kBuild);
  const auto& pi = family(fs, "retx_exporter_probe_info");
  ASSERT_EQ(pi.metric.size(), 2u);
  for (const auto& m : pi.metric) {
    EXPECT_NE(label(m, "tracepoint"), "tcp_retransmit_synack");
    EXPECT_EQ(label(m, "err_field"), label(m, "tracepoint") == "tcp_retransmit_skb" ? "true" : "false");
  }
}

// With --cgroup-labels: detail rows carry their cgroup's path, rows folded
// over the budget or out of a removed cgroup read "overflow", totals stay
// exact, and every (cgroup, netns) with counters gets one workload series.
TEST(ExporterMetrics, CgroupLabelsOverflowAndWorkloadInfo) {
  auto in_cgroup = [](std::uint64_t cgroup, std::uint8_t cause, std::uint64_t segs) {
    auto r = row(9, cause, RETX_OUTCOME_SENT, 0, segs, 1);
    r.key.cgroup = cgroup;
    return r;
  };
  retx::Snapshot s;
  s.labels = {/*peer=*/false, /*cgroup=*/true, /*budget=*/3};
  // 103 was removed: it is not in cgroup_paths.
  s.detail = {in_cgroup(101, RETX_CAUSE_FAST, 10), in_cgroup(101, RETX_CAUSE_RTO, 1), in_cgroup(102, RETX_CAUSE_FAST, 20),
              in_cgroup(103, RETX_CAUSE_FAST, 5)};
  s.agg = {row(9, RETX_CAUSE_FAST, RETX_OUTCOME_SENT, 0, 70, 7)};
  const std::string pod = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0f6b2d5c_1a2b_4c3d_8e9f_0123456789ab.slice/"
                          "cri-containerd-" + std::string(64, 'a') + ".scope";
  s.cgroup_paths = {{101, "/system.slice/nginx.service"}, {102, pod}};
  auto fs = retx::build_metric_families(s, kBuild);
  const auto& segs = family(fs, "tcp_retransmissions_total");
  EXPECT_EQ(sum_counter(segs), 106);
  std::map<std::string, double> fast_by_cgroup;
  for (const auto& m : segs.metric) {
    if (label(m, "cause") == "fast") fast_by_cgroup[label(m, "cgroup")] += m.counter.value;
  }
  EXPECT_EQ(fast_by_cgroup["/system.slice/nginx.service"], 10);
  EXPECT_EQ(fast_by_cgroup[pod], 20);
  EXPECT_EQ(fast_by_cgroup["overflow"], 75) << "folded rows and the removed cgroup's row share the overflow series";
  const auto& wl = family(fs, "tcp_workload_info");
  ASSERT_EQ(wl.metric.size(), 2u) << "one per (cgroup, netns), however many rows";
  for (const auto& m : wl.metric) {
    EXPECT_EQ(m.gauge.value, 1);
    EXPECT_EQ(label(m, "netns"), "9");
    if (label(m, "cgroup") == pod) {
      EXPECT_EQ(label(m, "pod_uid"), "0f6b2d5c-1a2b-4c3d-8e9f-0123456789ab");
      EXPECT_EQ(label(m, "container_id"), std::string(64, 'a'));
      EXPECT_EQ(label(m, "runtime"), "containerd");
    } else {
      EXPECT_EQ(label(m, "unit"), "nginx.service");
      EXPECT_EQ(label(m, "container_id"), "");
    }
  }
  EXPECT_EQ(family(fs, "retx_exporter_peer_series_budget").metric[0].gauge.value, 3);
}

TEST(ExporterMetrics, NamespaceLifecycleAndProbeFallbacks) {
  retx::Snapshot s;
  s.netns_identity = "cookie";
  s.netns = {{11, "a", true, 1, 1, 501}, {12, "b", true, 1, 1, 502}};
  s.namespaces_removed = 7;
  s.stats[RETX_STAT_FIRST_HIT] = 3;
  s.sk_baseline_evictions = 2;
  auto fs = retx::build_metric_families(s, kBuild);
  const auto& alive = family(fs, "retx_exporter_namespaces");
  EXPECT_EQ(alive.metric[0].gauge.value, 2);
  EXPECT_EQ(label(alive.metric[0], "identity"), "cookie");
  EXPECT_EQ(family(fs, "retx_exporter_namespaces_removed_total").metric[0].counter.value, 7);
  EXPECT_EQ(family(fs, "retx_exporter_first_hit_fallbacks_total").metric[0].counter.value, 3);
  EXPECT_EQ(family(fs, "retx_exporter_socket_baseline_evictions_total").metric[0].counter.value, 2);
  for (const auto& f : fs) EXPECT_NE(f.name, "tcp_workload_info") << "only with --cgroup-labels";
}

TEST(ExporterLabels, ErrnoAndCauseNames) {
  EXPECT_EQ(retx::errno_name(-EBUSY), "EBUSY");
  EXPECT_EQ(retx::errno_name(-ENOBUFS), "ENOBUFS");
  EXPECT_EQ(retx::errno_name(1), "NET_XMIT_DROP");
  EXPECT_EQ(retx::errno_name(-4242), "ERR_-4242");
  EXPECT_STREQ(retx::cause_name(RETX_CAUSE_SYNACK), "synack");
  EXPECT_STREQ(retx::cause_name(200), "other");
  EXPECT_STREQ(retx::family_name(10), "ipv6");
  std::uint8_t v6[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
  EXPECT_EQ(retx::format_addr(10, v6), "fd00::2");
}
