// Runs a suite's scenarios on N workers, printing a progress line per
// scenario as it finishes and the summary table at the end.
#pragma once

#include <ostream>
#include <vector>

#include "report.h"
#include "scenario_runner.h"

namespace retx::lab {

// Records come back in the suite's order, whatever order they finished in.
std::vector<ScenarioRecord> run_suite(const Suite& suite, const RunContext& ctx, int parallel, std::ostream& out);

void print_summary(const RunReport& report, std::ostream& out);

}  // namespace retx::lab
