// --compare OLD.json: what got worse between two runs, for CI. A regression is
// a scenario or check whose verdict got more severe (pass -> inconclusive ->
// fail, or anything -> skipped/missing when it used to pass).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace retx::lab {

struct CompareLine {
  std::string scenario;
  std::string check;  // empty: the scenario as a whole
  std::string old_verdict, new_verdict;
  std::string text;
};

struct CompareResult {
  std::vector<CompareLine> regressions;
  std::vector<CompareLine> improvements;
  std::vector<std::string> notes;  // scenarios added, timing changes
  bool regressed() const { return !regressions.empty(); }
};

// Both documents must follow the report schema; a malformed one throws
// InputError naming `old_file` / `new_file` and the JSON path.
CompareResult compare_reports(const nlohmann::json& old_report, const std::string& old_file,
                              const nlohmann::json& new_report, const std::string& new_file);

std::string format_compare(const CompareResult& r, const std::string& old_file);

}  // namespace retx::lab
