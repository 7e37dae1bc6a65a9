// The statistical and model-based checks (drop rate, closure, ratio, baseline):
// they compare the kernel against models of TCP under loss, not the exporter
// against the kernel.
#pragma once

#include "check_eval.h"

namespace retx::lab {

CheckResult check_drop_rate_wilson(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m);
CheckResult check_closure_bound(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m);
CheckResult check_ratio_model(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m);
CheckResult check_baseline(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m);

}  // namespace retx::lab
