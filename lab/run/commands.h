// The retx-lab subcommands; each returns the process exit code (cli_options.h).
#pragma once

#include "cli_options.h"

namespace retx::lab {

int cmd_check(const CliOptions& o);
int cmd_sweep(const CliOptions& o);
int cmd_run(const CliOptions& o);
// Replaces the process with lab/report/render-report.sh from the source tree.
int cmd_report(const CliOptions& o);
// Creates (or with --delete removes) a lossy pair of namespaces; prints its names.
int cmd_pair(const CliOptions& o);

// scenarios/<name>.json: beside the source tree this binary was built from,
// then ./scenarios. Throws InputError when no such suite exists.
std::string resolve_suite_file(const std::string& name);

}  // namespace retx::lab
