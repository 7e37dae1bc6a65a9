// Helpers shared by the check evaluators (internal to lab/core): result
// skeletons, role resolution, per-namespace verdict collection, bounds.
#pragma once

#include <string>
#include <vector>

#include "check_eval.h"

namespace retx::lab::detail {

// Integers without a decimal point, other numbers as printed by iostream.
std::string num(double x);
// A result carrying the check's name, kind and parameters as "expected".
CheckResult start(const CheckSpec& spec);
// The roles a check names ("namespaces" array or "namespace").
std::vector<std::string> roles_of(const CheckSpec& spec);
// Distinct namespaces those roles resolve to, in measurement order.
std::vector<const NamespaceMeasure*> resolve_all(const std::vector<std::string>& roles, const Scenario& s,
                                                 const ScenarioMeasurements& m);

// Collects per-namespace outcomes into one verdict and one reason line.
struct PerNs {
  bool all_ok = true;
  std::vector<std::string> parts;
  void add(const std::string& role, bool ok, const std::string& text);
  std::string joined() const;
};
CheckResult finish(CheckResult r, const PerNs& p);

// [min, max] bounds of counter_delta / exporter_delta / traffic checks.
bool within(const nlohmann::json& params, double x);
std::string bounds_text(const nlohmann::json& params);

}  // namespace retx::lab::detail
