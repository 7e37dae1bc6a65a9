// The run report: one JSON document per run (schema in reports/README.md),
// written atomically so a reader never sees half a report.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "check_result.h"
#include "measurements.h"
#include "scenario.h"
#include "verdict.h"

namespace retx::lab {

inline constexpr const char* kReportSchema = "retxlab-report/1";

struct AttemptRecord {
  int index = 1;
  std::uint64_t seed = 0;
  std::string error;  // set when the attempt could not run to the end
  nlohmann::json timings = nlohmann::json::object();  // phase -> seconds
  nlohmann::json measurements = nlohmann::json::object();
  std::vector<CheckResult> checks;
  // Non-empty: why this attempt's checks were set aside and the attempt run
  // again (the kernel provably ran no program for some of its retransmits).
  std::string set_aside;
};

struct ScenarioRecord {
  std::string name;
  std::string description;
  std::string file;
  Verdict verdict = Verdict::Skipped;
  std::string reason;   // why skipped / what broke; empty on a clean run
  std::string backend;  // impairment backend used ("" when none)
  std::string offload;
  std::string family;
  nlohmann::json spec = nlohmann::json::object();  // the scenario as parsed
  std::vector<AttemptRecord> attempts;
  std::vector<CheckResult> checks;  // combined over attempts
  double seconds = 0;
};

struct RunReport {
  std::string tool_version;
  std::string suite;
  std::vector<std::string> files;
  std::string started_utc, finished_utc;
  double wall_seconds = 0;
  nlohmann::json host = nlohmann::json::object();      // kernel_release, machine, cpus
  nlohmann::json exporter = nlohmann::json::object();  // mode, url, attach (from retx_exporter_probe_info)
  std::vector<std::string> backends_available;
  std::map<std::string, std::string> backends_unavailable;  // backend -> why it does not work here
  nlohmann::json options = nlohmann::json::object();
  std::vector<ScenarioRecord> scenarios;

  Verdict verdict() const;
};

nlohmann::json to_json(const CheckResult& c);
nlohmann::json to_json(const ScenarioRecord& s);
nlohmann::json to_json(const RunReport& r);
nlohmann::json scenario_to_json(const Scenario& s);
nlohmann::json measurements_to_json(const ScenarioMeasurements& m);

// Writes to PATH.tmp then renames; creates the parent directory. Throws
// std::runtime_error naming the path on failure.
void write_report(const RunReport& r, const std::string& path);

// As write_report, but never replaces an existing file: when PATH exists the
// report goes to PATH-2.json, PATH-3.json, ... Returns the path written.
std::string write_new_report(const RunReport& r, const std::string& path);

// Whether a report can be written to PATH (a file; is_dir: a directory the
// report goes into), checked before a run by creating the directory and a
// probe file in it. One line naming the path and the reason, or nullopt.
std::optional<std::string> output_path_problem(const std::string& path, bool is_dir);

// "reports/<suite>-<UTC timestamp>.json"
std::string default_report_path(const std::string& dir, const std::string& suite, const std::string& utc_compact);

// Scenario verdict from its combined checks (a scenario-level skip reason wins).
Verdict scenario_verdict(const ScenarioRecord& s);

}  // namespace retx::lab
