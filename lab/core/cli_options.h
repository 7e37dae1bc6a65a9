// retx-lab's command line, parsed without side effects so that bad flags are
// rejected (exit 2) before anything is created.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pair_spec.h"

namespace retx::lab {

enum ExitCode {
  kExitPass = 0,
  kExitCheckFailed = 1,
  kExitBadInput = 2,
  kExitEnvironment = 3,
};

struct CliOptions {
  std::string command;     // run | check | sweep | report | pair | help | version
  std::string help_topic;  // with command "help": "" (overview) or the command asked about
  std::string suite;       // --suite NAME (resolved to scenarios/NAME.json)
  std::vector<std::string> files;  // scenario files; report: the renderer's arguments
  std::vector<std::string> only;   // --scenario NAME (repeatable): run just these
  int parallel = 1;
  std::string exporter_url;
  std::string exporter_bin;
  std::string report_path;
  std::string reports_dir = "reports";
  std::string compare_path;
  int repeat = 0;  // 0: as each scenario says
  bool verbose = false;
  // pair
  PairSpec pair;
  std::string pair_delete;  // --delete PREFIX
  bool json = false;        // --json instead of shell lines
};

// Throws InputError("retx-lab: ...") on bad usage.
CliOptions parse_cli(const std::vector<std::string>& args);

// The overview (topic ""), or one command's full text ("run", "check", ...).
std::string usage_text(const std::string& topic = "");

}  // namespace retx::lab
