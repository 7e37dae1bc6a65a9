// Report writing (atomic, schema fields present) and --compare.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "compare.h"
#include "input_error.h"
#include "json_reader.h"
#include "report.h"

using namespace retx::lab;
using nlohmann::json;

namespace {

RunReport sample_report(Verdict check_verdict) {
  RunReport r;
  r.tool_version = "9.9";
  r.suite = "smoke";
  r.host = {{"kernel_release", "6.18.0"}};
  r.backends_available = {"nft"};
  ScenarioRecord s;
  s.name = "loss";
  s.backend = "nft";
  s.offload = "gso";
  s.seconds = 2;
  s.checks.push_back({"exact", "exporter_exact", check_verdict, "why", {{"client1", 3}}, {}});
  s.checks.push_back({"rate", "drop_rate_wilson", Verdict::Pass, "ok", {}, {}});
  s.verdict = scenario_verdict(s);
  AttemptRecord a;
  a.seed = 42;
  a.checks = s.checks;
  s.attempts.push_back(a);
  r.scenarios.push_back(s);
  return r;
}

std::filesystem::path temp_dir() {
  auto d = std::filesystem::temp_directory_path() / ("lab_core_report_" + std::to_string(::getpid()));
  std::filesystem::create_directories(d);
  return d;
}

}  // namespace

TEST(LabCoreReport, JsonHoldsVerdictsCountsAndScenarioFacts) {
  json j = to_json(sample_report(Verdict::Fail));
  EXPECT_EQ(j["schema"], kReportSchema);
  EXPECT_EQ(j["verdict"], "fail");
  EXPECT_EQ(j["counts"]["scenarios"]["fail"], 1);
  EXPECT_EQ(j["counts"]["checks"]["pass"], 1);
  EXPECT_EQ(j["scenarios"][0]["backend"], "nft");
  EXPECT_EQ(j["scenarios"][0]["offload"], "gso");
  EXPECT_EQ(j["scenarios"][0]["checks"][0]["measured"]["client1"], 3);
  EXPECT_EQ(j["scenarios"][0]["attempts"][0]["seed"], 42);
  EXPECT_EQ(j["host"]["kernel_release"], "6.18.0");
}

TEST(LabCoreReport, InconclusiveDoesNotMakeARunFail) {
  auto r = sample_report(Verdict::Inconclusive);
  EXPECT_EQ(r.scenarios[0].verdict, Verdict::Inconclusive);
  EXPECT_EQ(r.verdict(), Verdict::Inconclusive);
  EXPECT_NE(r.verdict(), Verdict::Fail);
}

TEST(LabCoreReport, WriteCreatesDirectoryAndLeavesNoTemp) {
  auto dir = temp_dir() / "nested";
  auto path = default_report_path(dir.string(), "smoke", "20260101T000000Z");
  EXPECT_EQ(std::filesystem::path(path).filename(), "smoke-20260101T000000Z.json");
  write_report(sample_report(Verdict::Pass), path);
  json back = read_json_file(path);
  EXPECT_EQ(back["verdict"], "pass");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  std::filesystem::remove_all(dir.parent_path());
}

TEST(LabCoreReport, WriteToUnwritablePathThrows) {
  EXPECT_THROW(write_report(sample_report(Verdict::Pass), "/proc/no-such-dir/r.json"), std::runtime_error);
}

TEST(LabCoreCompare, PassToFailIsARegression) {
  auto old_j = to_json(sample_report(Verdict::Pass));
  auto new_j = to_json(sample_report(Verdict::Fail));
  auto c = compare_reports(old_j, "old.json", new_j, "new.json");
  ASSERT_TRUE(c.regressed());
  ASSERT_EQ(c.regressions.size(), 2u);  // the scenario and its check
  EXPECT_EQ(c.regressions[1].check, "exact");
  EXPECT_NE(format_compare(c, "old.json").find("REGRESSION  loss/exact: pass -> fail"), std::string::npos);
  auto back = compare_reports(new_j, "new.json", old_j, "old.json");
  EXPECT_FALSE(back.regressed());
  EXPECT_EQ(back.improvements.size(), 2u);
}

TEST(LabCoreCompare, SameRunHasNoRegression) {
  auto j = to_json(sample_report(Verdict::Pass));
  EXPECT_FALSE(compare_reports(j, "a", j, "b").regressed());
}

TEST(LabCoreCompare, LosingAPassingScenarioOrCheckIsARegression) {
  auto old_j = to_json(sample_report(Verdict::Pass));
  auto new_j = old_j;
  new_j["scenarios"][0]["checks"].erase(1);
  EXPECT_TRUE(compare_reports(old_j, "a", new_j, "b").regressed());
  new_j["scenarios"] = json::array();
  auto c = compare_reports(old_j, "a", new_j, "b");
  ASSERT_EQ(c.regressions.size(), 1u);
  EXPECT_EQ(c.regressions[0].new_verdict, "missing");
}

TEST(LabCoreCompare, MalformedOldReportIsBadInput) {
  auto good = to_json(sample_report(Verdict::Pass));
  auto bad = good;
  bad["scenarios"][0]["checks"][0]["verdict"] = "great";
  try {
    compare_reports(bad, "old.json", good, "new.json");
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("old.json: $.scenarios[0].checks[0].verdict: expected one of", 0), 0u) << e.what();
  }
  bad = good;
  bad["schema"] = "other/1";
  EXPECT_THROW(compare_reports(bad, "old.json", good, "new.json"), InputError);
}

TEST(LabCoreReport, TimestampedReportsNeverReplaceEachOther) {
  auto dir = temp_dir() / "same-second";
  auto path = default_report_path(dir.string(), "smoke", "20260101T000000Z");
  EXPECT_EQ(write_new_report(sample_report(Verdict::Pass), path), path);
  EXPECT_EQ(write_new_report(sample_report(Verdict::Fail), path), (dir / "smoke-20260101T000000Z-2.json").string());
  EXPECT_EQ(write_new_report(sample_report(Verdict::Fail), path), (dir / "smoke-20260101T000000Z-3.json").string());
  EXPECT_EQ(read_json_file(path)["verdict"], "pass") << "the first report was replaced";
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 3) << "a .tmp was left behind";
  std::filesystem::remove_all(dir.parent_path());
}

TEST(LabCoreReport, OutputPathsAreCheckedBeforeARun) {
  auto dir = temp_dir() / "out";
  EXPECT_EQ(output_path_problem((dir / "a" / "b").string(), true), std::nullopt);
  EXPECT_TRUE(std::filesystem::is_directory(dir / "a" / "b"));
  EXPECT_EQ(output_path_problem((dir / "r.json").string(), false), std::nullopt);
  EXPECT_EQ(std::filesystem::directory_iterator(dir)->path(), dir / "a") << "the probe file was left behind";
  EXPECT_EQ(output_path_problem((dir / "a").string(), false), (dir / "a").string() + ": is a directory, expected a file name");
  std::ofstream(dir / "file") << "x";
  auto p = output_path_problem((dir / "file" / "sub").string(), true);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->rfind((dir / "file" / "sub").string() + ": cannot create directory", 0), 0u) << *p;
  auto proc = output_path_problem("/proc/self/reports", true);
  ASSERT_TRUE(proc.has_value());
  EXPECT_EQ(proc->rfind("/proc/self/reports: ", 0), 0u) << *proc;
  std::filesystem::remove_all(dir.parent_path());
}
