#include "scenario_runner.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>

#include "attempt_measure.h"
#include "attempt_steps.h"
#include "churn_runner.h"
#include "cgroup_paths.h"
#include "check_registry.h"
#include "cleanup.h"
#include "counters.h"
#include "exporter_process.h"
#include "impairment.h"
#include "lab_cgroup.h"
#include "options.h"  // the exporter's exit codes
#include "quiescence.h"
#include "run_cmd.h"
#include "topology.h"

namespace retx::lab {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// The kernel's counters of every namespace (in roles_of()'s order) and the
// exporter's scrape, at one quiet point (quiescence.h).
using Reading = BracketedScrape;

void record_namespaces(const std::vector<RoleNs>& nss, const Reading& before, const Reading& after,
                       ScenarioMeasurements& m) {
  for (size_t i = 0; i < nss.size(); ++i) {
    NamespaceMeasure n;
    n.role = nss[i].role;
    n.name = nss[i].ns.name;
    n.inode = nss[i].ns.inode;
    n.kernel = counter_deltas(before.counters[i], after.counters[i]);
    n.exporter_before = filter_netns(before.seen, n.inode);
    n.exporter_after = filter_netns(after.seen, n.inode);
    n.exporter = exporter_ns_delta(n.exporter_before, n.exporter_after);
    m.namespaces.push_back(std::move(n));
  }
  m.exporter = exporter_self(before.seen, after.seen);
}

// The scenario's cgroups for one attempt, "<topology prefix>-<name>" under
// the cgroup2 mount (run_scenario skipped the scenario if there is none), and
// their rows in m.cgroups. Removed when the attempt ends.
struct AttemptCgroups {
  std::vector<std::unique_ptr<LabCgroup>> made;
  std::map<std::string, std::string> dirs;  // name -> absolute directory

  AttemptCgroups(const Scenario& s, const std::string& prefix, ScenarioMeasurements& m) {
    const auto names = s.cgroups();
    if (names.empty()) return;
    const std::string mount = retx::find_cgroup2_mount();
    for (const auto& name : names) {
      made.push_back(std::make_unique<LabCgroup>(mount, prefix + "-" + name));
      dirs[name] = made.back()->dir();
      m.cgroups.push_back({.name = name, .path = made.back()->path()});
    }
  }
};

// When the exporter disagrees with the kernel, one more scrape a second later
// tells a lagging exporter (it catches up) from a losing one (it never does).
void diagnose_exact_failures(AttemptRecord& a, const ScenarioMeasurements& m, const std::string& url) {
  if (!exact_check_failed(a)) return;
  std::this_thread::sleep_for(std::chrono::seconds(1));
  try {
    explain_exact_failures(a, m, scrape_metrics(url));
  } catch (const std::exception&) {
    // No late scrape, no explanation: the failure stands as it is.
  }
}

// A churn scenario's attempt: its cycles (churn_runner.h), then the checks.
AttemptRecord churn_attempt(AttemptRecord a, const Scenario& s, const ImpairmentSpec& impairment,
                            const std::string& backend, const std::string& url, pid_t exporter_pid,
                            ScenarioMeasurements& m) {
  auto t0 = Clock::now();
  measure_churn(s, impairment, backend, url, exporter_pid, m);
  a.timings["churn_s"] = since(t0);
  a.checks = evaluate_checks(s, m);
  a.measurements = measurements_to_json(m);
  return a;
}

AttemptRecord run_attempt(const Scenario& s, int index, const std::string& backend, const std::string& url,
                          pid_t exporter_pid, ScenarioMeasurements& m) {
  AttemptRecord a;
  a.index = index;
  ImpairmentSpec impairment = s.impairment;
  impairment.seed = s.impairment.seed + static_cast<std::uint64_t>(index - 1);
  a.seed = impairment.seed;
  if (s.churn.active()) return churn_attempt(std::move(a), s, impairment, backend, url, exporter_pid, m);
  auto t0 = Clock::now();
  TopologySpec ts = s.topology;
  ts.prefix = make_run_prefix("rxl");
  Topology topo(ts);
  a.timings["topology_s"] = since(t0);
  const auto nss = roles_of(topo);
  const std::vector<Namespace> plain = topo.all();
  const AttemptCgroups cgroups(s, ts.prefix, m);  // declared after topo: removed before it

  // Quiet point before: nothing runs in the fresh namespaces yet.
  const Reading before = scrape_between_counters(plain, url);

  auto t1 = Clock::now();
  std::unique_ptr<Impairment> imp;
  // choose_backend() already said whether there is anything to install ("none"
  // also covers kind none with netem extras such as delay or corrupt: those get "netem").
  if (backend != "none") imp = std::make_unique<Impairment>(topo, impairment, s.primary_traffic().transfer, backend);
  a.timings["impairment_s"] = since(t1);

  auto t2 = Clock::now();
  TrafficRun traffic = drive_traffic(topo, s, cgroups.dirs);
  a.timings["traffic_s"] = since(t2);

  auto t3 = Clock::now();
  // Bounded: an RTO backoff after a blackhole may keep a socket busy for long.
  auto q = wait_for_quiet(plain, s.quiesce_ms, 10.0);
  a.timings["quiesce_s"] = since(t3);
  m.quiesced = q.quiet;
  m.quiesce_seconds = q.waited_s;

  if (imp) m.impairment = imp->stats();
  const Reading after = scrape_between_counters(plain, url);
  m.quiesced = m.quiesced && after.settled;
  record_namespaces(nss, before, after, m);
  fold_traffic(traffic, m);
  record_cgroups(traffic, before.seen, after.seen, m);

  auto t4 = Clock::now();
  imp.reset();
  a.timings["impairment_removal_s"] = since(t4);
  a.checks = evaluate_checks(s, m);
  if (!m.quiesced)
    for (auto& c : a.checks)
      if (c.verdict == Verdict::Fail) c.reason += " (counters were still moving after " + std::to_string(q.waited_s) + " s)";
  a.measurements = measurements_to_json(m);
  diagnose_exact_failures(a, m, url);
  return a;  // ~Topology removes the namespaces
}

// All attempts of the scenario, each check combined over them (statistical
// checks by quorum, exact ones in every attempt).
void run_attempts(const Scenario& s, const RunContext& ctx, const std::string& backend, const std::string& url,
                  pid_t exporter_pid, ScenarioRecord& rec) {
  int count = ctx.repeat_override > 0 ? ctx.repeat_override : s.repeat.count;
  int quorum = ctx.repeat_override > 0 ? (s.repeat.count == count ? s.repeat.quorum : count / 2 + 1) : s.repeat.quorum;
  std::vector<std::vector<CheckResult>> per_check(s.checks.size());
  std::string rerun_note;
  for (int i = 1; i <= count; ++i) {
    ScenarioMeasurements m;
    AttemptRecord a;
    try {
      a = run_attempt(s, i, backend, url, exporter_pid, m);
    } catch (const std::exception& e) {
      a.index = i;
      a.error = e.what();
      a.checks = skip_checks(s, std::string("attempt failed before its checks: ") + e.what());
      for (auto& c : a.checks) c.verdict = Verdict::Fail;
    }
    // The report keeps a set-aside attempt; the same index runs again.
    if (apply_kernel_skips(a, m, s.topology.offload == Offload::SegmentExact, rerun_note.empty())) {
      rerun_note = "attempt " + std::to_string(i) + " run again: " + a.set_aside;
      rec.attempts.push_back(std::move(a));
      --i;
      continue;
    }
    for (size_t k = 0; k < s.checks.size() && k < a.checks.size(); ++k) per_check[k].push_back(a.checks[k]);
    rec.attempts.push_back(std::move(a));
  }
  for (size_t k = 0; k < s.checks.size(); ++k)
    rec.checks.push_back(combine_attempts(per_check[k], is_statistical(s.checks[k].kind), quorum));
  if (!rerun_note.empty()) rec.reason += (rec.reason.empty() ? "" : "; ") + rerun_note;
  for (const auto& a : rec.attempts)
    if (!a.error.empty()) { rec.reason = "attempt " + std::to_string(a.index) + " failed: " + a.error; break; }
}

}  // namespace

ScenarioRecord run_scenario(const Scenario& s, const RunContext& ctx) {
  const auto start = Clock::now();
  ScenarioRecord rec;
  rec.name = s.name;
  rec.description = s.description;
  rec.file = s.source_file;
  rec.offload = std::string(to_string(s.topology.offload));
  rec.family = std::string(family_name(s.primary_traffic().family));
  rec.spec = scenario_to_json(s);
  auto done = [&](Verdict v, const std::string& reason) {
    rec.reason = reason;
    rec.checks = skip_checks(s, reason);
    rec.verdict = v;
    rec.seconds = since(start);
    return rec;
  };

  auto choice = choose_backend(s.impairment, ctx.backends, {}, ctx.backends_missing);
  if (!choice.supported()) return done(Verdict::Skipped, "no impairment backend here provides it: " + choice.reason);
  rec.backend = choice.backend == "none" ? "" : choice.backend;
  if (!choice.reason.empty()) rec.reason = choice.reason;

  // A socket's cgroup is set and read through the cgroup2 hierarchy.
  if (!s.cgroups().empty() && retx::find_cgroup2_mount().empty())
    return done(Verdict::Skipped, "no cgroup2 hierarchy is mounted here (/proc/self/mountinfo): the traffic groups' "
                                  "cgroups cannot be made");

  // Scenarios that need particular exporter flags get an exporter of their own.
  // So do churn scenarios when the lab can start one: their series and RSS
  // baselines are then the churn's alone.
  std::unique_ptr<ExporterProcess> own;
  std::string url = ctx.exporter_url;
  pid_t exporter_pid = ctx.exporter_pid;
  if (!s.exporter_args.empty() || (s.churn.active() && !ctx.exporter_bin.empty())) {
    if (ctx.exporter_bin.empty()) {
      std::string args;
      for (const auto& x : s.exporter_args) args += " " + x;
      return done(Verdict::Skipped,
                  "needs an exporter started with" + args + "; --exporter-url points at one the lab cannot configure");
    }
    try {
      own = std::make_unique<ExporterProcess>(ctx.exporter_bin, s.exporter_args);
    } catch (const ExporterExited& e) {
      // The exporter's exit code for a kernel that cannot say a socket's
      // cgroup (before 5.15, no sk_cgrp_data) or no cgroup2 mount: the
      // kernel's limit, not a fault of the exporter.
      if (e.exit_code == retx::exit_code::kCgroupLabels)
        return done(Verdict::Skipped, std::string("the kernel cannot attribute sockets to cgroups: ") + e.what());
      return done(Verdict::Fail, std::string("dedicated exporter failed to start: ") + e.what());
    } catch (const std::exception& e) {
      return done(Verdict::Fail, std::string("dedicated exporter failed to start: ") + e.what());
    }
    url = own->url();
    exporter_pid = own->pid();
  }

  run_attempts(s, ctx, choice.backend, url, exporter_pid, rec);
  rec.verdict = scenario_verdict(rec);
  rec.seconds = since(start);
  return rec;
}

}  // namespace retx::lab
