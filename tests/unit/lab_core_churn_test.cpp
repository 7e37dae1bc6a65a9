// Churn scenarios without root: the "churn" object's validation, the two
// churn checks on hand-made cycles (one case that passes, ones that must
// not), and how dead and own series are counted in a scrape.
#include <gtest/gtest.h>

#include "check_registry.h"
#include "input_error.h"
#include "scenario_parse.h"

using namespace retx::lab;
using nlohmann::json;

namespace {

json suite_with(const json& churn, const json& checks) {
  json sc = {{"name", "c"}, {"traffic", {{"mode", "bulk"}, {"bytes", 1000}}}, {"expect", checks}};
  if (!churn.is_null()) sc["churn"] = churn;
  return {{"suite", "t"}, {"scenarios", {sc}}};
}

Scenario churn_scenario(const json& checks) {
  return parse_suite(suite_with({{"cycles", 3}}, checks), "t.json").scenarios.at(0);
}

std::string parse_error(const json& doc) {
  try {
    parse_suite(doc, "t.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// Three cycles of client1, router, server; the second reuses an inode of the first.
ScenarioMeasurements three_good_cycles() {
  ScenarioMeasurements m;
  std::uint64_t inode = 100;
  for (int c = 0; c < 3; ++c) {
    ChurnCycle cy;
    for (const char* role : {"client1", "router", "server"}) {
      ChurnNamespace n;
      n.role = role;
      n.inode = c == 1 && n.role == "client1" ? 100 : ++inode;
      n.reused = c == 1 && n.role == "client1";
      n.kernel = n.role == "client1" ? 17 : 0;
      n.exporter = static_cast<double>(n.kernel);
      cy.namespaces.push_back(n);
    }
    m.churn.cycles.push_back(cy);
  }
  m.churn.series_baseline = m.churn.series_end = 40;
  m.churn.rss_baseline_kib = 10000;
  m.churn.rss_end_kib = 10100;
  return m;
}

CheckResult eval(const Scenario& s, size_t i, const ScenarioMeasurements& m) { return evaluate_check(s.checks.at(i), s, m); }

}  // namespace

TEST(LabCoreChurn, ParsesAndValidatesTheChurnObject) {
  auto s = churn_scenario({{{"check", "churn_exact"}}});
  EXPECT_EQ(s.churn.cycles, 3);
  EXPECT_EQ(s.churn.warmup_cycles, 2);  // min(5, cycles - 1)
  EXPECT_NE(parse_error(suite_with({{"cycles", 0}}, {{{"check", "churn_exact"}}})).find("$.scenarios[0].churn.cycles"),
            std::string::npos);
  EXPECT_NE(parse_error(suite_with({{"cycles", 3}, {"warmup_cycles", 3}}, {{{"check", "churn_exact"}}}))
                .find("warmup_cycles"),
            std::string::npos);
  EXPECT_NE(parse_error(suite_with({{"cycles", 3}, {"every", 1}}, {{{"check", "churn_exact"}}})).find("every"),
            std::string::npos);
  // The churn checks mean nothing without churn.
  EXPECT_NE(parse_error(suite_with(nullptr, {{{"check", "churn_cleanup"}}})).find("needs a scenario with \"churn\""),
            std::string::npos);
}

TEST(LabCoreChurn, ExactPassesAndFailsOnStaleFreshOrShortCounts) {
  auto s = churn_scenario({{{"check", "churn_exact"}}});
  auto m = three_good_cycles();
  auto r = eval(s, 0, m);
  EXPECT_EQ(r.verdict, Verdict::Pass) << r.reason;
  EXPECT_EQ(r.measured["reused_cycles"], 1);
  // A reused inode that shows the dead namespace's count when new.
  m.churn.cycles[1].namespaces[0].fresh = 344;
  r = eval(s, 0, m);
  EXPECT_EQ(r.verdict, Verdict::Fail);
  EXPECT_NE(r.reason.find("cycle 2 client1 (netns 100, reused) read 344 when new"), std::string::npos) << r.reason;
  m = three_good_cycles();
  m.churn.cycles[2].namespaces[0].exporter = 16;
  r = eval(s, 0, m);
  EXPECT_EQ(r.verdict, Verdict::Fail);
  EXPECT_NE(r.reason.find("exporter 16 vs RetransSegs +17"), std::string::npos) << r.reason;
  // No reuse: the scenario did not test what it is for.
  m = three_good_cycles();
  m.churn.cycles[1].namespaces[0].reused = false;
  EXPECT_EQ(eval(s, 0, m).verdict, Verdict::Fail);
}

TEST(LabCoreChurn, CleanupJudgesLingeringSeriesSeriesCountAndRss) {
  auto s = churn_scenario({{{"check", "churn_cleanup"}, {"max_series_growth", 0}, {"max_rss_growth_kib", 512}}});
  auto m = three_good_cycles();
  m.churn.cycles[0].dead_series_1 = 3;  // allowed: gone by the second scrape
  auto r = eval(s, 0, m);
  EXPECT_EQ(r.verdict, Verdict::Pass) << r.reason;
  m.churn.cycles[2].dead_series_2 = 1;
  EXPECT_EQ(eval(s, 0, m).verdict, Verdict::Fail);
  m = three_good_cycles();
  m.churn.series_end = 41;
  EXPECT_EQ(eval(s, 0, m).verdict, Verdict::Fail);
  m = three_good_cycles();
  m.churn.rss_end_kib = 10513;
  r = eval(s, 0, m);
  EXPECT_EQ(r.verdict, Verdict::Fail);
  EXPECT_NE(r.reason.find("RSS 10000 -> 10513 KiB"), std::string::npos) << r.reason;
  // An exporter the lab did not start: RSS is not judged, and the reason says so.
  m.churn.rss_baseline_kib = m.churn.rss_end_kib = -1;
  r = eval(s, 0, m);
  EXPECT_EQ(r.verdict, Verdict::Pass) << r.reason;
  EXPECT_NE(r.reason.find("RSS not measured"), std::string::npos);
}

TEST(LabCoreChurn, DeadAndOwnSeriesInAScrape) {
  auto p = parse_prom_text(
      "tcp_retransmissions_total{netns=\"5\",cause=\"rto\"} 3\n"
      "tcp_segments_sent_total{netns=\"5\"} 9\n"
      "tcp_retransmissions_total{netns=\"6\",cause=\"rto\"} 1\n"
      "tcp_netns_info{netns=\"6\",name=\"someone-else\"} 1\n"
      "tcp_retransmissions_total{netns=\"7\",cause=\"rto\"} 1\n"
      "retx_exporter_namespaces 2\n");
  EXPECT_EQ(dead_series(p, {5, 6}), 2);  // 6 is alive again (reused by someone else): not ours to count
  EXPECT_EQ(dead_series(p, {8}), 0);
  EXPECT_EQ(own_series(p, {}), 1);       // only the exporter's own
  EXPECT_EQ(own_series(p, {5}), 3);
  EXPECT_EQ(own_series(p, {5, 6}), 3);  // 6 lives again: another run's series now
}
