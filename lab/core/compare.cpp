#include "compare.h"

#include <map>

#include "json_reader.h"
#include "report.h"
#include "verdict.h"

namespace retx::lab {

namespace {

struct ScenarioView {
  Verdict verdict;
  double seconds = 0;
  std::map<std::string, Verdict> checks;
  std::map<std::string, std::string> reasons;
};

Verdict read_verdict(const JsonReader& r) {
  auto v = parse_verdict(r.as_enum({"pass", "fail", "inconclusive", "skipped"}));
  return *v;
}

std::map<std::string, ScenarioView> read_view(const nlohmann::json& doc, const std::string& file) {
  JsonReader root(doc, file);
  if (!doc.is_object()) root.fail("expected a retx-lab report object");
  auto schema = root.at("schema").as_string();
  if (schema != kReportSchema)
    root.at("schema").fail(std::string("expected \"") + kReportSchema + "\", got \"" + schema + "\"");
  std::map<std::string, ScenarioView> out;
  for (const auto& s : root.at("scenarios").items()) {
    ScenarioView v;
    v.verdict = read_verdict(s.at("verdict"));
    if (auto sec = s.find("seconds")) v.seconds = sec->as_number(0, 1e9);
    for (const auto& c : s.at("checks").items()) {
      auto name = c.at("name").as_string();
      v.checks[name] = read_verdict(c.at("verdict"));
      if (auto reason = c.find("reason")) v.reasons[name] = reason->as_string();
    }
    out[s.at("name").as_string()] = std::move(v);
  }
  return out;
}

}  // namespace

CompareResult compare_reports(const nlohmann::json& old_report, const std::string& old_file,
                              const nlohmann::json& new_report, const std::string& new_file) {
  const auto before = read_view(old_report, old_file);
  const auto after = read_view(new_report, new_file);
  CompareResult r;
  auto judge = [&](const std::string& sc, const std::string& check, Verdict o, Verdict n, const std::string& why) {
    if (o == n) return;
    CompareLine line{sc, check, std::string(to_string(o)), std::string(to_string(n)), why};
    // Losing a pass to "skipped" hides coverage: CI must notice it.
    bool worse = severity(n) > severity(o) || (o == Verdict::Pass && n == Verdict::Skipped);
    bool better = severity(n) < severity(o) && n != Verdict::Skipped;
    if (worse) r.regressions.push_back(line);
    else if (better) r.improvements.push_back(line);
  };
  for (const auto& [name, o] : before) {
    auto it = after.find(name);
    if (it == after.end()) {
      if (o.verdict == Verdict::Pass)
        r.regressions.push_back({name, "", "pass", "missing", "scenario no longer in the run"});
      else
        r.notes.push_back("scenario " + name + " (was " + std::string(to_string(o.verdict)) + ") is not in the new run");
      continue;
    }
    const auto& n = it->second;
    judge(name, "", o.verdict, n.verdict, "");
    for (const auto& [check, ov] : o.checks) {
      auto c = n.checks.find(check);
      if (c == n.checks.end()) {
        if (ov == Verdict::Pass) r.regressions.push_back({name, check, "pass", "missing", "check no longer evaluated"});
        continue;
      }
      auto reason = n.reasons.find(check);
      judge(name, check, ov, c->second, reason == n.reasons.end() ? "" : reason->second);
    }
    if (o.seconds > 1 && n.seconds > 2 * o.seconds)
      r.notes.push_back("scenario " + name + " took " + std::to_string(n.seconds) + " s, was " +
                        std::to_string(o.seconds) + " s");
  }
  for (const auto& [name, n] : after)
    if (!before.count(name)) r.notes.push_back("new scenario " + name + ": " + std::string(to_string(n.verdict)));
  return r;
}

std::string format_compare(const CompareResult& r, const std::string& old_file) {
  std::string out = "compare with " + old_file + ": " + std::to_string(r.regressions.size()) + " regression(s), " +
                    std::to_string(r.improvements.size()) + " improvement(s)\n";
  auto line = [](const CompareLine& l) {
    std::string s = "  " + l.scenario + (l.check.empty() ? "" : "/" + l.check) + ": " + l.old_verdict + " -> " +
                    l.new_verdict;
    if (!l.text.empty()) s += " (" + l.text + ")";
    return s + "\n";
  };
  for (const auto& l : r.regressions) out += "REGRESSION" + line(l);
  for (const auto& l : r.improvements) out += "improved  " + line(l);
  for (const auto& n : r.notes) out += "  note: " + n + "\n";
  return out;
}

}  // namespace retx::lab
