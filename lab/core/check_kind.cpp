#include "check_kind.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace retx::lab::check {

std::string parse_role(const JsonReader& r, const Scenario& s) {
  auto role = r.as_enum(namespace_roles());
  if (role == "client2" && s.topology.clients < 2) r.fail("names client2, but topology.clients is 1");
  return role;
}

nlohmann::json parse_roles(const JsonReader& c, const Scenario& s, const std::string& key, const std::string& def) {
  nlohmann::json out = nlohmann::json::array();
  auto f = c.find(key);
  if (!f) return out.push_back(def), out;
  for (const auto& x : f->items(1)) out.push_back(parse_role(x, s));
  return out;
}

std::string role_or(const JsonReader& c, const Scenario& s, const std::string& key, const std::string& def) {
  return c.has(key) ? parse_role(c.at(key), s) : def;
}

void parse_bounds(const JsonReader& c, nlohmann::json& p, bool integral) {
  if (!c.has("min") && !c.has("max")) c.fail("expected \"min\" and/or \"max\"");
  for (const char* k : {"min", "max"}) {
    if (!c.has(k)) continue;
    if (integral) p[k] = c.at(k).as_integer(INT64_MIN / 2, INT64_MAX / 2);
    else p[k] = c.at(k).as_number(-1e18, 1e18);
  }
  if (p.contains("min") && p.contains("max") && p["min"].get<double>() > p["max"].get<double>())
    c.at("max").fail("expected max >= min");
}

nlohmann::json no_params(const JsonReader&, const Scenario&) { return nlohmann::json::object(); }

nlohmann::json namespaces_param(const JsonReader& c, const Scenario& s) {
  return {{"namespaces", parse_roles(c, s, "namespaces", "all")}};
}

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

CheckResult skipped(CheckResult r, const std::string& reason) {
  r.verdict = Verdict::Skipped;
  r.reason = reason;
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
  if (p.parts.empty()) return skipped(std::move(r), "no namespace matched the check's roles");
  r.verdict = p.all_ok ? Verdict::Pass : Verdict::Fail;
  r.reason = p.joined();
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

CheckResult per_namespace(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m,
                          const std::function<Judgement(const NamespaceMeasure& n, nlohmann::json& measured)>& judge,
                          const std::vector<std::string>& extra) {
  auto r = start(spec);
  PerNs p;
  for (const auto* n : resolve_all(roles_of(spec), s, m)) {
    auto j = judge(*n, r.measured[n->role]);
    p.add(n->role, j.ok, j.text);
  }
  p.parts.insert(p.parts.end(), extra.begin(), extra.end());
  return finish(std::move(r), p);
}

CheckResult bounded_per_namespace(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m,
                                  const std::function<double(const NamespaceMeasure&)>& value,
                                  const std::function<std::string(double)>& what) {
  return per_namespace(spec, s, m, [&](const NamespaceMeasure& n, nlohmann::json& measured) {
    const double d = value(n);
    measured = d;
    return Judgement{within(spec.params, d), what(d) + " in " + bounds_text(spec.params)};
  });
}

std::string fmt(double x, int prec) {
  std::ostringstream s;
  s.precision(prec);
  s << x;
  return s.str();
}

std::string pct(double x) { return fmt(100 * x, 4) + " %"; }

Realised realised(const ImpairmentStats& im) {
  Realised r;
  r.trials = static_cast<double>(im.candidates);
  r.dropped = static_cast<double>(im.packets_dropped);
  r.rate = r.trials > 0 ? r.dropped / r.trials : 0;
  r.segs_per_drop = im.packets_dropped ? static_cast<double>(im.segments_dropped) / r.dropped : 1;
  return r;
}

}  // namespace retx::lab::check
