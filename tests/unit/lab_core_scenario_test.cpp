// Scenario parsing: valid files become the model; every invalid one is
// rejected with "file: $.path: what was expected".
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include "check_registry.h"
#include "input_error.h"
#include "json_reader.h"
#include "scenario_parse.h"

using namespace retx::lab;
using nlohmann::json;

namespace {

json minimal() {
  return json::parse(R"({
    "suite": "t",
    "scenarios": [{
      "name": "s1",
      "traffic": {"mode": "bulk", "bytes": 1000},
      "expect": [{"check": "exporter_exact"}]
    }]})");
}

std::string error_of(const json& doc) {
  try {
    parse_suite(doc, "f.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(LabCoreScenario, MinimalFileGetsDefaults) {
  Suite s = parse_suite(minimal(), "f.json");
  ASSERT_EQ(s.scenarios.size(), 1u);
  const auto& sc = s.scenarios[0];
  EXPECT_EQ(sc.name, "s1");
  EXPECT_EQ(sc.topology.clients, 1);
  EXPECT_EQ(sc.topology.offload, Offload::SegmentExact);
  EXPECT_EQ(sc.impairment.kind, ImpairKind::None);
  ASSERT_EQ(sc.traffic.size(), 1u);
  EXPECT_EQ(sc.traffic[0].bytes, 1000u);
  EXPECT_EQ(sc.traffic[0].transfer, Transfer::Upload);
  EXPECT_EQ(sc.repeat.count, 1);
  EXPECT_EQ(sc.json_path, "$.scenarios[0]");
  EXPECT_EQ(sc.checks[0].params["namespaces"], json::array({"all"}));
}

TEST(LabCoreScenario, LossOutOfRangeNamesPathAndRange) {
  auto d = minimal();
  d["scenarios"][0]["impairment"] = {{"kind", "random"}, {"loss", 1.5}};
  EXPECT_EQ(error_of(d), "f.json: $.scenarios[0].impairment.loss: expected a number in [0,1], got 1.5");
}

// The one validation of an impairment: what no backend could install is
// rejected here, with the path, before anything is created.
TEST(LabCoreScenario, ImpairmentsThatDropNothingOrCannotExistAreRejected) {
  auto d = minimal();
  d["scenarios"][0]["impairment"] = {{"kind", "random"}, {"loss", 0}};
  EXPECT_NE(error_of(d).find("f.json: $.scenarios[0].impairment.loss: expected a loss above 0"), std::string::npos)
      << error_of(d);
  d["scenarios"][0]["impairment"] = {{"kind", "gemodel"}, {"gemodel", {{"p", 0}, {"r", 0.5}}}};
  EXPECT_NE(error_of(d).find("$.scenarios[0].impairment.gemodel.p: expected p > 0"), std::string::npos) << error_of(d);
  d["scenarios"][0]["impairment"] = {{"kind", "nth_segment"}};
  EXPECT_EQ(error_of(d), "f.json: $.scenarios[0].impairment.nth: missing (required)");
  d["scenarios"][0]["impairment"] = {{"kind", "blackhole"}, {"blackhole", {{"start_ms", 10}}}};
  EXPECT_EQ(error_of(d), "f.json: $.scenarios[0].impairment.blackhole.duration_ms: missing (required)");
  d["scenarios"][0]["impairment"] = {{"kind", "none"}, {"netem", {{"delay_ms", 5}, {"jitter_ms", 1}, {"distribution", "gaussian"}}}};
  EXPECT_NE(error_of(d).find("$.scenarios[0].impairment.netem.distribution: expected one of"), std::string::npos)
      << error_of(d);
}

TEST(LabCoreScenario, LossOfWrongTypeSaysSo) {
  auto d = minimal();
  d["scenarios"][0]["impairment"] = {{"kind", "random"}, {"loss", "1%"}};
  EXPECT_EQ(error_of(d), "f.json: $.scenarios[0].impairment.loss: expected a number in [0,1], got a string");
}

TEST(LabCoreScenario, UnknownKeyIsRejectedNotIgnored) {
  auto d = minimal();
  d["scenarios"][0]["impairment"] = {{"kind", "random"}, {"los", 0.01}};
  auto e = error_of(d);
  EXPECT_NE(e.find("f.json: $.scenarios[0].impairment.los: unknown key"), std::string::npos) << e;
}

TEST(LabCoreScenario, MissingRequiredKey) {
  auto d = minimal();
  d["scenarios"][0].erase("traffic");
  EXPECT_EQ(error_of(d), "f.json: $.scenarios[0].traffic: missing (required)");
}

TEST(LabCoreScenario, BadEnumListsChoices) {
  auto d = minimal();
  d["scenarios"][0]["traffic"]["mode"] = "udp";
  EXPECT_EQ(error_of(d), "f.json: $.scenarios[0].traffic.mode: expected one of \"bulk\", \"rr\", \"storm\", got \"udp\"");
}

TEST(LabCoreScenario, BulkNeedsExactlyOneOfBytesOrDuration) {
  auto d = minimal();
  d["scenarios"][0]["traffic"]["duration_s"] = 1.0;
  EXPECT_NE(error_of(d).find("$.scenarios[0].traffic: expected exactly one of \"bytes\" or \"duration_s\""), std::string::npos);
}

TEST(LabCoreScenario, KeyOnlyValidForAnotherKind) {
  auto d = minimal();
  d["scenarios"][0]["impairment"] = {{"kind", "first_syn"}, {"loss", 0.1}};
  EXPECT_EQ(error_of(d), "f.json: $.scenarios[0].impairment.loss: only allowed with \"kind\": \"random\"");
}

TEST(LabCoreScenario, CheckNeedsMatchingImpairment) {
  auto d = minimal();
  d["scenarios"][0]["expect"].push_back({{"check", "drop_rate_wilson"}});
  EXPECT_EQ(error_of(d), "f.json: $.scenarios[0].expect[1].check: needs a random impairment (independent drops)");
}

TEST(LabCoreScenario, Client2NeedsTwoClients) {
  auto d = minimal();
  d["scenarios"][0]["expect"].push_back({{"check", "counter_delta"}, {"namespace", "client2"}, {"counter", "Tcp.RetransSegs"}, {"max", 0}});
  EXPECT_EQ(error_of(d), "f.json: $.scenarios[0].expect[1].namespace: names client2, but topology.clients is 1");
}

TEST(LabCoreScenario, DuplicateScenarioNames) {
  auto d = minimal();
  d["scenarios"].push_back(d["scenarios"][0]);
  EXPECT_EQ(error_of(d), "f.json: $.scenarios[1].name: duplicate scenario name \"s1\"");
}

TEST(LabCoreScenario, BoundsNeedMinOrMax) {
  auto d = minimal();
  d["scenarios"][0]["expect"].push_back({{"check", "traffic"}, {"field", "errors"}});
  EXPECT_EQ(error_of(d), "f.json: $.scenarios[0].expect[1]: expected \"min\" and/or \"max\"");
}

TEST(LabCoreScenario, QuorumAboveCount) {
  auto d = minimal();
  d["scenarios"][0]["repeat"] = {{"count", 3}, {"quorum", 4}};
  EXPECT_EQ(error_of(d), "f.json: $.scenarios[0].repeat.quorum: expected an integer in [1,3] (at most count)");
}

TEST(LabCoreScenario, PeerBudgetNeedsExporterFlags) {
  auto d = minimal();
  d["scenarios"][0]["expect"].push_back({{"check", "peer_budget"}});
  EXPECT_NE(error_of(d).find("$.scenarios[0].expect[1].check: needs \"exporter\""), std::string::npos);
  d["scenarios"][0]["exporter"] = {{"args", {"--peer-labels", "--series-budget", "4"}}};
  EXPECT_EQ(error_of(d), "(no error)");
}

TEST(LabCoreScenario, TrafficGroupsAndClientIndexes) {
  auto d = minimal();
  d["scenarios"][0]["topology"] = {{"clients", 2}};
  d["scenarios"][0]["traffic"] = json::array({{{"clients", {1}}, {"mode", "bulk"}, {"bytes", 10}},
                                              {{"clients", {2}}, {"mode", "rr"}, {"transactions", 3}, {"direction", "download"}}});
  Suite s = parse_suite(d, "f.json");
  ASSERT_EQ(s.scenarios[0].traffic.size(), 2u);
  EXPECT_EQ(s.scenarios[0].clients_of(s.scenarios[0].traffic[1]), std::vector<int>{2});
  d["scenarios"][0]["traffic"][1]["clients"] = {3};
  EXPECT_EQ(error_of(d), "f.json: $.scenarios[0].traffic[1].clients[0]: expected an integer in [1,2], got 3");
}

TEST(LabCoreScenario, NetemExtrasAreListedAsFeatures) {
  auto d = minimal();
  d["scenarios"][0]["impairment"] = {{"kind", "none"}, {"netem", {{"delay_ms", 10}, {"reorder", 0.2}}}};
  Suite s = parse_suite(d, "f.json");
  EXPECT_EQ(s.scenarios[0].impairment.netem.features(), (std::vector<std::string>{"delay", "reorder"}));
  d["scenarios"][0]["impairment"]["netem"] = {{"reorder", 0.2}};
  EXPECT_NE(error_of(d).find("netem.reorder: expected delay_ms > 0"), std::string::npos);
}

TEST(LabCoreScenario, GeModelStationaryLoss) {
  auto d = minimal();
  d["scenarios"][0]["impairment"] = {{"kind", "gemodel"}, {"gemodel", {{"p", 0.01}, {"r", 0.09}}}};
  Suite s = parse_suite(d, "f.json");
  EXPECT_NEAR(s.scenarios[0].impairment.nominal_loss(), 0.1, 1e-12);  // pi_bad = p/(p+r), loss_bad 1
}

TEST(LabCoreScenario, SyntaxErrorNamesLineAndColumn) {
  try {
    parse_json_text("{\n  \"suite\": \"x\",\n  oops\n}", "bad.json");
    FAIL() << "no error";
  } catch (const InputError& e) {
    std::string m = e.what();
    EXPECT_EQ(m.rfind("bad.json: line 3 column 3: invalid JSON", 0), 0u) << m;
  }
}

// Found by tests/fuzz: a number beyond a double's range is nlohmann's
// out_of_range, not a parse_error; it must still name the file.
TEST(LabCoreScenario, NumberBeyondDoubleIsAnInputError) {
  try {
    parse_json_text("{\"suite\": 1e999}", "big.json");
    FAIL() << "no error";
  } catch (const InputError& e) {
    std::string m = e.what();
    EXPECT_EQ(m.rfind("big.json: invalid JSON: ", 0), 0u) << m;
  }
}

TEST(LabCoreScenario, UnreadableFile) {
  try {
    load_suite_file("/nonexistent/x.json");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/x.json: cannot read: No such file or directory");
  }
}

std::string read_error(const std::string& file, std::size_t max_bytes = kMaxInputBytes) {
  try {
    read_input_file(file, max_bytes);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

// A device, a directory or a FIFO is refused at once (a FIFO without a writer
// would block the open, /dev/zero would be read until memory runs out).
TEST(LabCoreScenario, OnlyRegularFilesAreRead) {
  EXPECT_EQ(read_error("/dev/zero"), "/dev/zero: cannot read: a character device, not a regular file");
  auto dir = std::filesystem::temp_directory_path() / ("lab_core_kinds_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  EXPECT_EQ(read_error(dir.string()), dir.string() + ": cannot read: a directory, not a regular file");
  auto fifo = (dir / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(read_error(fifo), fifo + ": cannot read: a FIFO, not a regular file");
  std::filesystem::remove_all(dir);
}

TEST(LabCoreScenario, InputSizeIsLimited) {
  auto file = std::filesystem::temp_directory_path() / ("lab_core_big_" + std::to_string(::getpid()) + ".json");
  std::ofstream(file) << std::string(2048, ' ') << "{}";
  EXPECT_EQ(read_error(file.string(), 1024), file.string() + ": larger than the input limit of 1024 bytes");
  EXPECT_EQ(read_error(file.string(), 4096), "no error");
  EXPECT_EQ(kMaxInputBytes, 16u << 20);
  std::filesystem::remove(file);
}

TEST(LabCoreScenario, NamesUniqueAcrossFiles) {
  auto dir = std::filesystem::temp_directory_path() / ("lab_core_scn_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  for (const char* n : {"a.json", "b.json"}) std::ofstream(dir / n) << minimal().dump();
  try {
    load_suites({(dir / "a.json").string(), (dir / "b.json").string()});
    ADD_FAILURE() << "duplicate across files accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("already used by an earlier file"), std::string::npos);
  }
  std::filesystem::remove_all(dir);
}

TEST(LabCoreScenario, ShippedSuitesAreValid) {
  for (const char* f : {"smoke.json", "full.json"}) {
    auto path = std::string(RETX_SCENARIO_DIR) + "/" + f;
    Suite s = load_suite_file(path);
    EXPECT_FALSE(s.scenarios.empty()) << path;
  }
}

// scenarios/schema.json documents what the validator enforces: every check
// kind the validator knows must appear there, and nothing else.
TEST(LabCoreScenario, SchemaDocumentsEveryCheckKind) {
  auto schema = read_json_file(std::string(RETX_SCENARIO_DIR) + "/schema.json");
  std::vector<std::string> documented;
  for (const auto& alt : schema["$defs"]["check"]["oneOf"]) documented.push_back(alt["properties"]["check"]["const"]);
  std::vector<std::string> known = check_kinds();
  std::sort(documented.begin(), documented.end());
  std::sort(known.begin(), known.end());
  EXPECT_EQ(documented, known);
  auto kinds = schema["$defs"]["impairment"]["properties"]["kind"]["enum"].get<std::vector<std::string>>();
  for (const char* k : {"none", "random", "gemodel", "first_syn", "first_synack", "nth_segment", "blackhole"})
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), k), kinds.end()) << k;
}

TEST(LabCoreScenario, TrafficCgroupsAreNamedAndListedOnce) {
  auto d = minimal();
  d["scenarios"][0]["traffic"] = json::array({{{"mode", "bulk"}, {"bytes", 10}, {"cgroup", "a"}},
                                              {{"mode", "bulk"}, {"bytes", 10}, {"cgroup", "b"}},
                                              {{"mode", "rr"}, {"transactions", 2}, {"cgroup", "a"}},
                                              {{"mode", "bulk"}, {"bytes", 10}}});
  Suite s = parse_suite(d, "f.json");
  EXPECT_EQ(s.scenarios[0].cgroups(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(s.scenarios[0].traffic[3].cgroup, "");
  d["scenarios"][0]["traffic"][1]["cgroup"] = "../x";
  EXPECT_EQ(error_of(d), "f.json: $.scenarios[0].traffic[1].cgroup: expected 1-32 characters of [a-z0-9_-] "
                         "starting with a letter or digit, got \"../x\"");
  d["scenarios"][0]["traffic"][1]["cgroup"] = 7;
  EXPECT_NE(error_of(d).find("f.json: $.scenarios[0].traffic[1].cgroup: expected a string"), std::string::npos)
      << error_of(d);
}

TEST(LabCoreScenario, CgroupTotalsNeedsCgroupsAndTheExporterFlag) {
  auto d = minimal();
  d["scenarios"][0]["expect"].push_back({{"check", "cgroup_totals"}});
  EXPECT_EQ(error_of(d), "f.json: $.scenarios[0].expect[1]: cgroup_totals needs a traffic group with a \"cgroup\"");
  d["scenarios"][0]["traffic"]["cgroup"] = "a";
  EXPECT_EQ(error_of(d), "f.json: $.scenarios[0].expect[1]: cgroup_totals needs \"exporter\": {\"args\": "
                         "[\"--cgroup-labels\"]} (no cgroup label otherwise)");
  d["scenarios"][0]["exporter"] = {{"args", {"--cgroup-labels"}}};
  EXPECT_EQ(error_of(d), "(no error)");
  d["scenarios"][0]["expect"][1]["min_retrans"] = -1;
  EXPECT_NE(error_of(d).find("$.scenarios[0].expect[1].min_retrans: expected an integer"), std::string::npos)
      << error_of(d);
}
