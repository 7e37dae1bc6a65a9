#include "scenario_runner.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "check_spec_parse.h"
#include "cleanup.h"
#include "counters.h"
#include "exporter_process.h"
#include "impairment.h"
#include "quiescence.h"
#include "spec_mapping.h"
#include "topology.h"
#include "traffic.h"

namespace retx::lab {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct RoleNs {
  std::string role;
  Namespace ns;
};

std::vector<RoleNs> roles_of(const Topology& topo) {
  std::vector<RoleNs> out;
  for (size_t i = 0; i < topo.clients().size(); ++i) out.push_back({"client" + std::to_string(i + 1), topo.clients()[i]});
  out.push_back({"router", topo.router()});
  out.push_back({"server", topo.server()});
  return out;
}

bool truthy(const std::string& v) { return v == "true" || v == "1" || v == "yes"; }

ExporterSelf exporter_self(const PromScrape& before, const PromScrape& after) {
  ExporterSelf e;
  for (const auto* s : after.find("retx_exporter_probe_info")) {
    auto it = s->labels.find("err_field");
    if (it != s->labels.end() && truthy(it->second) && s->value == 1) e.err_field = true;
  }
  e.lost_hits = metric_delta(before, after, "retx_exporter_lost_hits_total");
  e.probe_misses = metric_delta(before, after, "retx_exporter_probe_misses_total");
  e.scrape_errors = metric_delta(before, after, "retx_exporter_scrape_errors_total");
  e.folded_hits = metric_delta(before, after, "retx_exporter_folded_hits_total");
  e.peer_series = after.sum("retx_exporter_peer_series");
  e.peer_series_budget = after.sum("retx_exporter_peer_series_budget");
  return e;
}

// Traffic of every group on every client it names, all at once.
struct TrafficRun {
  std::vector<std::pair<int, TrafficResult>> results;  // (client index 1-based, result)
  std::vector<std::string> failures;                   // run_traffic threw
};

TrafficRun drive_traffic(const Topology& topo, const Scenario& s) {
  TrafficRun out;
  std::mutex mu;
  std::vector<std::thread> threads;
  for (const auto& g : s.traffic)
    for (int c : s.clients_of(g)) {
      threads.emplace_back([&, c, spec = to_traffic_spec(g, c - 1)] {
        try {
          auto r = run_traffic(topo, spec);
          std::lock_guard lk(mu);
          out.results.emplace_back(c, std::move(r));
        } catch (const std::exception& e) {
          std::lock_guard lk(mu);
          out.failures.push_back("client" + std::to_string(c) + ": " + e.what());
        }
      });
    }
  for (auto& t : threads) t.join();
  return out;
}

void fold_traffic(const TrafficRun& run, ScenarioMeasurements& m) {
  auto& t = m.traffic;
  bool first_connect = true;
  for (const auto& [client, r] : run.results) {
    t.bytes += static_cast<double>(r.bytes);
    t.seconds = std::max(t.seconds, r.seconds);
    t.errors += static_cast<std::int64_t>(r.errors);
    t.sockets += static_cast<int>(r.sockets.size());
    for (double c : r.connect_seconds) {
      t.connect_seconds_min = first_connect ? c : std::min(t.connect_seconds_min, c);
      t.connect_seconds_max = first_connect ? c : std::max(t.connect_seconds_max, c);
      first_connect = false;
    }
    for (const auto& msg : r.error_messages)
      if (t.error_messages.size() < 10) t.error_messages.push_back("client" + std::to_string(client) + ": " + msg);
    for (const auto& si : r.sockets) {
      std::string role = si.role == SocketRole::Client ? "client" + std::to_string(client) : "server";
      for (auto& n : m.namespaces)
        if (n.role == role) {
          n.sockets.sockets += 1;
          n.sockets.total_retrans += si.tcpi_total_retrans;
          n.sockets.segs_out += si.tcpi_segs_out;
          n.sockets.data_segs_out += si.tcpi_data_segs_out;
          n.sockets.bytes_retrans += si.tcpi_bytes_retrans;
        }
    }
  }
  for (const auto& f : run.failures) {
    t.errors += 1;
    if (t.error_messages.size() < 10) t.error_messages.push_back(f);
  }
}

// When the exporter disagrees with the kernel, one more scrape a second later
// tells a lagging exporter (it catches up) from a losing one (it never does).
void diagnose_exact_failures(AttemptRecord& a, const ScenarioMeasurements& m, const std::string& url) {
  bool failed = false;
  for (const auto& c : a.checks) failed = failed || (c.kind == "exporter_exact" && c.verdict == Verdict::Fail);
  if (!failed) return;
  std::this_thread::sleep_for(std::chrono::seconds(1));
  PromScrape late;
  try {
    late = scrape_metrics(url);
  } catch (const std::exception&) {
    return;
  }
  std::string note;
  for (const auto& n : m.namespaces) {
    auto l = exporter_ns_delta(n.exporter_before, filter_netns(late, n.inode));
    a.measurements["late_rescrape"][n.role] = {{"retransmissions", l.retransmissions}, {"xmit_failures", l.xmit_failures}};
    const double k = static_cast<double>(delta_or_zero(n.kernel, "Tcp.RetransSegs"));
    if (k != n.exporter.retransmissions + n.exporter.xmit_failures)
      note += "; " + n.role + " 1 s later: exporter " + std::to_string(static_cast<long long>(l.retransmissions + l.xmit_failures)) +
              (k == l.retransmissions + l.xmit_failures ? " (caught up: it lags)" : " (still short: counts are lost)");
  }
  for (auto& c : a.checks)
    if (c.kind == "exporter_exact" && c.verdict == Verdict::Fail) c.reason += note;
}

AttemptRecord run_attempt(const Scenario& s, int index, const std::string& backend, const std::string& url,
                          ScenarioMeasurements& m) {
  AttemptRecord a;
  a.index = index;
  ImpairmentConfig imc = s.impairment;
  imc.seed = s.impairment.seed + static_cast<std::uint64_t>(index - 1);
  a.seed = imc.seed;
  auto t0 = Clock::now();
  Topology topo(to_topology_spec(s, make_run_prefix("rxl")));
  a.timings["topology_s"] = since(t0);
  const auto nss = roles_of(topo);
  std::vector<Namespace> plain;
  for (const auto& r : nss) plain.push_back(r.ns);

  // Quiet point before: nothing runs in the fresh namespaces yet.
  std::vector<retx::ProcCounters> before;
  for (const auto& r : nss) before.push_back(read_counters(r.ns));
  PromScrape scrape_before = scrape_metrics(url);

  auto t1 = Clock::now();
  std::unique_ptr<Impairment> imp;
  // choose_backend() already said whether there is anything to install ("none"
  // also covers kind none with netem extras such as delay or corrupt: those get "netem").
  if (backend != "none")
    imp = std::make_unique<Impairment>(topo, to_impairment_spec(imc), to_transfer(s.primary_traffic()), backend);
  a.timings["impairment_s"] = since(t1);

  auto t2 = Clock::now();
  TrafficRun traffic = drive_traffic(topo, s);
  a.timings["traffic_s"] = since(t2);

  auto t3 = Clock::now();
  // Bounded: an RTO backoff after a blackhole may keep a socket busy for long.
  auto q = wait_for_quiet(plain, s.quiesce_ms, 10.0);
  a.timings["quiesce_s"] = since(t3);
  m.quiesced = q.quiet;
  m.quiesce_seconds = q.waited_s;

  if (imp) {
    auto st = imp->stats();
    m.impairment = {true, st.backend.empty() ? backend : st.backend, st.candidates, st.packets_dropped,
                    st.segments_dropped, st.segments_exact, st.candidates_are_decisions, st.drops_need_retransmit};
  }
  std::vector<retx::ProcCounters> after;
  for (const auto& r : nss) after.push_back(read_counters(r.ns));
  PromScrape scrape_after = scrape_metrics(url);

  for (size_t i = 0; i < nss.size(); ++i) {
    NamespaceMeasure n;
    n.role = nss[i].role;
    n.name = nss[i].ns.name;
    n.inode = nss[i].ns.inode;
    n.kernel = counter_deltas(before[i], after[i]);
    n.exporter_before = filter_netns(scrape_before, n.inode);
    n.exporter_after = filter_netns(scrape_after, n.inode);
    n.exporter = exporter_ns_delta(n.exporter_before, n.exporter_after);
    m.namespaces.push_back(std::move(n));
  }
  m.exporter = exporter_self(scrape_before, scrape_after);
  fold_traffic(traffic, m);

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

}  // namespace

ScenarioRecord run_scenario(const Scenario& s, const RunContext& ctx) {
  const auto start = Clock::now();
  ScenarioRecord rec;
  rec.name = s.name;
  rec.description = s.description;
  rec.file = s.source_file;
  rec.offload = s.topology.offload;
  rec.family = s.primary_traffic().family;
  rec.spec = scenario_to_json(s);

  auto skip = [&](const std::string& reason) {
    rec.reason = reason;
    rec.checks = skip_checks(s, reason);
    rec.verdict = Verdict::Skipped;
    rec.seconds = since(start);
    return rec;
  };

  auto choice = choose_backend(to_impairment_spec(s.impairment), ctx.backends);
  if (!choice.supported())
    return skip("no impairment backend here provides it: " + choice.reason);
  rec.backend = choice.backend == "none" ? "" : choice.backend;
  if (!choice.reason.empty()) rec.reason = choice.reason;

  // Scenarios that need particular exporter flags get an exporter of their own.
  std::unique_ptr<ExporterProcess> own;
  std::string url = ctx.exporter_url;
  if (!s.exporter_args.empty()) {
    if (ctx.exporter_bin.empty()) {
      std::string args;
      for (const auto& x : s.exporter_args) args += " " + x;
      return skip("needs an exporter started with" + args + "; --exporter-url points at one the lab cannot configure");
    }
    try {
      own = std::make_unique<ExporterProcess>(ctx.exporter_bin, s.exporter_args);
    } catch (const std::exception& e) {
      rec.reason = std::string("dedicated exporter failed to start: ") + e.what();
      rec.verdict = Verdict::Fail;
      rec.checks = skip_checks(s, rec.reason);
      rec.seconds = since(start);
      return rec;
    }
    url = own->url();
  }

  int count = ctx.repeat_override > 0 ? ctx.repeat_override : s.repeat.count;
  int quorum = ctx.repeat_override > 0 ? (s.repeat.count == count ? s.repeat.quorum : count / 2 + 1) : s.repeat.quorum;
  std::vector<std::vector<CheckResult>> per_check(s.checks.size());
  for (int i = 1; i <= count; ++i) {
    ScenarioMeasurements m;
    AttemptRecord a;
    try {
      a = run_attempt(s, i, choice.backend, url, m);
    } catch (const std::exception& e) {
      a.index = i;
      a.error = e.what();
      a.checks = skip_checks(s, std::string("attempt failed before its checks: ") + e.what());
      for (auto& c : a.checks) c.verdict = Verdict::Fail;
    }
    for (size_t k = 0; k < s.checks.size() && k < a.checks.size(); ++k) per_check[k].push_back(a.checks[k]);
    rec.attempts.push_back(std::move(a));
  }
  for (size_t k = 0; k < s.checks.size(); ++k)
    rec.checks.push_back(combine_attempts(per_check[k], is_statistical(s.checks[k].kind), quorum));
  for (const auto& a : rec.attempts)
    if (!a.error.empty()) { rec.reason = "attempt " + std::to_string(a.index) + " failed: " + a.error; break; }
  rec.verdict = scenario_verdict(rec);
  rec.seconds = since(start);
  return rec;
}

}  // namespace retx::lab
