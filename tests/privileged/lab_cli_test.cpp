// retx-lab itself, as CI runs it: the smoke suite passes on this kernel; a
// SIGKILLed run's namespaces are swept by the next run; SIGTERM removes
// everything; bad input and a missing environment create nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <csignal>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <set>
#include <sys/stat.h>
#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Proc {
  pid_t pid = -1;
  std::string out_path, err_path;
};

struct Done {
  int code = -1;  // exit code, or 128 + signal
  std::string out, err;
};

std::string slurp(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path scratch() {
  static fs::path d = [] {
    auto p = fs::temp_directory_path() / ("lab_cli_test_" + std::to_string(::getpid()));
    fs::create_directories(p);
    return p;
  }();
  return d;
}

// Starts retx-lab with args; uid != 0 drops privileges first (for the environment test).
Proc start(const std::vector<std::string>& args, uid_t uid = 0) {
  static int n = 0;
  Proc p;
  p.out_path = (scratch() / ("out" + std::to_string(n) + ".txt")).string();
  p.err_path = (scratch() / ("err" + std::to_string(n++) + ".txt")).string();
  std::vector<std::string> argv = {RETX_LAB_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  p.pid = ::fork();
  if (p.pid == 0) {
    int o = ::open(p.out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = ::open(p.err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(o, 1);
    ::dup2(e, 2);
    ::setpgid(0, 0);
    if (uid != 0 && (::setgid(uid) != 0 || ::setuid(uid) != 0)) ::_exit(99);
    std::vector<char*> c;
    for (auto& a : argv) c.push_back(a.data());
    c.push_back(nullptr);
    ::execv(c[0], c.data());
    ::_exit(98);
  }
  return p;
}

Done wait(const Proc& p, std::chrono::seconds limit = std::chrono::seconds(240)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  int st = 0;
  while (::waitpid(p.pid, &st, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(p.pid, SIGTERM);
      ::waitpid(p.pid, &st, 0);
      ADD_FAILURE() << "retx-lab did not finish within " << limit.count() << " s";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  Done d;
  d.code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  d.out = slurp(p.out_path);
  d.err = slurp(p.err_path);
  return d;
}

Done run(const std::vector<std::string>& args, uid_t uid = 0, std::chrono::seconds limit = std::chrono::seconds(240)) {
  return wait(start(args, uid), limit);
}

// Namespaces of one retx-lab process: their names carry its pid.
std::vector<std::string> netns_of(pid_t pid) {
  std::vector<std::string> out;
  const std::string prefix = "rxl-" + std::to_string(pid) + "-";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/run/netns", ec))
    if (e.path().filename().string().rfind(prefix, 0) == 0) out.push_back(e.path().filename().string());
  return out;
}

// Processes (not zombies) in process group `pgid`, from /proc/PID/stat.
std::vector<pid_t> live_members_of_group(pid_t pgid) {
  std::vector<pid_t> out;
  for (const auto& e : fs::directory_iterator("/proc")) {
    const auto name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string stat = slurp(e.path().string() + "/stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    char state = 0;
    long ppid = 0, group = 0;
    rest >> state >> ppid >> group;
    if (group == pgid && state != 'Z') out.push_back(std::stoi(name));
  }
  return out;
}

// A scenario long enough to be interrupted in the middle of its traffic.
std::string long_scenario_file() {
  auto p = scratch() / "long.json";
  std::ofstream(p) << R"({"suite": "long", "scenarios": [{"name": "long-bulk",
      "traffic": {"mode": "bulk", "duration_s": 20, "pacing_mbit": 20, "timeout_s": 40},
      "expect": [{"check": "exporter_exact"}]}]})";
  return p.string();
}

std::string tiny_scenario_file() {
  auto p = scratch() / "tiny.json";
  std::ofstream(p) << R"({"suite": "tiny", "scenarios": [{"name": "tiny",
      "traffic": {"mode": "rr", "transactions": 2},
      "expect": [{"check": "exporter_exact"}, {"check": "traffic", "field": "errors", "max": 0}]}]})";
  return p.string();
}

// Waits until the run has created its namespaces (it is mid-scenario then).
bool wait_for_netns(pid_t pid, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (netns_of(pid).size() >= 3) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// The exporter logs a run with this pid created (/tmp/retx-lab-exporter-<pid>-*).
std::vector<std::string> exporter_logs_of(pid_t pid) {
  std::vector<std::string> out;
  const std::string head = "retx-lab-exporter-" + std::to_string(pid) + "-";
  for (const auto& e : fs::directory_iterator("/tmp"))
    if (e.path().filename().string().rfind(head, 0) == 0) out.push_back(e.path().string());
  return out;
}

std::vector<std::string> exporter_args() { return {"--exporter-bin", RETX_EXPORTER_BIN}; }

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST(LabCli, SmokeSuitePassesAndCleansUp) {
  auto reports = scratch() / "smoke-reports";
  auto t0 = std::chrono::steady_clock::now();
  auto p = start(concat({"run", "--suite", "smoke", "--reports-dir", reports.string()}, exporter_args()));
  auto d = wait(p);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(d.code, 0) << d.out << d.err;
  EXPECT_LT(secs, 60.0) << "the smoke suite must stay under a minute";
  EXPECT_TRUE(netns_of(p.pid).empty());
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(reports)) files.push_back(e.path());
  ASSERT_EQ(files.size(), 1u);
  json r = json::parse(slurp(files[0].string()));
  EXPECT_EQ(r["schema"], "retxlab-report/1");
  EXPECT_NE(r["verdict"], "fail");
  EXPECT_FALSE(r["exporter"]["probe_info"].empty()) << "the report must name the exporter's attach mode";
  ASSERT_GE(r["scenarios"].size(), 8u);
  int passed_checks = 0;
  for (const auto& s : r["scenarios"]) {
    EXPECT_NE(s["verdict"], "fail") << s["name"];
    EXPECT_NE(s["verdict"], "skipped") << s["name"] << ": smoke scenarios must run here";
    for (const auto& c : s["checks"]) passed_checks += c["verdict"] == "pass";
  }
  EXPECT_GT(passed_checks, 40);
  EXPECT_NE(d.out.find("run: "), std::string::npos) << "summary table missing";
}

TEST(LabCli, SigkilledRunIsSweptByTheNextRun) {
  auto reports = scratch() / "kill-reports";
  auto p = start(concat({"run", long_scenario_file(), "--reports-dir", reports.string()}, exporter_args()));
  ASSERT_TRUE(wait_for_netns(p.pid, std::chrono::seconds(30))) << slurp(p.err_path);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // mid-traffic
  ::kill(p.pid, SIGKILL);
  auto d = wait(p);
  EXPECT_EQ(d.code, 128 + SIGKILL);
  auto left = netns_of(p.pid);
  EXPECT_FALSE(left.empty()) << "SIGKILL cannot clean up: the namespaces must still be there";

  // Its exporter (SIGTERMed by the kernel when the lab died) left its log.
  auto logs = exporter_logs_of(p.pid);
  EXPECT_EQ(logs.size(), 1u) << "the killed run's exporter log should still be there";

  auto next = run(concat({"run", tiny_scenario_file(), "--reports-dir", reports.string()}, exporter_args()));
  EXPECT_EQ(next.code, 0) << next.out << next.err;
  for (const auto& n : left) EXPECT_NE(next.out.find("swept stale namespace " + n), std::string::npos) << next.out;
  EXPECT_TRUE(netns_of(p.pid).empty());
  for (const auto& l : logs) EXPECT_NE(next.out.find("swept stale exporter log " + l), std::string::npos) << next.out;
  EXPECT_TRUE(exporter_logs_of(p.pid).empty());
}

TEST(LabCli, SigtermRemovesEverythingAndExits143) {
  auto p = start(concat({"run", long_scenario_file(), "--reports-dir", (scratch() / "term").string()}, exporter_args()));
  ASSERT_TRUE(wait_for_netns(p.pid, std::chrono::seconds(30))) << slurp(p.err_path);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ::kill(p.pid, SIGTERM);
  auto d = wait(p, std::chrono::seconds(30));
  EXPECT_EQ(d.code, 143);
  EXPECT_TRUE(netns_of(p.pid).empty());
  // The exporter it started (same process group) gets SIGTERM too and must
  // exit after detaching its probes. Zombies awaiting a reaper do not count.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::vector<pid_t> alive;
  do {
    alive = live_members_of_group(p.pid);
    if (alive.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  } while (std::chrono::steady_clock::now() < deadline);
  EXPECT_TRUE(alive.empty()) << "a process of the run survived SIGTERM: pid " << (alive.empty() ? 0 : alive[0]);
}

TEST(LabCli, ParallelScenariosDoNotCollide) {
  auto f = scratch() / "parallel.json";
  std::ofstream(f) << R"({"suite": "par", "scenarios": [
      {"name": "p1", "impairment": {"kind": "first_syn"}, "traffic": {"mode": "rr", "transactions": 2},
       "expect": [{"check": "exporter_exact"}, {"check": "syn_causes_exact"}]},
      {"name": "p2", "impairment": {"kind": "random", "loss": 0.03}, "traffic": {"mode": "bulk", "bytes": 3000000},
       "expect": [{"check": "exporter_exact"}, {"check": "counter_delta", "namespace": "sender", "counter": "Tcp.RetransSegs", "min": 1}]},
      {"name": "p3", "traffic": {"mode": "rr", "transactions": 20, "pacing_mbit": 50},
       "expect": [{"check": "exporter_exact"}, {"check": "baseline", "allow": "none"}]}]})";
  auto reports = scratch() / "par-reports";
  auto p = start(concat({"run", f.string(), "--parallel", "3", "--reports-dir", reports.string()}, exporter_args()));
  auto d = wait(p);
  EXPECT_EQ(d.code, 0) << d.out << d.err;
  json r;
  for (const auto& e : fs::directory_iterator(reports)) r = json::parse(slurp(e.path().string()));
  std::set<std::string> names;
  for (const auto& s : r["scenarios"]) {
    EXPECT_EQ(s["verdict"], "pass") << s["name"] << ": " << s.dump();
    for (const auto& [role, ns] : s["attempts"][0]["measurements"]["namespaces"].items())
      EXPECT_TRUE(names.insert(ns["name"].get<std::string>()).second) << "namespace name reused: " << ns["name"];
  }
  EXPECT_EQ(names.size(), 9u);  // 3 scenarios x (client, router, server)
  EXPECT_TRUE(netns_of(p.pid).empty());
}

TEST(LabCli, CompareFlagsRegressionsWithExit1) {
  auto reports = scratch() / "cmp-reports";
  auto first = run(concat({"run", tiny_scenario_file(), "--reports-dir", reports.string(), "--report",
                           (scratch() / "base.json").string()}, exporter_args()));
  ASSERT_EQ(first.code, 0) << first.out << first.err;
  auto same = run(concat({"run", tiny_scenario_file(), "--reports-dir", reports.string(), "--compare",
                          (scratch() / "base.json").string()}, exporter_args()));
  EXPECT_EQ(same.code, 0) << same.out;
  EXPECT_NE(same.out.find("0 regression(s)"), std::string::npos) << same.out;
  // A baseline in which one more scenario passed: the new run lost it.
  json base = json::parse(slurp((scratch() / "base.json").string()));
  json extra = base["scenarios"][0];
  extra["name"] = "vanished";
  base["scenarios"].push_back(extra);
  std::ofstream(scratch() / "base2.json") << base.dump();
  auto lost = run(concat({"run", tiny_scenario_file(), "--reports-dir", reports.string(), "--compare",
                          (scratch() / "base2.json").string()}, exporter_args()));
  EXPECT_EQ(lost.code, 1) << lost.out;
  EXPECT_NE(lost.out.find("REGRESSION  vanished: pass -> missing"), std::string::npos) << lost.out;
  // A broken baseline is bad input, found before anything is created.
  std::ofstream(scratch() / "broken.json") << R"({"schema": "retxlab-report/1", "scenarios": [{"name": 3}]})";
  auto broken = run(concat({"run", tiny_scenario_file(), "--compare", (scratch() / "broken.json").string()}, exporter_args()));
  EXPECT_EQ(broken.code, 2);
  EXPECT_NE(broken.err.find("broken.json: $.scenarios[0]"), std::string::npos) << broken.err;
}

TEST(LabCli, MalformedFileCreatesNothingAndExits2) {
  auto bad = scratch() / "bad.json";
  std::ofstream(bad) << R"({"suite": "bad", "scenarios": [{"name": "x",
      "impairment": {"kind": "random", "loss": 7},
      "traffic": {"mode": "bulk", "bytes": 1000}, "expect": [{"check": "exporter_exact"}]}]})";
  auto reports = scratch() / "bad-reports";
  auto p = start(concat({"run", bad.string(), "--reports-dir", reports.string()}, exporter_args()));
  auto d = wait(p);
  EXPECT_EQ(d.code, 2);
  EXPECT_EQ(d.err, bad.string() + ": $.scenarios[0].impairment.loss: expected a number in [0,1], got 7\n");
  EXPECT_FALSE(fs::exists(reports)) << "bad input must create nothing";
  EXPECT_TRUE(netns_of(p.pid).empty());
  EXPECT_EQ(run({"check", bad.string()}).code, 2);

  std::ofstream(scratch() / "syntax.json") << "{\"suite\": \"x\",\n \"scenarios\": [}\n";
  auto s = run({"check", (scratch() / "syntax.json").string()});
  EXPECT_EQ(s.code, 2);
  EXPECT_NE(s.err.find("syntax.json: line 2"), std::string::npos) << s.err;
}

// Inputs that are not plain files, too large, or name an unknown sysctl are
// refused at once with one line naming the file: exit 2, nothing created.
TEST(LabCli, BadInputFilesExit2AtOnce) {
  auto dir = scratch() / "adir";
  fs::create_directories(dir);
  auto fifo = (scratch() / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (const auto& [file, why] : std::vector<std::pair<std::string, std::string>>{
           {"/dev/zero", "a character device, not a regular file"},
           {dir.string(), "a directory, not a regular file"},
           {fifo, "a FIFO, not a regular file"}}) {
    auto d = run({"check", file}, 0, std::chrono::seconds(20));
    EXPECT_EQ(d.code, 2) << file;
    EXPECT_EQ(d.err, file + ": cannot read: " + why + "\n");
  }
  auto big = scratch() / "big.json";
  std::ofstream(big) << std::string((16u << 20) + 1, ' ');
  EXPECT_EQ(run({"check", big.string()}).err, big.string() + ": larger than the input limit of 16 MiB\n");
  fs::remove(big);

  auto sys = scratch() / "sysctl.json";
  std::ofstream(sys) << R"({"suite": "s", "scenarios": [{"name": "s", "topology": {"sysctls": {"net.ipv4.tcp_sak": 0}},
      "traffic": {"mode": "rr", "transactions": 2}, "expect": [{"check": "exporter_exact"}]}]})";
  auto c = run({"check", sys.string()});
  EXPECT_EQ(c.code, 2);
  EXPECT_EQ(c.err.rfind(sys.string() + ": $.scenarios[0].topology.sysctls.net.ipv4.tcp_sak: no such sysctl", 0), 0u) << c.err;
  auto p = start(concat({"run", sys.string(), "--reports-dir", (scratch() / "sys-reports").string()}, exporter_args()));
  auto r = wait(p);
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_TRUE(netns_of(p.pid).empty());
}

// Where the reports go is checked before the run spends anything on them.
TEST(LabCli, UnwritableReportPathsExit2BeforeTheRun) {
  std::ofstream(scratch() / "plain-file") << "x";
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--reports-dir", (scratch() / "plain-file" / "reports").string()},
           {"--reports-dir", "/proc/self/reports"},
           {"--reports-dir", (scratch() / "ok-reports").string(), "--report", scratch().string()}}) {
    auto p = start(concat(concat({"run", tiny_scenario_file()}, args), exporter_args()));
    auto d = wait(p, std::chrono::seconds(30));
    EXPECT_EQ(d.code, 2) << d.out << d.err;
    EXPECT_EQ(d.err.rfind("retx-lab run: --report", 0), 0u) << d.err;
    EXPECT_EQ(std::count(d.err.begin(), d.err.end(), '\n'), 1) << d.err;
    EXPECT_EQ(d.out.find("retx-lab "), std::string::npos) << "the run started: " << d.out;
    EXPECT_TRUE(netns_of(p.pid).empty());
  }
}

// Two runs started in the same second keep both reports.
TEST(LabCli, RunsInTheSameSecondKeepBothReports) {
  auto reports = scratch() / "same-second";
  auto a = start(concat({"run", tiny_scenario_file(), "--reports-dir", reports.string()}, exporter_args()));
  auto b = start(concat({"run", tiny_scenario_file(), "--reports-dir", reports.string()}, exporter_args()));
  auto da = wait(a), db = wait(b);
  EXPECT_EQ(da.code, 0) << da.err;
  EXPECT_EQ(db.code, 0) << db.err;
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(reports)) names.insert(e.path().filename().string());
  ASSERT_EQ(names.size(), 2u) << "one report replaced the other";
  std::set<std::string> starts;
  for (const auto& n : names) starts.insert(json::parse(slurp((reports / n).string()))["started_utc"].get<std::string>());
  // Usually both start in the same second; then the later one is NAME-2.json.
  if (starts.size() == 1) {
    EXPECT_TRUE(std::any_of(names.begin(), names.end(), [](const std::string& n) { return n.ends_with("-2.json"); }))
        << *names.begin() << ", " << *names.rbegin();
  }
}

TEST(LabCli, EnvironmentProblemsExit3) {
  // Not root: nothing can be created, and the lab says so.
  auto d = run({"run", tiny_scenario_file(), "--reports-dir", (scratch() / "nobody").string()}, 65534);
  EXPECT_EQ(d.code, 3) << d.err;
  EXPECT_NE(d.err.find("must run as root"), std::string::npos) << d.err;
  auto missing = run({"run", tiny_scenario_file(), "--exporter-bin", "/nonexistent/retx-exporter"});
  EXPECT_EQ(missing.code, 3);
  EXPECT_NE(missing.err.find("/nonexistent/retx-exporter"), std::string::npos);
  auto unreachable = run({"run", tiny_scenario_file(), "--exporter-url", "http://127.0.0.1:1"});
  EXPECT_EQ(unreachable.code, 3);
}

TEST(LabCli, SkippedNeverCountsAsPassed) {
  // A netem-only scenario on a kernel without netem is skipped with the reason;
  // where netem exists it runs. Either way it must not be reported as a pass unrun.
  auto f = scratch() / "netem.json";
  std::ofstream(f) << R"({"suite": "netem", "scenarios": [{"name": "delay-only",
      "impairment": {"kind": "none", "netem": {"delay_ms": 5}},
      "traffic": {"mode": "rr", "transactions": 2}, "expect": [{"check": "exporter_exact"}]}]})";
  auto reports = scratch() / "netem-reports";
  auto d = run(concat({"run", f.string(), "--reports-dir", reports.string()}, exporter_args()));
  ASSERT_EQ(d.code, 0) << d.out << d.err;
  json r;
  for (const auto& e : fs::directory_iterator(reports)) r = json::parse(slurp(e.path().string()));
  const bool has_netem = std::find(r["backends_available"].begin(), r["backends_available"].end(), "netem") !=
                         r["backends_available"].end();
  const auto& s = r["scenarios"][0];
  if (has_netem) {
    EXPECT_EQ(s["verdict"], "pass");
  } else {
    EXPECT_EQ(s["verdict"], "skipped");
    EXPECT_NE(s["reason"].get<std::string>().find("netem"), std::string::npos) << s["reason"];
    EXPECT_EQ(s["checks"][0]["verdict"], "skipped");
  }
}

// An exporter that refuses --cgroup-labels the way it does on a kernel before
// 5.15 (exit 10: no sk_cgrp_data) makes the cgroup scenario skipped with that
// reason, not failed, and creates no cgroup. The stand-in is the real exporter
// behind a script that exits 10 for that flag only.
TEST(LabCli, ExporterRefusingCgroupLabelsSkipsTheCgroupScenario) {
  auto stand_in = scratch() / "exporter-without-cgroups.sh";
  std::ofstream(stand_in) << "#!/bin/sh\nfor a; do [ \"$a\" = --cgroup-labels ] && "
                             "{ echo 'retx-exporter: --cgroup-labels: no sk_cgrp_data (stand-in)' >&2; exit 10; }; done\n"
                             "exec " RETX_EXPORTER_BIN " \"$@\"\n";
  fs::permissions(stand_in, fs::perms::owner_all);
  auto f = scratch() / "cgroups.json";
  std::ofstream(f) << R"({"suite": "cg", "scenarios": [{"name": "two-cgroups",
      "traffic": [{"cgroup": "a", "mode": "rr", "transactions": 2}, {"cgroup": "b", "mode": "rr", "transactions": 2}],
      "exporter": {"args": ["--cgroup-labels"]}, "expect": [{"check": "cgroup_totals", "min_retrans": 0}]}]})";
  auto report = scratch() / "cgroups-report.json";
  auto d = run({"run", f.string(), "--reports-dir", (scratch() / "cg-reports").string(), "--report", report.string(),
                "--exporter-bin", stand_in.string()});
  ASSERT_EQ(d.code, 0) << d.out << d.err;
  const auto s = json::parse(slurp(report.string()))["scenarios"][0];
  EXPECT_EQ(s["verdict"], "skipped");
  const auto reason = s["reason"].get<std::string>();
  EXPECT_NE(reason.find("the kernel cannot attribute sockets to cgroups"), std::string::npos) << reason;
  EXPECT_NE(reason.find("exited with code 10"), std::string::npos) << reason;
  EXPECT_EQ(s["checks"][0]["verdict"], "skipped");
  EXPECT_TRUE(s["attempts"].empty()) << "no attempt, so no cgroup was made";
}

// `retx-lab pair`: built and printed for a script, reachable, deleted on
// request, and swept once its owner is gone; a prefix naming no live owner is
// bad input and creates nothing.
TEST(LabCli, PairIsBuiltDeletedAndSweptAfterItsOwner) {
  pid_t owner = ::fork();
  if (owner == 0) {
    ::pause();
    ::_exit(0);
  }
  const std::string prefix = "rxl-" + std::to_string(owner) + "-clitest";
  auto made = run({"pair", "--prefix", prefix, "--loss", "50", "--json"});
  ASSERT_EQ(made.code, 0) << made.out << made.err;
  json p = json::parse(made.out);
  const std::string server = p["server"]["netns"], client = p["clients"][0]["netns"];
  EXPECT_EQ(server, prefix + "-s");
  EXPECT_TRUE(fs::exists("/run/netns/" + server) && fs::exists("/run/netns/" + client));
  // The server answers across the veth (a connect to a closed port is refused, not
  // lost: SYNs are spared), and the loss rule is in place.
  EXPECT_EQ(std::system(("timeout 5 ip netns exec " + client + " bash -c 'exec 3<>/dev/tcp/" +
                         p["clients"][0]["server_addr"].get<std::string>() + "/9' 2>&1 | grep -q refused").c_str()),
            0);
  EXPECT_EQ(std::system(("ip netns exec " + server + " nft list table netdev retx_pair | grep -q 'numgen random'").c_str()), 0);

  auto del = run({"pair", "--delete", prefix});
  EXPECT_EQ(del.code, 0) << del.err;
  EXPECT_NE(del.out.find("2 namespace(s) deleted"), std::string::npos) << del.out;
  EXPECT_FALSE(fs::exists("/run/netns/" + server));

  auto again = run({"pair", "--prefix", prefix});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.out.find("PAIR_C1_NS='" + prefix + "-c1'"), std::string::npos) << again.out;
  ::kill(owner, SIGKILL);
  ::waitpid(owner, nullptr, 0);
  auto sw = run({"sweep"});
  EXPECT_EQ(sw.code, 0);
  EXPECT_NE(sw.out.find("removed stale namespace " + prefix + "-s"), std::string::npos) << sw.out;
  EXPECT_FALSE(fs::exists("/run/netns/" + prefix + "-c1"));

  auto orphan = run({"pair", "--prefix", prefix});  // its owner is dead now
  EXPECT_EQ(orphan.code, 2) << orphan.err;
  EXPECT_NE(orphan.err.find("no process " + std::to_string(owner)), std::string::npos) << orphan.err;
  EXPECT_FALSE(fs::exists("/run/netns/" + prefix + "-s"));
}
