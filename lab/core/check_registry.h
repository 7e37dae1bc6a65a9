// Every check type, by name (checks/*.cpp, listed in check_registry.cpp): the
// scenario parser validates an "expect" entry through it, the runner evaluates
// and combines through it. To add a check type, see lab/README.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "check_kind.h"

namespace retx::lab {

// In the order the scenario schema and error messages list them.
const std::vector<const CheckKind*>& check_registry();
const CheckKind* find_check_kind(std::string_view name);  // nullptr when unknown
std::vector<std::string> check_kinds();                     // the names

// Whether `kind` is combined over repeats by quorum (false for unknown kinds).
bool is_statistical(const std::string& kind);

// One entry of a scenario's "expect" array. Throws InputError naming the path.
CheckSpec parse_check(const JsonReader& c, const Scenario& s);

CheckResult evaluate_check(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m);
std::vector<CheckResult> evaluate_checks(const Scenario& s, const ScenarioMeasurements& m);

}  // namespace retx::lab
