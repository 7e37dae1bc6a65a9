// One check type: its name, the keys it takes, how its parameters are read
// from the scenario file, how it is evaluated, and whether it is statistical.
// Each type lives in its own file under checks/ and defines one CheckKind;
// check_registry.cpp lists them all. A file's functions sit in a namespace
// named after it (traffic.cpp: traffic_check): unity builds (RETX_UNITY_BUILD)
// compile several checks as one source, where every check's parse and
// evaluate would otherwise collide. The helpers below are what most checks
// share: role lists, per-namespace verdicts, [min, max] bounds.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "check_result.h"
#include "json_reader.h"

namespace retx::lab {

struct CheckKind {
  const char* name;                // the "check" value in a scenario file
  std::vector<std::string> keys;   // keys it takes besides "check" and "name"
  // Reads and validates the keys (the object `c` already holds only allowed
  // ones) against the scenario; the result is CheckSpec::params, echoed in
  // the report as "expected". Throws InputError through `c`.
  nlohmann::json (*parse)(const JsonReader& c, const Scenario& s);
  CheckResult (*evaluate)(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m);
  // Statistical checks are combined over repeats by quorum; exact ones must
  // hold in every attempt.
  bool statistical = false;
};

namespace check {

// --- parsing -------------------------------------------------------------------------
// One role (client2 only with two clients).
std::string parse_role(const JsonReader& r, const Scenario& s);
// The array at `key` (at least one role), or [def] when absent.
nlohmann::json parse_roles(const JsonReader& c, const Scenario& s, const std::string& key, const std::string& def);
// The role at `key`, or def when absent.
std::string role_or(const JsonReader& c, const Scenario& s, const std::string& key, const std::string& def);
// "min" and/or "max" (at least one), integers or numbers, min <= max.
void parse_bounds(const JsonReader& c, nlohmann::json& p, bool integral);
// A check with no parameters.
nlohmann::json no_params(const JsonReader& c, const Scenario& s);
// A check of every namespace its "namespaces" array names (default: all).
nlohmann::json namespaces_param(const JsonReader& c, const Scenario& s);

// --- evaluation ----------------------------------------------------------------------
// Integers without a decimal point, other numbers as printed by iostream.
std::string num(double x);
// A result carrying the check's name, kind and parameters as "expected".
CheckResult start(const CheckSpec& spec);
// A result skipped with `reason`.
CheckResult skipped(CheckResult r, const std::string& reason);
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

// The usual shape of a per-namespace check: for each namespace its roles name,
// `judge` records what it measured in `measured` (the report's measured[role])
// and says whether the expectation holds and why. `extra` parts (exporter-wide
// notes) follow the namespaces' in the reason. No namespace: skipped.
struct Judgement {
  bool ok;
  std::string text;
};
CheckResult per_namespace(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m,
                          const std::function<Judgement(const NamespaceMeasure& n, nlohmann::json& measured)>& judge,
                          const std::vector<std::string>& extra = {});

// [min, max] bounds of counter_delta / exporter_delta / traffic checks.
bool within(const nlohmann::json& params, double x);
std::string bounds_text(const nlohmann::json& params);
// Each named namespace's value inside the check's [min, max]; `what` names the
// value in the reason ("Tcp.RetransSegs +3").
CheckResult bounded_per_namespace(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m,
                                  const std::function<double(const NamespaceMeasure&)>& value,
                                  const std::function<std::string(double)>& what);

// Numbers in reasons: `prec` significant digits; a probability as "1.234 %".
std::string fmt(double x, int prec = 6);
std::string pct(double x);

// Realised per-decision drop rate. The backends decide per skb: in GSO mode
// one decision drops many segments at once, so the number of independent
// trials (the effective sample size) is the number of skbs, not segments.
struct Realised {
  double trials = 0, dropped = 0, rate = 0, segs_per_drop = 1;
};
Realised realised(const ImpairmentStats& im);

}  // namespace check
}  // namespace retx::lab
