// What one check says about one attempt (verdict, reason, measured and
// expected values, all echoed in the report), how attempts combine, and which
// namespaces a check's role names.
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

// Roles a check may name. "sender"/"receiver" follow the first traffic
// group's direction; "client" means every client namespace; "all" every one.
const std::vector<std::string>& namespace_roles();

// Namespaces present in the measurements that `role` names, in measurement order.
std::vector<const NamespaceMeasure*> resolve_role(const std::string& role, const Scenario& s,
                                                  const ScenarioMeasurements& m);

// Every check of the scenario marked skipped with the same reason (no backend,
// wrong exporter, an attempt that broke before its checks...).
std::vector<CheckResult> skip_checks(const Scenario& s, const std::string& reason);

// Combines one check over repeated attempts: exact checks must hold in every
// attempt; statistical ones pass when at least `quorum` attempts pass them.
CheckResult combine_attempts(const std::vector<CheckResult>& attempts, bool statistical, int quorum);

}  // namespace retx::lab
