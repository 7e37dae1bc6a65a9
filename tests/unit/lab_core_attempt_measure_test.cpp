// What the runner folds into one attempt's measurements, without root: the
// traffic driver's results per client, the exporter's self-metrics, and the
// late re-scrape that tells a lagging exporter from a losing one.
#include <gtest/gtest.h>

#include "attempt_measure.h"

using namespace retx::lab;

namespace {

SocketInfo sock(SocketRole role, std::uint64_t retrans, std::uint64_t segs) {
  SocketInfo s;
  s.role = role;
  s.tcpi_total_retrans = retrans;
  s.tcpi_segs_out = segs;
  s.tcpi_data_segs_out = segs - 1;
  s.tcpi_bytes_retrans = retrans * 1448;
  return s;
}

ScenarioMeasurements with_roles(std::initializer_list<const char*> roles) {
  ScenarioMeasurements m;
  for (const char* r : roles) {
    NamespaceMeasure n;
    n.role = r;
    m.namespaces.push_back(n);
  }
  return m;
}

}  // namespace

TEST(LabCoreAttemptMeasure, TrafficOfEveryClientIsFoldedPerNamespace) {
  TrafficRun run;
  TrafficResult a;
  a.bytes = 1000;
  a.seconds = 1.5;
  a.connect_seconds = {0.002, 1.01};
  a.sockets = {sock(SocketRole::Client, 3, 100), sock(SocketRole::Server, 0, 50)};
  TrafficResult b;
  b.bytes = 500;
  b.seconds = 2.5;
  b.errors = 1;
  b.error_messages = {"client flow 0: read: timeout"};
  b.connect_seconds = {0.001};
  b.sockets = {sock(SocketRole::Client, 2, 10), sock(SocketRole::Server, 1, 20)};
  run.results = {{1, a}, {2, b}};
  run.failures = {"client3: no such client"};
  auto m = with_roles({"client1", "client2", "router", "server"});
  fold_traffic(run, m);
  EXPECT_DOUBLE_EQ(m.traffic.bytes, 1500);
  EXPECT_DOUBLE_EQ(m.traffic.seconds, 2.5) << "the clients ran at once: the longest one";
  EXPECT_EQ(m.traffic.errors, 2) << "the driver's error and the one that threw";
  EXPECT_EQ(m.traffic.sockets, 4);
  EXPECT_DOUBLE_EQ(m.traffic.connect_seconds_min, 0.001);
  EXPECT_DOUBLE_EQ(m.traffic.connect_seconds_max, 1.01);
  EXPECT_EQ(m.traffic.error_messages,
            (std::vector<std::string>{"client2: client flow 0: read: timeout", "client3: no such client"}));
  EXPECT_EQ(m.by_role("client1")->sockets.total_retrans, 3u);
  EXPECT_EQ(m.by_role("client2")->sockets.total_retrans, 2u);
  EXPECT_EQ(m.by_role("server")->sockets.sockets, 2);
  EXPECT_EQ(m.by_role("server")->sockets.total_retrans, 1u);
  EXPECT_EQ(m.by_role("server")->sockets.segs_out, 70u);
  EXPECT_EQ(m.by_role("router")->sockets.sockets, 0);
}

TEST(LabCoreAttemptMeasure, OpenSocketReadingsGoToTheirClient) {
  TrafficRun run;
  run.open = {{2, match_top_json({sock(SocketRole::Client, 1, 9)}, R"({"connections": []})")}};
  auto m = with_roles({"client1", "client2", "server"});
  fold_traffic(run, m);
  EXPECT_FALSE(m.by_role("client1")->open.taken);
  ASSERT_TRUE(m.by_role("client2")->open.taken);
  ASSERT_EQ(m.by_role("client2")->open.sockets.size(), 1u);
  EXPECT_FALSE(m.by_role("client2")->open.sockets[0].listed);
  EXPECT_EQ(m.by_role("client2")->open.sockets[0].tcpi_segs_out, 9u);
}

TEST(LabCoreAttemptMeasure, ErrorMessagesStopAtTen) {
  TrafficRun run;
  for (int i = 0; i < 12; ++i) run.failures.push_back("client1: boom " + std::to_string(i));
  auto m = with_roles({"client1", "server"});
  fold_traffic(run, m);
  EXPECT_EQ(m.traffic.errors, 12);
  EXPECT_EQ(m.traffic.error_messages.size(), 10u);
}

TEST(LabCoreAttemptMeasure, ExporterSelfMetricsAreDeltasAndGauges) {
  auto before = parse_prom_text(
      "retx_exporter_lost_hits_total 2\nretx_exporter_probe_misses_total 1\n"
      "retx_exporter_scrape_errors_total{source=\"bpf_map\"} 0\nretx_exporter_folded_hits_total 10\n"
      "retx_exporter_scrape_errors_total{source=\"proc_net\"} 5\nretx_exporter_peer_series 3\n"
      "retx_exporter_tracepoint_hits_total{tracepoint=\"tcp_retransmit_skb\"} 40\n"
      "retx_exporter_tracepoint_hits_total{tracepoint=\"tcp_retransmit_synack\"} 2\n"
      "retx_exporter_socket_baselines_created_total 7\nretx_exporter_first_hit_fallbacks_total 1\n"
      "retx_exporter_namespaces_removed_total 30\n");
  auto after = parse_prom_text(
      "retx_exporter_probe_info{tracepoint=\"tcp_retransmit_skb\",attach=\"tp_btf\",err_field=\"true\"} 1\n"
      "retx_exporter_lost_hits_total 2\nretx_exporter_probe_misses_total 4\n"
      "retx_exporter_scrape_errors_total{source=\"bpf_map\"} 1\nretx_exporter_folded_hits_total 25\n"
      "retx_exporter_scrape_errors_total{source=\"proc_net\"} 7\nretx_exporter_peer_series 8\nretx_exporter_peer_series_budget 8\n"
      "retx_exporter_tracepoint_hits_total{tracepoint=\"tcp_retransmit_skb\"} 41\n"
      "retx_exporter_tracepoint_hits_total{tracepoint=\"tcp_retransmit_synack\"} 5\n"
      "retx_exporter_socket_baselines_created_total 9\nretx_exporter_first_hit_fallbacks_total 1\n"
      "retx_exporter_namespaces_removed_total 33\n");
  auto e = exporter_self(before, after);
  EXPECT_TRUE(e.err_field);
  EXPECT_FALSE(e.pid1_context_skipped);  // no such gauge: an exporter older than it
  EXPECT_TRUE(exporter_self(before, parse_prom_text("retx_exporter_kernel_skips_pid1_context 1\n")).pid1_context_skipped);
  EXPECT_FALSE(exporter_self(before, parse_prom_text("retx_exporter_kernel_skips_pid1_context 0\n")).pid1_context_skipped);
  EXPECT_DOUBLE_EQ(e.lost_hits, 0);
  EXPECT_DOUBLE_EQ(e.probe_misses, 3);
  EXPECT_DOUBLE_EQ(e.scrape_errors, 1);      // bpf_map only
  EXPECT_DOUBLE_EQ(e.netns_read_errors, 2);  // proc_net apart: a foreign namespace may cause them
  EXPECT_DOUBLE_EQ(e.folded_hits, 15);
  EXPECT_DOUBLE_EQ(e.peer_series, 8);
  EXPECT_DOUBLE_EQ(e.peer_series_budget, 8);
  EXPECT_DOUBLE_EQ(e.skb_hits, 1);  // per tracepoint, not their sum
  EXPECT_DOUBLE_EQ(e.synack_hits, 3);
  EXPECT_DOUBLE_EQ(e.baselines_created, 2);
  EXPECT_DOUBLE_EQ(e.first_hit_fallbacks, 0);
  EXPECT_DOUBLE_EQ(e.namespaces_removed, 3);
  auto no_err = parse_prom_text("retx_exporter_probe_info{tracepoint=\"tcp_retransmit_skb\",err_field=\"false\"} 1\n");
  EXPECT_FALSE(exporter_self(before, no_err).err_field);
}

TEST(LabCoreAttemptMeasure, LateRescrapeTellsLaggingFromLosing) {
  auto m = with_roles({"client1", "server"});
  for (auto& n : m.namespaces) {
    n.inode = n.role == "client1" ? 7 : 8;
    n.kernel = {{"Tcp.RetransSegs", n.role == "client1" ? 10 : 4}};
    n.exporter.retransmissions = n.role == "client1" ? 9 : 3;  // both one short
  }
  AttemptRecord a;
  CheckResult exact;
  exact.kind = "exporter_exact";
  exact.verdict = Verdict::Fail;
  exact.reason = "MISMATCH";
  CheckResult other;
  other.kind = "baseline";
  other.verdict = Verdict::Fail;
  other.reason = "x";
  a.checks = {exact, other};
  ASSERT_TRUE(exact_check_failed(a));
  // A second later the client's count arrived, the server's never did.
  explain_exact_failures(a, m, parse_prom_text("tcp_retransmissions_total{netns=\"7\",cause=\"fast\"} 10\n"
                                               "tcp_retransmissions_total{netns=\"8\",cause=\"fast\"} 3\n"
                                               "retx_exporter_uncounted_segments{netns=\"7\"} 0\n"
                                               "retx_exporter_uncounted_segments{netns=\"8\"} 1\n"));
  EXPECT_NE(a.checks[0].reason.find("client1 1 s later: exporter 10 (caught up: it lags), its own check 0 uncounted"),
            std::string::npos)
      << a.checks[0].reason;
  EXPECT_NE(a.checks[0].reason.find("server 1 s later: exporter 3 (still short: counts are lost), its own check 1 "
                                    "uncounted"),
            std::string::npos)
      << a.checks[0].reason;
  EXPECT_EQ(a.measurements["late_rescrape"]["server"]["uncounted_segments"], 1);
  EXPECT_EQ(a.checks[1].reason, "x") << "only exporter_exact is explained";
  EXPECT_EQ(a.measurements["late_rescrape"]["client1"]["retransmissions"], 10);
  a.checks[0].verdict = Verdict::Pass;
  EXPECT_FALSE(exact_check_failed(a));
}

TEST(LabCoreAttemptMeasure, CgroupsGetTheirSocketsAndTheirOwnSeries) {
  TrafficRun run;
  SocketInfo failed = sock(SocketRole::Client, 1, 5);
  failed.completed = false;
  run.cgroup_sockets["a"] = {sock(SocketRole::Client, 4, 100), failed};
  run.cgroup_sockets["b"] = {sock(SocketRole::Client, 2, 50)};
  ScenarioMeasurements m;
  m.cgroups = {{.name = "a", .path = "/rxl-1-0-a"}, {.name = "b", .path = "/rxl-1-0-b"}};
  const auto before = parse_prom_text("tcp_retransmissions_total{netns=\"7\",cgroup=\"/rxl-1-0-a\"} 0\n");
  const auto after = parse_prom_text(
      "tcp_retransmissions_total{netns=\"7\",cgroup=\"/rxl-1-0-a\",cause=\"rto\"} 3\n"
      "tcp_retransmissions_total{netns=\"7\",cgroup=\"/rxl-1-0-a\",cause=\"fast\"} 2\n"
      "tcp_retransmissions_total{netns=\"9\",cgroup=\"/other\"} 100\n"
      "tcp_retransmit_failures_total{netns=\"7\",cgroup=\"/rxl-1-0-b\",stage=\"xmit\"} 1\n"
      "tcp_retransmit_failures_total{netns=\"7\",cgroup=\"/rxl-1-0-b\",stage=\"early\"} 4\n");
  record_cgroups(run, before, after, m);
  EXPECT_EQ(m.cgroups[0].sockets.sockets, 2);
  EXPECT_EQ(m.cgroups[0].sockets.total_retrans, 5u);
  EXPECT_EQ(m.cgroups[0].incomplete, 1);
  EXPECT_TRUE(m.cgroups[0].series_seen);
  EXPECT_DOUBLE_EQ(m.cgroups[0].retransmissions, 5);
  EXPECT_FALSE(m.cgroups[1].series_seen);
  EXPECT_DOUBLE_EQ(m.cgroups[1].retransmissions, 0);
  EXPECT_DOUBLE_EQ(m.cgroups[1].xmit_failures, 1) << "early failures never left the host";
}

TEST(LabCoreAttemptMeasure, SkippedHitsAreProvenOnlyWhereEveryRetransmitFiresOne) {
  // The smoke run that set this up: first-synack with the whole handshake in
  // softirq over PID 1; the kernel counted 1 + 2 retransmits, the probe ran 0.
  auto m = with_roles({"client1", "router", "server"});
  m.namespaces[0].kernel["Tcp.RetransSegs"] = 1;
  m.namespaces[2].kernel["Tcp.RetransSegs"] = 2;
  m.exporter.pid1_context_skipped = true;
  EXPECT_EQ(provably_skipped_hits(m, true), 3);
  m.exporter.synack_hits = 1;
  EXPECT_EQ(provably_skipped_hits(m, true), 2);
  // Hits elsewhere on the host make up the gap: nothing is proven.
  m.exporter.skb_hits = 5;
  EXPECT_EQ(provably_skipped_hits(m, true), 0);
  m.exporter.skb_hits = 0;
  // GSO: one hit may carry many segments.
  EXPECT_EQ(provably_skipped_hits(m, false), 0);
  // A kernel without the skip: a shortfall is the probe's own fault.
  m.exporter.pid1_context_skipped = false;
  EXPECT_EQ(provably_skipped_hits(m, true), 0);
}

namespace {

// One namespace whose kernel counted `counted` retransmits, on a kernel that
// skips programs over PID 1, and an attempt with two checks of those verdicts.
ScenarioMeasurements skipping_kernel(double counted) {
  auto m = with_roles({"client1"});
  m.namespaces[0].kernel["Tcp.RetransSegs"] = static_cast<std::int64_t>(counted);
  m.exporter.pid1_context_skipped = true;
  return m;
}
AttemptRecord attempt_with(Verdict first, Verdict second) {
  AttemptRecord a;
  a.checks.resize(2);
  a.checks[0].verdict = first;
  a.checks[1].verdict = second;
  return a;
}

}  // namespace

TEST(LabCoreAttemptMeasure, OnlyAFailedAttemptWithProvenSkipsIsSetAside) {
  auto m = skipping_kernel(2);
  m.exporter.synack_hits = 1;
  auto a = attempt_with(Verdict::Pass, Verdict::Pass);
  EXPECT_EQ(kernel_skip_reason(a, m, true), "") << "every check passed: nothing to set aside";
  a.checks[1].verdict = Verdict::Fail;
  EXPECT_EQ(kernel_skip_reason(a, m, true),
            "the kernel ran no program for 1 of its retransmits (tracepoint hits 1; it skips tracing programs while "
            "PID 1 is current, bpf/README.md)");
  EXPECT_EQ(kernel_skip_reason(a, m, false), "") << "GSO proves nothing";
  a.error = "connect refused";
  EXPECT_EQ(kernel_skip_reason(a, m, true), "") << "an attempt that broke is a failure, not a skip";
  a.error.clear();
  m.exporter.skb_hits = 1;
  EXPECT_EQ(kernel_skip_reason(a, m, true), "") << "hits cover what the kernel counted";
}

TEST(LabCoreAttemptMeasure, ProvenSkipsSetAnAttemptAsideOnceThenNameTheFailures) {
  auto m = skipping_kernel(12);
  m.exporter.skb_hits = 11;
  auto a = attempt_with(Verdict::Fail, Verdict::Pass);
  a.checks[0].reason = "client1: MISMATCH RetransSegs +12 vs exporter 11";
  AttemptRecord repeat = a;
  EXPECT_TRUE(apply_kernel_skips(a, m, true, true));
  EXPECT_NE(a.set_aside.find("no program for 1 of its retransmits (tracepoint hits 11;"), std::string::npos)
      << a.set_aside;
  EXPECT_EQ(a.checks[0].reason, "client1: MISMATCH RetransSegs +12 vs exporter 11") << "set aside, not explained";
  // The scenario's one set-aside is spent: the repeat fails, naming the proof.
  EXPECT_FALSE(apply_kernel_skips(repeat, m, true, false));
  EXPECT_TRUE(repeat.set_aside.empty());
  EXPECT_NE(repeat.checks[0].reason.find("exporter 11; the kernel ran no program for 1"), std::string::npos)
      << repeat.checks[0].reason;
  EXPECT_EQ(repeat.checks[1].reason, "") << "a passed check gets no note";
  // Without proof (hits cover the count) a mismatch is the probe's own, and says nothing of PID 1.
  m.exporter.skb_hits = 12;
  AttemptRecord own = repeat;
  own.checks[0].reason = "client1: MISMATCH";
  EXPECT_FALSE(apply_kernel_skips(own, m, true, true));
  EXPECT_EQ(own.checks[0].reason, "client1: MISMATCH");
}
