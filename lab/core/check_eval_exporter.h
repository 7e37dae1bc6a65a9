// Checks of the exporter against the kernel: the exact identities of
// exporter/METRICS.md, per-socket totals, and the exporter's own health.
#pragma once

#include "check_eval.h"

namespace retx::lab {

CheckResult check_exporter_exact(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m);
CheckResult check_denominator_exact(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m);
CheckResult check_syn_causes_exact(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m);
CheckResult check_socket_totals(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m);
CheckResult check_exporter_health(const CheckSpec& spec, const ScenarioMeasurements& m);
CheckResult check_peer_budget(const CheckSpec& spec, const ScenarioMeasurements& m);

}  // namespace retx::lab
