#include "check_eval.h"

#include "check_eval_exporter.h"
#include "check_eval_stats.h"
#include "check_eval_util.h"
#include "check_spec_parse.h"

namespace retx::lab {

using namespace detail;

namespace {

CheckResult counter_delta(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  auto r = start(spec);
  PerNs p;
  const auto counter = spec.params["counter"].get<std::string>();
  for (const auto* n : resolve_all(roles_of(spec), s, m)) {
    const double d = static_cast<double>(delta_or_zero(n->kernel, counter));
    r.measured[n->role] = d;
    p.add(n->role, within(spec.params, d), counter + " " + (d >= 0 ? "+" : "") + num(d) + " in " + bounds_text(spec.params));
  }
  return finish(std::move(r), p);
}

CheckResult exporter_delta(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  auto r = start(spec);
  PerNs p;
  const auto metric = spec.params["metric"].get<std::string>();
  Labels labels;
  for (auto it = spec.params["labels"].begin(); it != spec.params["labels"].end(); ++it)
    labels[it.key()] = it.value().get<std::string>();
  for (const auto* n : resolve_all(roles_of(spec), s, m)) {
    const double d = metric_delta(n->exporter_before, n->exporter_after, metric, labels);
    r.measured[n->role] = d;
    p.add(n->role, within(spec.params, d), "Δ" + metric + " " + num(d) + " in " + bounds_text(spec.params));
  }
  return finish(std::move(r), p);
}

CheckResult traffic_check(const CheckSpec& spec, const ScenarioMeasurements& m) {
  auto r = start(spec);
  const auto field = spec.params["field"].get<std::string>();
  double x = 0;
  if (field == "connect_seconds_max") x = m.traffic.connect_seconds_max;
  else if (field == "connect_seconds_min") x = m.traffic.connect_seconds_min;
  else if (field == "errors") x = static_cast<double>(m.traffic.errors);
  else if (field == "bytes") x = m.traffic.bytes;
  else if (field == "seconds") x = m.traffic.seconds;
  else if (field == "sockets") x = m.traffic.sockets;
  r.measured[field] = x;
  r.verdict = within(spec.params, x) ? Verdict::Pass : Verdict::Fail;
  r.reason = field + " " + num(x) + " in " + bounds_text(spec.params);
  if (r.verdict == Verdict::Fail && !m.traffic.error_messages.empty()) r.reason += " (first error: " + m.traffic.error_messages.front() + ")";
  return r;
}

}  // namespace

std::vector<const NamespaceMeasure*> resolve_role(const std::string& role, const Scenario& s,
                                                  const ScenarioMeasurements& m) {
  std::vector<const NamespaceMeasure*> out;
  // "sender"/"receiver" follow the first traffic group: its clients on one
  // side, the server on the other.
  const auto& t = s.primary_traffic();
  const bool upload = t.direction == "upload";
  std::vector<std::string> wanted;
  auto group_clients = [&] {
    for (int c : s.clients_of(t)) wanted.push_back("client" + std::to_string(c));
  };
  if (role == "sender") upload ? group_clients() : wanted.push_back("server");
  else if (role == "receiver") upload ? wanted.push_back("server") : group_clients();
  else wanted.push_back(role);
  for (const auto& n : m.namespaces) {
    bool is_client = n.role.rfind("client", 0) == 0;
    for (const auto& w : wanted)
      if (w == "all" || n.role == w || (w == "client" && is_client)) { out.push_back(&n); break; }
  }
  return out;
}

CheckResult evaluate_check(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  const auto& k = spec.kind;
  if (k == "exporter_exact") return check_exporter_exact(spec, s, m);
  if (k == "syn_causes_exact") return check_syn_causes_exact(spec, s, m);
  if (k == "denominator_exact") return check_denominator_exact(spec, s, m);
  if (k == "socket_totals") return check_socket_totals(spec, s, m);
  if (k == "drop_rate_wilson") return check_drop_rate_wilson(spec, s, m);
  if (k == "closure_bound") return check_closure_bound(spec, s, m);
  if (k == "ratio_model") return check_ratio_model(spec, s, m);
  if (k == "baseline") return check_baseline(spec, s, m);
  if (k == "counter_delta") return counter_delta(spec, s, m);
  if (k == "exporter_delta") return exporter_delta(spec, s, m);
  if (k == "traffic") return traffic_check(spec, m);
  if (k == "exporter_health") return check_exporter_health(spec, m);
  if (k == "peer_budget") return check_peer_budget(spec, m);
  auto r = start(spec);
  r.verdict = Verdict::Fail;
  r.reason = "unknown check kind " + k;
  return r;
}

std::vector<CheckResult> evaluate_checks(const Scenario& s, const ScenarioMeasurements& m) {
  std::vector<CheckResult> out;
  for (const auto& c : s.checks) out.push_back(evaluate_check(c, s, m));
  return out;
}

std::vector<CheckResult> skip_checks(const Scenario& s, const std::string& reason) {
  std::vector<CheckResult> out;
  for (const auto& c : s.checks) {
    auto r = start(c);
    r.verdict = Verdict::Skipped;
    r.reason = reason;
    out.push_back(std::move(r));
  }
  return out;
}

CheckResult combine_attempts(const std::vector<CheckResult>& attempts, bool statistical, int quorum) {
  if (attempts.empty()) return {};
  if (attempts.size() == 1) return attempts.front();
  CheckResult r = attempts.front();
  int pass = 0, fail = 0, inconclusive = 0, skipped = 0;
  std::vector<Verdict> vs;
  r.measured = nlohmann::json::array();
  for (const auto& a : attempts) {
    vs.push_back(a.verdict);
    r.measured.push_back(a.measured);
    pass += a.verdict == Verdict::Pass;
    fail += a.verdict == Verdict::Fail;
    inconclusive += a.verdict == Verdict::Inconclusive;
    skipped += a.verdict == Verdict::Skipped;
  }
  const std::string tally = std::to_string(pass) + "/" + std::to_string(attempts.size()) + " attempts passed";
  if (statistical) {
    if (pass >= quorum) r.verdict = Verdict::Pass;
    else if (fail > 0) r.verdict = Verdict::Fail;
    else if (inconclusive > 0) r.verdict = Verdict::Inconclusive;
    else r.verdict = Verdict::Skipped;
    r.reason = tally + " (quorum " + std::to_string(quorum) + ")";
  } else {
    r.verdict = combine(vs);
    r.reason = tally + " (exact: every attempt must pass)";
  }
  // The first attempt that did not pass explains the verdict best.
  for (const auto& a : attempts)
    if (a.verdict != Verdict::Pass) { r.reason += "; e.g. " + a.reason; break; }
  if (r.verdict == Verdict::Pass) r.reason += "; e.g. " + attempts.front().reason;
  return r;
}

}  // namespace retx::lab
