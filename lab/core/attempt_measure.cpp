#include "attempt_measure.h"

#include "check_kind.h"

#include <algorithm>

namespace retx::lab {

namespace {

bool truthy(const std::string& v) { return v == "true" || v == "1" || v == "yes"; }

void add_message(TrafficMeasure& t, const std::string& msg) {
  if (t.error_messages.size() < 10) t.error_messages.push_back(msg);
}

void add_to(SocketTotals& t, const SocketInfo& si) {
  t.sockets += 1;
  t.total_retrans += si.tcpi_total_retrans;
  t.segs_out += si.tcpi_segs_out;
  t.data_segs_out += si.tcpi_data_segs_out;
  t.bytes_retrans += si.tcpi_bytes_retrans;
}

void add_socket(ScenarioMeasurements& m, const std::string& role, const SocketInfo& si) {
  for (auto& n : m.namespaces)
    if (n.role == role) add_to(n.sockets, si);
}

bool is_failed_exact(const CheckResult& c) { return c.kind == "exporter_exact" && c.verdict == Verdict::Fail; }

}  // namespace

void fold_traffic(const TrafficRun& run, ScenarioMeasurements& m) {
  auto& t = m.traffic;
  bool first_connect = true;
  for (const auto& [client, r] : run.results) {
    const std::string client_role = "client" + std::to_string(client);
    t.bytes += static_cast<double>(r.bytes);
    t.seconds = std::max(t.seconds, r.seconds);
    t.errors += static_cast<std::int64_t>(r.errors);
    t.sockets += static_cast<int>(r.sockets.size());
    for (double c : r.connect_seconds) {
      t.connect_seconds_min = first_connect ? c : std::min(t.connect_seconds_min, c);
      t.connect_seconds_max = first_connect ? c : std::max(t.connect_seconds_max, c);
      first_connect = false;
    }
    for (const auto& msg : r.error_messages) add_message(t, client_role + ": " + msg);
    for (const auto& si : r.sockets) add_socket(m, si.role == SocketRole::Client ? client_role : "server", si);
  }
  for (const auto& [client, o] : run.open)
    for (auto& n : m.namespaces)
      if (n.role == "client" + std::to_string(client)) n.open = o;
  for (const auto& f : run.failures) {
    t.errors += 1;
    add_message(t, f);
  }
}

void record_cgroups(const TrafficRun& run, const PromScrape& before, const PromScrape& after,
                    ScenarioMeasurements& m) {
  for (auto& c : m.cgroups) {
    if (auto it = run.cgroup_sockets.find(c.name); it != run.cgroup_sockets.end())
      for (const auto& si : it->second) {
        add_to(c.sockets, si);
        c.incomplete += si.completed ? 0 : 1;
      }
    const Labels label = {{"cgroup", c.path}};
    for (const auto* s : after.find("tcp_retransmissions_total"))
      c.series_seen = c.series_seen || (s->labels.count("cgroup") && s->labels.at("cgroup") == c.path);
    c.retransmissions = metric_delta(before, after, "tcp_retransmissions_total", label);
    c.xmit_failures =
        metric_delta(before, after, "tcp_retransmit_failures_total", {{"cgroup", c.path}, {"stage", "xmit"}});
  }
}

ExporterSelf exporter_self(const PromScrape& before, const PromScrape& after) {
  ExporterSelf e;
  for (const auto* s : after.find("retx_exporter_probe_info")) {
    auto it = s->labels.find("err_field");
    if (it != s->labels.end() && truthy(it->second) && s->value == 1) e.err_field = true;
  }
  e.pid1_context_skipped = after.sum("retx_exporter_kernel_skips_pid1_context") == 1;
  e.lost_hits = metric_delta(before, after, "retx_exporter_lost_hits_total");
  e.probe_misses = metric_delta(before, after, "retx_exporter_probe_misses_total");
  // A namespace the host has and the lab did not make (a container, a sandbox) may be unreadable;
  // that is no fault of this scenario, whose own namespaces' denominators are checked apart.
  e.netns_read_errors = metric_delta(before, after, "retx_exporter_scrape_errors_total", {{"source", "proc_net"}});
  e.scrape_errors = metric_delta(before, after, "retx_exporter_scrape_errors_total") - e.netns_read_errors;
  e.folded_hits = metric_delta(before, after, "retx_exporter_folded_hits_total");
  e.peer_series = after.sum("retx_exporter_peer_series");
  e.peer_series_budget = after.sum("retx_exporter_peer_series_budget");
  e.skb_hits = metric_delta(before, after, "retx_exporter_tracepoint_hits_total", {{"tracepoint", "tcp_retransmit_skb"}});
  e.synack_hits =
      metric_delta(before, after, "retx_exporter_tracepoint_hits_total", {{"tracepoint", "tcp_retransmit_synack"}});
  e.baselines_created = metric_delta(before, after, "retx_exporter_socket_baselines_created_total");
  e.first_hit_fallbacks = metric_delta(before, after, "retx_exporter_first_hit_fallbacks_total");
  e.namespaces_removed = metric_delta(before, after, "retx_exporter_namespaces_removed_total");
  return e;
}

bool exact_check_failed(const AttemptRecord& a) {
  return std::any_of(a.checks.begin(), a.checks.end(), is_failed_exact);
}

void explain_exact_failures(AttemptRecord& a, const ScenarioMeasurements& m, const PromScrape& late) {
  std::string note;
  for (const auto& n : m.namespaces) {
    const PromScrape mine = filter_netns(late, n.inode);
    auto l = exporter_ns_delta(n.exporter_before, mine);
    // The exporter's check of itself (METRICS.md): whether it saw the miss too.
    const double uncounted = mine.sum("retx_exporter_uncounted_segments");
    a.measurements["late_rescrape"][n.role] = {
        {"retransmissions", l.retransmissions}, {"xmit_failures", l.xmit_failures}, {"uncounted_segments", uncounted}};
    const double k = static_cast<double>(delta_or_zero(n.kernel, "Tcp.RetransSegs"));
    const double late_total = l.retransmissions + l.xmit_failures;
    if (k != n.exporter.retransmissions + n.exporter.xmit_failures)
      note += "; " + n.role + " 1 s later: exporter " + std::to_string(static_cast<long long>(late_total)) +
              (k == late_total ? " (caught up: it lags)" : " (still short: counts are lost)") +
              ", its own check " + std::to_string(static_cast<long long>(uncounted)) + " uncounted";
  }
  for (auto& c : a.checks)
    if (is_failed_exact(c)) c.reason += note;
}

double provably_skipped_hits(const ScenarioMeasurements& m, bool one_segment_per_skb) {
  if (!m.exporter.pid1_context_skipped || !one_segment_per_skb) return 0;
  double counted = 0;
  for (const auto& n : m.namespaces) counted += static_cast<double>(delta_or_zero(n.kernel, "Tcp.RetransSegs"));
  const double hits = m.exporter.skb_hits + m.exporter.synack_hits;
  return hits < counted ? counted - hits : 0;
}

std::string kernel_skip_reason(const AttemptRecord& a, const ScenarioMeasurements& m, bool one_segment_per_skb) {
  const bool failed =
      std::any_of(a.checks.begin(), a.checks.end(), [](const CheckResult& c) { return c.verdict == Verdict::Fail; });
  const double skipped = a.error.empty() && failed ? provably_skipped_hits(m, one_segment_per_skb) : 0;
  if (skipped <= 0) return {};
  return "the kernel ran no program for " + check::num(skipped) + " of its retransmits (tracepoint hits " +
         check::num(m.exporter.skb_hits + m.exporter.synack_hits) +
         "; it skips tracing programs while PID 1 is current, bpf/README.md)";
}

bool apply_kernel_skips(AttemptRecord& a, const ScenarioMeasurements& m, bool one_segment_per_skb, bool may_set_aside) {
  const std::string proof = kernel_skip_reason(a, m, one_segment_per_skb);
  if (proof.empty()) return false;
  if (may_set_aside) {
    a.set_aside = proof;
    return true;
  }
  for (auto& c : a.checks)
    if (c.verdict == Verdict::Fail) c.reason += "; " + proof;
  return false;
}

}  // namespace retx::lab
