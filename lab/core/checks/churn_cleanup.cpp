// churn_cleanup: every dead namespace's series are gone from /metrics by the
// second scrape after its deletion, and once the churn is over the exporter's
// series (its own and the churn's: other namespaces on the host come and go
// on their own) and its RSS are back at their baselines within the stated
// growth. The series baseline is read before the first cycle, the RSS
// baseline after the warm-up cycles (the first allocations are not a leak).
#include "check_kind.h"

namespace retx::lab {

namespace {
namespace churn_cleanup_check {

using namespace check;

nlohmann::json parse(const JsonReader& c, const Scenario& s) {
  if (!s.churn.active()) c.fail("needs a scenario with \"churn\"");
  return {{"max_series_growth", c.integer_or("max_series_growth", 0, 1'000'000, 0)},
          {"max_rss_growth_kib", c.integer_or("max_rss_growth_kib", 0, 1 << 30, 4096)}};
}

CheckResult evaluate(const CheckSpec& spec, const Scenario&, const ScenarioMeasurements& m) {
  auto r = start(spec);
  const auto& ch = m.churn;
  if (ch.cycles.empty()) return skipped(std::move(r), "no churn cycle was measured");
  int lingering = 0, after_first = 0;
  for (const auto& c : ch.cycles) {
    lingering += c.dead_series_2;
    after_first += c.dead_series_1;
  }
  const long max_series = spec.params.value("max_series_growth", 0L);
  const long max_rss = spec.params.value("max_rss_growth_kib", 4096L);
  const long series_growth = ch.series_end - ch.series_baseline;
  const bool have_rss = ch.rss_baseline_kib >= 0 && ch.rss_end_kib >= 0;
  const long rss_growth = have_rss ? ch.rss_end_kib - ch.rss_baseline_kib : 0;
  r.measured = {{"dead_series_after_first_scrape", after_first},
                {"dead_series_after_second_scrape", lingering},
                {"series_baseline", ch.series_baseline},
                {"series_end", ch.series_end},
                {"rss_baseline_kib", ch.rss_baseline_kib},
                {"rss_end_kib", ch.rss_end_kib}};
  const bool ok = lingering == 0 && series_growth <= max_series && rss_growth <= max_rss;
  r.verdict = ok ? Verdict::Pass : Verdict::Fail;
  r.reason = "dead namespaces' series after the 1st scrape " + std::to_string(after_first) + ", after the 2nd " +
             std::to_string(lingering) + "; series " + std::to_string(ch.series_baseline) + " -> " +
             std::to_string(ch.series_end) + " (growth at most " + std::to_string(max_series) + "); RSS " +
             (have_rss ? std::to_string(ch.rss_baseline_kib) + " -> " + std::to_string(ch.rss_end_kib) +
                             " KiB (growth at most " + std::to_string(max_rss) + ")"
                       : std::string("not measured (the lab did not start this exporter)"));
  return r;
}

}  // namespace churn_cleanup_check
}  // namespace

extern const CheckKind kChurnCleanup{"churn_cleanup", {"max_series_growth", "max_rss_growth_kib"},
                                     churn_cleanup_check::parse, churn_cleanup_check::evaluate};

}  // namespace retx::lab
