// Runs one scenario (all its attempts) against the real kernel: topology,
// quiet-point readings, impairment, traffic, quiescence, readings again,
// checks, teardown. Everything it creates is gone when it returns or throws.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "report.h"
#include "scenario.h"

namespace retx::lab {

struct RunContext {
  std::string exporter_url;  // the run-wide exporter
  std::string exporter_bin;  // set when the lab starts exporters itself
  pid_t exporter_pid = -1;   // the run-wide exporter when the lab started it
  std::vector<std::string> backends;                      // probe_backends().available
  std::map<std::string, std::string> backends_missing;    // probe_backends().unavailable: backend -> why
  int repeat_override = 0;            // --repeat
  bool verbose = false;
};

ScenarioRecord run_scenario(const Scenario& s, const RunContext& ctx);

}  // namespace retx::lab
