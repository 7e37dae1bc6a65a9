// peer_budget: with --peer-labels --series-budget N the exporter keeps its
// peer series within N and (by default) folds what does not fit.
#include <algorithm>

#include "check_kind.h"

namespace retx::lab {

namespace {
namespace peer_budget_check {

using namespace check;

nlohmann::json parse(const JsonReader& c, const Scenario& s) {
  nlohmann::json p = {{"expect_folding", c.bool_or("expect_folding", true)}};
  const auto& a = s.exporter_args;
  if (std::find(a.begin(), a.end(), "--series-budget") == a.end())
    c.at("check").fail("needs \"exporter\": {\"args\": [\"--peer-labels\", \"--series-budget\", \"N\"]}");
  return p;
}

CheckResult evaluate(const CheckSpec& spec, const Scenario&, const ScenarioMeasurements& m) {
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

}  // namespace peer_budget_check
}  // namespace

extern const CheckKind kPeerBudget{"peer_budget", {"expect_folding"}, peer_budget_check::parse,
                                   peer_budget_check::evaluate};

}  // namespace retx::lab
