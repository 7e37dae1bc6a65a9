#include "check_eval_util.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace retx::lab::detail {

std::string num(double x) {
  std::ostringstream s;
  if (x == std::floor(x) && std::fabs(x) < 1e15) s << static_cast<long long>(x);
  else s << x;
  return s.str();
}

CheckResult start(const CheckSpec& spec) {
  CheckResult r;
  r.name = spec.name;
  r.kind = spec.kind;
  r.expected = spec.params;
  return r;
}

std::vector<std::string> roles_of(const CheckSpec& spec) {
  std::vector<std::string> out;
  if (spec.params.contains("namespaces"))
    for (const auto& r : spec.params["namespaces"]) out.push_back(r.get<std::string>());
  else if (spec.params.contains("namespace"))
    out.push_back(spec.params["namespace"].get<std::string>());
  return out;
}

std::vector<const NamespaceMeasure*> resolve_all(const std::vector<std::string>& roles, const Scenario& s,
                                                 const ScenarioMeasurements& m) {
  std::vector<const NamespaceMeasure*> out;
  for (const auto& role : roles)
    for (const auto* n : resolve_role(role, s, m))
      if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  return out;
}

void PerNs::add(const std::string& role, bool ok, const std::string& text) {
  all_ok = all_ok && ok;
  parts.push_back(role + (ok ? ": " : ": MISMATCH ") + text);
}

std::string PerNs::joined() const {
  std::string s;
  for (size_t i = 0; i < parts.size(); ++i) s += (i ? "; " : "") + parts[i];
  return s;
}

CheckResult finish(CheckResult r, const PerNs& p) {
  if (p.parts.empty()) {
    r.verdict = Verdict::Skipped;
    r.reason = "no namespace matched the check's roles";
  } else {
    r.verdict = p.all_ok ? Verdict::Pass : Verdict::Fail;
    r.reason = p.joined();
  }
  return r;
}

bool within(const nlohmann::json& params, double x) {
  if (params.contains("min") && x < params["min"].get<double>()) return false;
  if (params.contains("max") && x > params["max"].get<double>()) return false;
  return true;
}

std::string bounds_text(const nlohmann::json& params) {
  std::string lo = params.contains("min") ? num(params["min"].get<double>()) : "-inf";
  std::string hi = params.contains("max") ? num(params["max"].get<double>()) : "+inf";
  return "[" + lo + ", " + hi + "]";
}

}  // namespace retx::lab::detail
