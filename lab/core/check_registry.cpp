#include "check_registry.h"

namespace retx::lab {

// Each is defined in checks/<name>.cpp.
extern const CheckKind kExporterExact, kSynCausesExact, kSocketTotals, kDropRateWilson, kClosureBound, kRatioModel,
    kBaseline, kCounterDelta, kExporterDelta, kTrafficCheck, kExporterHealth, kPeerBudget, kDenominatorExact,
    kConnectionsExact, kHistogramCount, kSpuriousMatches, kChurnExact, kChurnCleanup, kCgroupTotals;

const std::vector<const CheckKind*>& check_registry() {
  static const std::vector<const CheckKind*> all = {
      &kExporterExact,  &kSynCausesExact, &kSocketTotals,  &kDropRateWilson, &kClosureBound,
      &kRatioModel,     &kBaseline,       &kCounterDelta,  &kExporterDelta,  &kTrafficCheck,
      &kExporterHealth, &kPeerBudget,     &kDenominatorExact, &kConnectionsExact, &kHistogramCount,
      &kSpuriousMatches, &kChurnExact,   &kChurnCleanup,   &kCgroupTotals,
  };
  return all;
}

const CheckKind* find_check_kind(std::string_view name) {
  for (const auto* k : check_registry())
    if (name == k->name) return k;
  return nullptr;
}

std::vector<std::string> check_kinds() {
  std::vector<std::string> names;
  for (const auto* k : check_registry()) names.emplace_back(k->name);
  return names;
}

bool is_statistical(const std::string& kind) {
  const auto* k = find_check_kind(kind);
  return k && k->statistical;
}

CheckSpec parse_check(const JsonReader& c, const Scenario& s) {
  if (!c.value().is_object()) c.fail("expected an object with a \"check\" key");
  CheckSpec spec;
  spec.kind = c.at("check").as_enum(check_kinds());
  const CheckKind& kind = *find_check_kind(spec.kind);
  std::vector<std::string> allowed = {"check", "name"};
  allowed.insert(allowed.end(), kind.keys.begin(), kind.keys.end());
  c.expect_object(allowed);
  spec.params = kind.parse(c, s);
  spec.name = c.string_or("name", spec.kind);
  return spec;
}

CheckResult evaluate_check(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  if (const auto* k = find_check_kind(spec.kind)) return k->evaluate(spec, s, m);
  auto r = check::start(spec);
  r.verdict = Verdict::Fail;
  r.reason = "unknown check kind " + spec.kind;
  return r;
}

std::vector<CheckResult> evaluate_checks(const Scenario& s, const ScenarioMeasurements& m) {
  std::vector<CheckResult> out;
  for (const auto& c : s.checks) out.push_back(evaluate_check(c, s, m));
  return out;
}

}  // namespace retx::lab
