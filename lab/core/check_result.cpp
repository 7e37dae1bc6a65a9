#include "check_result.h"

namespace retx::lab {

const std::vector<std::string>& namespace_roles() {
  static const std::vector<std::string> r = {"all",    "client",   "client1", "client2",
                                             "router", "server",   "sender",  "receiver"};
  return r;
}

std::vector<const NamespaceMeasure*> resolve_role(const std::string& role, const Scenario& s,
                                                  const ScenarioMeasurements& m) {
  std::vector<const NamespaceMeasure*> out;
  // "sender"/"receiver" follow the first traffic group: its clients on one
  // side, the server on the other.
  const auto& t = s.primary_traffic();
  const bool upload = t.transfer == Transfer::Upload;
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

std::vector<CheckResult> skip_checks(const Scenario& s, const std::string& reason) {
  std::vector<CheckResult> out;
  for (const auto& c : s.checks) {
    CheckResult r;
    r.name = c.name;
    r.kind = c.kind;
    r.expected = c.params;
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
  int pass = 0, fail = 0, inconclusive = 0;
  std::vector<Verdict> vs;
  r.measured = nlohmann::json::array();
  for (const auto& a : attempts) {
    vs.push_back(a.verdict);
    r.measured.push_back(a.measured);
    pass += a.verdict == Verdict::Pass;
    fail += a.verdict == Verdict::Fail;
    inconclusive += a.verdict == Verdict::Inconclusive;
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
