// Turning a scenario's expectations and one attempt's measurements into
// verdicts, each with a reason a person can act on, and the measured and
// expected values behind it (both go into the report).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "measurements.h"
#include "scenario.h"
#include "verdict.h"

namespace retx::lab {

struct CheckResult {
  std::string name;
  std::string kind;
  Verdict verdict = Verdict::Skipped;
  std::string reason;
  nlohmann::json measured = nlohmann::json::object();
  nlohmann::json expected = nlohmann::json::object();
};

CheckResult evaluate_check(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m);
std::vector<CheckResult> evaluate_checks(const Scenario& s, const ScenarioMeasurements& m);

// Every check marked skipped with the same reason (no backend, wrong exporter...).
std::vector<CheckResult> skip_checks(const Scenario& s, const std::string& reason);

// Combines one check over repeated attempts: exact checks must hold in every
// attempt; statistical ones pass when at least `quorum` attempts pass them.
CheckResult combine_attempts(const std::vector<CheckResult>& attempts, bool statistical, int quorum);

// Namespace roles present in the measurements that a check's role names.
std::vector<const NamespaceMeasure*> resolve_role(const std::string& role, const Scenario& s,
                                                  const ScenarioMeasurements& m);

}  // namespace retx::lab
