// A churn scenario's measurement (lab/core/churn_spec.h): churn.cycles times,
// a fresh topology is built and scraped (it must read 0), driven through the
// scenario's impairment and traffic, measured against its kernel counters,
// deleted, and scraped twice more (its series must be gone). The exporter's
// series count and RSS are read around the whole churn. Every topology is
// gone when a cycle ends, also when it throws.
#pragma once

#include <sys/types.h>

#include <string>

#include "measurements.h"
#include "scenario.h"

namespace retx::lab {

// exporter_pid: the exporter the lab started (its /proc/<pid>/status VmRSS),
// or -1 when the lab only has its URL (RSS then stays unmeasured).
void measure_churn(const Scenario& s, const ImpairmentSpec& impairment, const std::string& backend,
                   const std::string& url, pid_t exporter_pid, ScenarioMeasurements& m);

// VmRSS of a process in KiB, -1 if it cannot be read.
long rss_kib(pid_t pid);

}  // namespace retx::lab
