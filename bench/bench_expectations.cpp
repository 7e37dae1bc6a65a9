// Evaluating a scenario's expectations (lab/core): what retx-lab does after
// every attempt. Two parts, both pure:
//  - BM_ExporterNsDelta: parsing two exporter scrapes of N series and reducing
//    them to one namespace's deltas (the input every exporter check reads);
//  - BM_EvaluateSmokeSuite: every check of scenarios/smoke.json on one
//    attempt's measurements, filled to look like a real 1 %-loss run.
#include <benchmark/benchmark.h>

#include <string>

#include "check_registry.h"
#include "measurements.h"
#include "prom_text.h"
#include "scenario_parse.h"

namespace {

using namespace retx::lab;

constexpr std::uint64_t kClientInode = 4026532101, kServerInode = 4026532102;

// An exporter body with `series` retransmission series for the client netns
// (peer labels on, 2 samples per peer key), plus the fixed self metrics.
std::string exporter_text(int series, double scale) {
  std::string t = "# HELP tcp_retransmissions_total x\n# TYPE tcp_retransmissions_total counter\n";
  for (int i = 0; i < series / 2; ++i) {
    std::string labels = "netns=\"" + std::to_string(kClientInode) + "\",family=\"ipv4\",cause=\"" +
                         (i % 3 ? "fast" : "rto") + "\",remote_addr=\"10.0." + std::to_string(i / 250) + "." +
                         std::to_string(i % 250) + "\",remote_port=\"5201\",local_port=\"" + std::to_string(32768 + i) +
                         "\"";
    t += "tcp_retransmissions_total{" + labels + "} " + std::to_string(static_cast<long>(3 * scale * (i + 1))) + "\n";
    t += "tcp_retransmit_skbs_total{" + labels + "} " + std::to_string(static_cast<long>(scale * (i + 1))) + "\n";
  }
  t += "tcp_segments_sent_total{netns=\"" + std::to_string(kClientInode) + "\"} " + std::to_string(1e6 * scale) + "\n";
  t += "tcp_data_segments_sent_total{netns=\"" + std::to_string(kClientInode) + "\"} " + std::to_string(9e5 * scale) + "\n";
  t += "retx_exporter_probe_info{tracepoint=\"tcp_retransmit_skb\",attach=\"tp_btf\",err_field=\"true\"} 1\n";
  t += "retx_exporter_lost_hits_total 0\nretx_exporter_scrape_errors_total{source=\"bpf_map\"} 0\n";
  return t;
}

void BM_ExporterNsDelta(benchmark::State& state) {
  const int series = static_cast<int>(state.range(0));
  const std::string before = exporter_text(series, 1), after = exporter_text(series, 2);
  for (auto _ : state) {
    auto b = filter_netns(parse_prom_text(before), kClientInode);
    auto a = filter_netns(parse_prom_text(after), kClientInode);
    auto d = exporter_ns_delta(b, a);
    benchmark::DoNotOptimize(d.retransmissions);
  }
  state.counters["series"] = series;
}
BENCHMARK(BM_ExporterNsDelta)->Arg(10)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

// One attempt of a 1 %-loss bulk transfer (numbers consistent with each other,
// so the checks take their normal, passing paths).
ScenarioMeasurements one_attempt() {
  ScenarioMeasurements m;
  m.exporter.err_field = true;
  NamespaceMeasure c;
  c.role = "client1";
  c.name = "rxlb-bench-c1";
  c.inode = kClientInode;
  c.kernel = {{"Tcp.RetransSegs", 92},       {"TcpExt.TCPRetransFail", 2}, {"TcpExt.TCPSynRetrans", 0},
              {"Tcp.OutSegs", 8400},         {"TcpExt.TCPOrigDataSent", 8300}, {"TcpExt.TCPFastRetrans", 85},
              {"TcpExt.TCPTimeouts", 1},     {"TcpExt.TCPLossProbes", 3}};
  c.exporter_before = filter_netns(parse_prom_text(exporter_text(10, 0)), kClientInode);
  c.exporter_after = parse_prom_text("tcp_retransmissions_total{netns=\"4026532101\",family=\"ipv4\",cause=\"fast\"} 90\n"
                                     "tcp_retransmit_failures_total{netns=\"4026532101\",family=\"ipv4\",cause=\"fast\","
                                     "stage=\"xmit\",errno=\"ENOBUFS\"} 2\n"
                                     "tcp_segments_sent_total{netns=\"4026532101\"} 8400\n"
                                     "tcp_data_segments_sent_total{netns=\"4026532101\"} 8300\n");
  c.exporter = exporter_ns_delta(c.exporter_before, c.exporter_after);
  c.sockets = {2, 90, 8400, 8300, 130000};
  NamespaceMeasure s;
  s.role = "server";
  s.name = "rxlb-bench-s";
  s.inode = kServerInode;
  s.kernel = {{"Tcp.RetransSegs", 0}, {"TcpExt.TCPDSACKOldSent", 2}};
  m.namespaces = {c, s};
  m.traffic = {12000000, 1.2, 0.001, 0.002, 0, 2, {}};
  m.impairment = {true, "nft", 8450, 88, 88};
  return m;
}

void BM_EvaluateSmokeSuite(benchmark::State& state) {
  Suite suite;
  try {
    suite = load_suite_file(RETX_SCENARIO_DIR "/smoke.json");
  } catch (const std::exception& e) {
    state.SkipWithError((std::string("scenarios/smoke.json: ") + e.what()).c_str());
    return;
  }
  const ScenarioMeasurements m = one_attempt();
  std::size_t checks = 0;
  for (auto _ : state) {
    checks = 0;
    for (const auto& sc : suite.scenarios) {
      auto results = evaluate_checks(sc, m);
      checks += results.size();
      benchmark::DoNotOptimize(results.data());
    }
  }
  state.counters["scenarios"] = static_cast<double>(suite.scenarios.size());
  state.counters["checks"] = static_cast<double>(checks);
}
BENCHMARK(BM_EvaluateSmokeSuite)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
