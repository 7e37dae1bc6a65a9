#include "check_eval_exporter.h"

#include <cmath>

#include "check_eval_util.h"

namespace retx::lab {

using namespace detail;

// Per namespace, exactly (bpf/README.md derives both):
//   with the err field (6.17+): ΔRetransSegs = Δretransmissions + Δxmit failures
//                               and ΔTCPRetransFail = Δxmit failures;
//   without it (< 6.17: a failed transmit fires nothing, but its segments
//   still grow the socket's total_retrans, so the next hit counts them in):
//                               ΔRetransSegs = Δretransmissions.
// No tolerance and no excuse: the probe counts each socket's growth of
// total_retrans, so even a hit the kernel skipped is recovered at the next one.
CheckResult check_exporter_exact(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  auto r = start(spec);
  PerNs p;
  for (const auto* n : resolve_all(roles_of(spec), s, m)) {
    const double k = static_cast<double>(delta_or_zero(n->kernel, "Tcp.RetransSegs"));
    const double e = n->exporter.retransmissions, f = n->exporter.xmit_failures;
    const double kf = static_cast<double>(delta_or_zero(n->kernel, "TcpExt.TCPRetransFail"));
    r.measured[n->role] = {{"kernel_RetransSegs", k},
                           {"exporter_retransmissions", e},
                           {"exporter_xmit_failures", f},
                           {"kernel_TCPRetransFail", kf}};
    bool ok;
    std::string text;
    if (m.exporter.err_field) {
      ok = k == e + f && kf == f;
      text = "RetransSegs +" + num(k) + " vs exporter " + num(e) + " + xmit failures " + num(f) +
             ", TCPRetransFail +" + num(kf) + " vs " + num(f);
    } else {
      ok = k == e;
      text = "RetransSegs +" + num(k) + " vs exporter " + num(e) +
             " (no err field: the " + num(kf) + " segments of TCPRetransFail are counted in with the sent ones)";
    }
    p.add(n->role, ok, text);
  }
  if (m.exporter.probe_misses > 0 || m.exporter.lost_hits > 0)
    p.parts.push_back("exporter-wide Δprobe_misses " + num(m.exporter.probe_misses) + ", Δlost_hits " +
                      num(m.exporter.lost_hits));
  r.measured["exporter_probe_misses"] = m.exporter.probe_misses;
  return finish(std::move(r), p);
}

// The ratio's denominator: the exporter re-exports the namespace's own
// Tcp OutSegs and TcpExt TCPOrigDataSent, so between quiet points they must
// move exactly as the kernel's counters do.
CheckResult check_denominator_exact(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  auto r = start(spec);
  PerNs p;
  for (const auto* n : resolve_all(roles_of(spec), s, m)) {
    const double out = static_cast<double>(delta_or_zero(n->kernel, "Tcp.OutSegs"));
    const double orig = static_cast<double>(delta_or_zero(n->kernel, "TcpExt.TCPOrigDataSent"));
    const double e_out = n->exporter.segments_sent, e_orig = n->exporter.data_segments_sent;
    const bool present = n->exporter_after.has("tcp_segments_sent_total");
    r.measured[n->role] = {{"kernel_OutSegs", out}, {"exporter_segments_sent", e_out},
                           {"kernel_TCPOrigDataSent", orig}, {"exporter_data_segments_sent", e_orig}};
    p.add(n->role, present && out == e_out && orig == e_orig,
          std::string(present ? "" : "no tcp_segments_sent_total series for this netns; ") + "OutSegs +" + num(out) +
              " vs " + num(e_out) + ", TCPOrigDataSent +" + num(orig) + " vs " + num(e_orig));
  }
  return finish(std::move(r), p);
}

CheckResult check_syn_causes_exact(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  auto r = start(spec);
  PerNs p;
  auto get = [](const std::map<std::string, double>& x, const char* k) {
    auto it = x.find(k);
    return it == x.end() ? 0.0 : it->second;
  };
  for (const auto* n : resolve_all(roles_of(spec), s, m)) {
    const double k = static_cast<double>(delta_or_zero(n->kernel, "TcpExt.TCPSynRetrans"));
    const double syn = get(n->exporter.retrans_by_cause, "syn") + get(n->exporter.xmit_failures_by_cause, "syn");
    const double synack =
        get(n->exporter.retrans_by_cause, "synack") + get(n->exporter.xmit_failures_by_cause, "synack");
    r.measured[n->role] = {{"kernel_TCPSynRetrans", k}, {"exporter_syn", syn}, {"exporter_synack", synack}};
    p.add(n->role, k == syn + synack,
          "TCPSynRetrans +" + num(k) + " vs exporter syn " + num(syn) + " + synack " + num(synack));
  }
  return finish(std::move(r), p);
}

CheckResult check_socket_totals(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  auto r = start(spec);
  PerNs p;
  const bool exclude_synack = spec.params.value("exclude_synack", false);
  const double tol = spec.params.value("tolerance", 0);
  for (const auto* n : resolve_all(roles_of(spec), s, m)) {
    if (n->sockets.sockets == 0) continue;  // the router has no sockets of ours
    const double k = static_cast<double>(delta_or_zero(n->kernel, "Tcp.RetransSegs"));
    double synack = 0;
    if (exclude_synack) {
      auto it = n->exporter.retrans_by_cause.find("synack");
      synack = it == n->exporter.retrans_by_cause.end() ? 0 : it->second;
    }
    const double want = k - synack, have = static_cast<double>(n->sockets.total_retrans);
    r.measured[n->role] = {{"sum_tcpi_total_retrans", have},
                           {"sockets", n->sockets.sockets},
                           {"kernel_RetransSegs", k},
                           {"synack_excluded", synack}};
    p.add(n->role, std::fabs(have - want) <= tol,
          "Σtcpi_total_retrans " + num(have) + " over " + std::to_string(n->sockets.sockets) +
              " sockets vs RetransSegs +" + num(k) + (exclude_synack ? " - synack " + num(synack) : "") +
              (tol > 0 ? " (tolerance " + num(tol) + ")" : ""));
  }
  if (p.parts.empty()) {
    r.verdict = Verdict::Skipped;
    r.reason = "no socket of the traffic driver lives in the named namespaces";
    return r;
  }
  return finish(std::move(r), p);
}

CheckResult check_exporter_health(const CheckSpec& spec, const ScenarioMeasurements& m) {
  auto r = start(spec);
  // Probe misses are exporter-wide and also come from other namespaces'
  // traffic, so they are recorded here and judged by exporter_exact.
  const auto& e = m.exporter;
  r.measured = {{"lost_hits", e.lost_hits}, {"probe_misses", e.probe_misses}, {"scrape_errors", e.scrape_errors}};
  r.expected = {{"lost_hits", 0}, {"scrape_errors", 0}};
  r.verdict = (e.lost_hits == 0 && e.scrape_errors == 0) ? Verdict::Pass : Verdict::Fail;
  r.reason = "Δlost_hits " + num(e.lost_hits) + ", Δprobe_misses " + num(e.probe_misses) + ", Δscrape_errors " +
             num(e.scrape_errors) + " (exporter-wide: any scenario running in parallel adds to them)";
  return r;
}

CheckResult check_peer_budget(const CheckSpec& spec, const ScenarioMeasurements& m) {
  auto r = start(spec);
  const bool want_fold = spec.params.value("expect_folding", true);
  const auto& e = m.exporter;
  r.measured = {{"peer_series", e.peer_series}, {"budget", e.peer_series_budget}, {"folded_hits", e.folded_hits}};
  bool ok = e.peer_series_budget > 0 && e.peer_series <= e.peer_series_budget;
  std::string text = "peer series " + num(e.peer_series) + " <= budget " + num(e.peer_series_budget);
  if (want_fold) {
    ok = ok && e.folded_hits > 0;
    text += ", folded hits +" + num(e.folded_hits) + " > 0";
  }
  r.verdict = ok ? Verdict::Pass : Verdict::Fail;
  r.reason = text;
  return r;
}

}  // namespace retx::lab
