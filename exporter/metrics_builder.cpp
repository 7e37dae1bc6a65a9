#include "metrics_builder.h"

#include <algorithm>
#include <functional>

#include "labels.h"
#include "series_index.h"
#include "workload.h"

namespace retx {
namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;
using FamilyWriter = std::function<void(const prometheus::MetricFamily&)>;

LabelSet label_set(const Labels& labels) {
  LabelSet out;
  out.reserve(labels.size());
  for (const auto& [k, v] : labels) out.push_back({k, v});
  return out;
}

// Accumulates values per label set so that rows which differ only in fields
// that are not labels add up instead of producing duplicate series, which
// Prometheus would reject. Metrics are built in place and found again through
// a SeriesIndex: a scrape of 10k series is dominated by this loop and by the
// text writer (bench/bench_metrics.cpp).
class FamilyAcc {
 public:
  FamilyAcc(std::string name, std::string help, prometheus::MetricType type, std::size_t expected = 0) : type_(type) {
    family_.name = std::move(name);
    family_.help = std::move(help);
    family_.type = type;
    family_.metric.reserve(expected);
    index_.reserve(expected);
  }

  void add(const Labels& labels, double v) { add_set(label_set(labels), v); }

  // Returns the series' position: a CounterPair keeps its two families aligned by it.
  std::size_t add_set(LabelSet&& labels, double v) {
    std::size_t pos = index_.find_or_add(labels, family_.metric);
    if (pos == SeriesIndex::kNew) {
      pos = family_.metric.size();
      family_.metric.emplace_back().label = std::move(labels);
    }
    auto& m = family_.metric[pos];
    (type_ == prometheus::MetricType::Counter ? m.counter.value : m.gauge.value) += v;
    return pos;
  }

  // Info series: the same label set seen again keeps its value.
  void set(const Labels& labels, double v) {
    std::size_t before = family_.metric.size();
    add(labels, 0);
    if (family_.metric.size() > before) family_.metric.back().gauge.value = v;
  }

  prometheus::MetricFamily& family() { return family_; }
  prometheus::MetricFamily finish() { return std::move(family_); }

 private:
  prometheus::MetricType type_;
  prometheus::MetricFamily family_;
  SeriesIndex index_;
};

constexpr auto kCounter = prometheus::MetricType::Counter;
constexpr auto kGauge = prometheus::MetricType::Gauge;
const std::string kOverflow = "overflow";

// Two counter families with the same series (segments and skbs of the same
// rows): one label set and one lookup per row serve both. The second
// family's series get the first's labels only when the pair is finished.
class CounterPair {
 public:
  CounterPair(std::string name, std::string help, std::string second_name, std::string second_help,
              std::size_t expected)
      : first_(std::move(name), std::move(help), prometheus::MetricType::Counter, expected) {
    second_.name = std::move(second_name);
    second_.help = std::move(second_help);
    second_.type = prometheus::MetricType::Counter;
    second_.metric.reserve(expected);
  }

  void add(LabelSet&& labels, double first_v, double second_v) {
    std::size_t before = first_.family().metric.size();
    std::size_t pos = first_.add_set(std::move(labels), first_v);
    if (pos == before) second_.metric.emplace_back();
    second_.metric[pos].counter.value += second_v;
  }

  // Both families kept: the second's series get copies of the labels.
  void finish(std::vector<prometheus::MetricFamily>& out) {
    const auto& first = first_.family().metric;
    for (std::size_t i = 0; i < first.size(); ++i) second_.metric[i].label = first[i].label;
    out.push_back(first_.finish());
    out.push_back(std::move(second_));
  }

  // Each family written in turn: the second takes the labels once the first
  // is written, so a scrape never holds two copies (2 MiB at 10k series).
  void stream(const FamilyWriter& write) {
    auto& first = first_.family();
    write(first);
    for (std::size_t i = 0; i < first.metric.size(); ++i) second_.metric[i].label = std::move(first.metric[i].label);
    first_.finish();  // dropped: its text is written
    write(second_);
  }

 private:
  FamilyAcc first_;
  prometheus::MetricFamily second_;
};

// Labels of one counter row. overflow: the row holds what was folded (over
// the budget, or out of a removed cgroup), so its detail labels say so.
LabelSet row_labels(const retx_key& k, const Snapshot& snap, bool overflow) {
  LabelSet l;
  // Exactly as many as it gets: a scrape holds 10k of these (twice).
  l.reserve(3 + (k.outcome != RETX_OUTCOME_SENT ? 2 : 0) + (snap.labels.cgroup ? 1 : 0) + (snap.labels.peer ? 3 : 0));
  l.push_back({"netns", std::to_string(k.netns)});
  l.push_back({"family", family_name(k.family)});
  l.push_back({"cause", cause_name(k.cause)});
  if (k.outcome != RETX_OUTCOME_SENT) {
    l.push_back({"stage", stage_name(k.outcome)});
    l.push_back({"errno", errno_name(k.err)});
  }
  if (snap.labels.cgroup) {
    auto it = overflow ? snap.cgroup_paths.end() : snap.cgroup_paths.find(k.cgroup);
    l.push_back({"cgroup", it == snap.cgroup_paths.end() ? kOverflow : it->second});
  }
  if (snap.labels.peer) {
    l.push_back({"remote_addr", overflow ? kOverflow : format_addr(k.family, k.raddr)});
    l.push_back({"remote_port", overflow ? kOverflow : std::to_string(k.rport)});
    l.push_back({"local_port", overflow ? kOverflow : std::to_string(k.lport)});
  }
  return l;
}

std::size_t count_sent(const std::vector<CounterRow>& rows) {
  return static_cast<std::size_t>(std::count_if(
      rows.begin(), rows.end(), [](const CounterRow& r) { return r.key.outcome == RETX_OUTCOME_SENT; }));
}

using Families = std::vector<prometheus::MetricFamily>;

// The retransmission counters, most of a scrape's series: `finish` gets
// the pair of sent segments and skbs, then the pair of failures.
void add_counters(const Snapshot& snap, const std::function<void(CounterPair&)>& finish) {
  // Sized for one series per row: the families and their index never grow.
  std::size_t rows = snap.agg.size() + snap.detail.size();
  std::size_t sent = count_sent(snap.agg) + count_sent(snap.detail);
  CounterPair ok("tcp_retransmissions_total",
                 "TCP segments retransmitted and sent, as the kernel adds them to Tcp RetransSegs (the sockets' "
                 "total_retrans growth; SYN-ACKs included).",
                 "tcp_retransmit_skbs_total", "Retransmit tracepoint hits (skbs) behind tcp_retransmissions_total.",
                 sent);
  CounterPair failed("tcp_retransmit_failures_total",
                     "Segments of failed retransmit attempts; stage xmit is counted by the kernel in RetransSegs.",
                     "tcp_retransmit_failed_skbs_total", "Tracepoint hits behind tcp_retransmit_failures_total.",
                     rows - sent);
  auto add_rows = [&](const std::vector<CounterRow>& rs, bool overflow) {
    for (const auto& r : rs) {
      auto& pair = r.key.outcome == RETX_OUTCOME_SENT ? ok : failed;
      pair.add(row_labels(r.key, snap, overflow), static_cast<double>(r.value.segs), static_cast<double>(r.value.skbs));
    }
  };
  // With peer or cgroup labels on, the aggregate rows only hold what was folded.
  add_rows(snap.agg, snap.labels.any());
  add_rows(snap.detail, false);
  finish(ok);
  finish(failed);
}

void add_namespaces(Families& out, const Snapshot& snap) {
  FamilyAcc sent("tcp_segments_sent_total", "Tcp OutSegs of the namespace: all segments sent, retransmissions included.",
                 kCounter);
  FamilyAcc data("tcp_data_segments_sent_total", "TcpExt TCPOrigDataSent of the namespace: original data segments.",
                 kCounter);
  FamilyAcc info("tcp_netns_info",
                 "Living network namespaces by inode, with their /run/netns name, else the short id of the container "
                 "or the comm of the first process in them.",
                 kGauge);
  FamilyAcc uncounted("retx_exporter_uncounted_segments",
                      "Segments the namespace's Tcp RetransSegs gained since the exporter first read it that the probe "
                      "has not counted: a lower bound, whatever the load; must stay 0 (METRICS.md).",
                      kGauge);
  for (const auto& n : snap.netns) {
    Labels l{{"netns", std::to_string(n.inode)}};
    if (n.readable) {
      sent.add(l, static_cast<double>(n.out_segs));
      data.add(l, static_cast<double>(n.orig_data_sent));
    }
    if (n.uncounted) uncounted.add(l, static_cast<double>(*n.uncounted));
    info.add({{"netns", std::to_string(n.inode)}, {"name", n.name}}, 1);
  }
  out.push_back(sent.finish());
  out.push_back(data.finish());
  out.push_back(info.finish());
  out.push_back(uncounted.finish());
  add_connection_families(snap, out);

  FamilyAcc alive("retx_exporter_namespaces",
                  "Living network namespaces watched; identity says how a new one is told from a dead one that had "
                  "its inode (cookie, or inode where the kernel has no cookie).",
                  kGauge);
  alive.add({{"identity", snap.netns_identity}}, static_cast<double>(snap.netns.size()));
  out.push_back(alive.finish());
  FamilyAcc removed("retx_exporter_namespaces_removed_total",
                    "Namespaces found dead whose series and map entries were removed.", kCounter);
  removed.add({}, static_cast<double>(snap.namespaces_removed));
  out.push_back(removed.finish());
}

// One tcp_workload_info series per (cgroup, netns) that has counters.
void add_workloads(Families& out, const Snapshot& snap) {
  if (!snap.labels.cgroup) return;
  FamilyAcc info("tcp_workload_info",
                 "What the cgroup of retransmitting sockets says: systemd unit, Kubernetes pod, container and runtime "
                 "(empty where the path does not say). Join on (cgroup, netns).",
                 kGauge);
  for (const auto& r : snap.detail) {
    auto it = snap.cgroup_paths.find(r.key.cgroup);
    if (it == snap.cgroup_paths.end()) continue;
    Workload w = parse_workload(it->second);
    info.set({{"cgroup", it->second},
              {"netns", std::to_string(r.key.netns)},
              {"unit", w.unit},
              {"pod_uid", w.pod_uid},
              {"container_id", w.container_id},
              {"runtime", w.runtime}},
             1);
  }
  out.push_back(info.finish());
}

void add_probe(Families& out, const Snapshot& snap, const BuildInfo& build) {
  FamilyAcc bi("retx_exporter_build_info", "Build of the running exporter.", kGauge);
  bi.add({{"version", build.version}, {"libbpf", build.libbpf}}, 1);
  out.push_back(bi.finish());

  FamilyAcc pi("retx_exporter_probe_info", "Attach flavour chosen at run time for each attached tracepoint.", kGauge);
  for (const auto& tp : snap.tracepoints) {
    bool err = tp == "tcp_retransmit_skb" && snap.err_field;
    pi.add({{"tracepoint", tp}, {"attach", snap.attach}, {"err_field", err ? "true" : "false"}}, 1);
  }
  out.push_back(pi.finish());

  FamilyAcc skip("retx_exporter_kernel_skips_pid1_context",
                 "1 where this kernel runs no tracing program while PID 1 is the current task (a patched "
                 "kernel: bpf/README.md); such retransmits are counted late, at the socket's next program "
                 "run, and missed if it has none.",
                 kGauge);
  skip.add({}, snap.pid1_context_skipped ? 1 : 0);
  out.push_back(skip.finish());

  FamilyAcc hits("retx_exporter_tracepoint_hits_total", "Every tracepoint hit the probe saw, before filtering.",
                 kCounter);
  hits.add({{"tracepoint", "tcp_retransmit_skb"}}, static_cast<double>(snap.stats[RETX_STAT_SKB_HITS]));
  hits.add({{"tracepoint", "tcp_retransmit_synack"}}, static_cast<double>(snap.stats[RETX_STAT_SYNACK_HITS]));
  out.push_back(hits.finish());

  FamilyAcc runs("retx_exporter_probe_runs_total", "BPF program runs (kernel.bpf_stats_enabled must be 1).", kCounter);
  FamilyAcc secs("retx_exporter_probe_run_seconds_total", "BPF program run time (kernel.bpf_stats_enabled must be 1).",
                 kCounter);
  FamilyAcc misses("retx_exporter_probe_misses_total",
                   "Tracepoint hits the kernel did not run the program for (recursion on one CPU): must be 0 for "
                   "exact counts.",
                   kCounter);
  for (const auto& p : snap.programs) {
    misses.add({{"program", p.program}}, static_cast<double>(p.recursion_misses));
    runs.add({{"program", p.program}}, static_cast<double>(p.run_cnt));
    secs.add({{"program", p.program}}, static_cast<double>(p.run_time_ns) / 1e9);
  }
  out.push_back(misses.finish());
  out.push_back(runs.finish());
  out.push_back(secs.finish());
}

void add_one(Families& out, const char* name, const char* help, prometheus::MetricType type, double v) {
  FamilyAcc f(name, help, type);
  f.add({}, v);
  out.push_back(f.finish());
}

void add_budget_and_hits(Families& out, const Snapshot& snap) {
  add_one(out, "retx_exporter_peer_series",
          "Rows admitted to the budgeted map (peer or cgroup labels) for living namespaces.", kGauge,
          static_cast<double>(snap.detail.size()));
  add_one(out, "retx_exporter_peer_series_budget", "The --series-budget in force (0 without peer or cgroup labels).",
          kGauge, snap.labels.any() ? snap.labels.budget : 0);
  auto stat = [&](const char* name, const char* help, int slot) {
    add_one(out, name, help, kCounter, static_cast<double>(snap.stats[slot]));
  };
  stat("retx_exporter_folded_hits_total", "Hits folded into overflow series because the budget was spent.",
       RETX_STAT_FOLDED);
  stat("retx_exporter_lost_hits_total",
       "Hits that could not be counted at all (neither the aggregate map nor its spill map took them).",
       RETX_STAT_LOST);
  stat("retx_exporter_spilled_hits_total",
       "Hits and closed connections counted in a spill map because a map refused the insert with room to spare "
       "(its bucket lock held on the same CPU); counted all the same.",
       RETX_STAT_SPILLED);
  stat("retx_exporter_filtered_hits_total", "Hits in namespaces excluded by --netns.", RETX_STAT_FILTERED);
  stat("retx_exporter_first_hit_fallbacks_total",
       "Hits counted by their own pcount because the socket had no baseline (it predates the exporter, or its "
       "baseline was evicted).",
       RETX_STAT_FIRST_HIT);
  stat("retx_exporter_socket_baselines_created_total",
       "Per-socket baselines the probe created: connections established while it ran (from 6.17; before, every "
       "active open from SYN_SENT) and sockets that retransmitted without one.",
       RETX_STAT_SK_TRACKED);
  add_one(out, "retx_exporter_socket_baseline_evictions_total",
          "Per-socket baselines evicted from the LRU map (raw_tp and tracepoint flavours; 0 with tp_btf).", kCounter,
          static_cast<double>(snap.sk_baseline_evictions));

  FamilyAcc errs("retx_exporter_scrape_errors_total", "Map or /proc read failures during scrapes, by source.",
                 kCounter);
  for (const auto& [src, n] : snap.scrape_errors) errs.add({{"source", src}}, static_cast<double>(n));
  out.push_back(errs.finish());
}

// Every family after the retransmission counters, in the order served.
void add_others(Families& out, const Snapshot& snap, const BuildInfo& build) {
  add_namespaces(out, snap);
  add_workloads(out, snap);
  add_probe(out, snap, build);
  add_budget_and_hits(out, snap);
}

}  // namespace

std::vector<prometheus::MetricFamily> build_metric_families(const Snapshot& snap, const BuildInfo& build) {
  Families out;
  out.reserve(48);  // the ~35 families served, with room to add some
  add_counters(snap, [&](CounterPair& pair) { pair.finish(out); });
  add_others(out, snap, build);
  return out;
}

std::string write_metric_text(const Snapshot& snap, const BuildInfo& build, ExpositionWriter& writer) {
  // Two lines per counter row, a dozen families per namespace, a histogram
  // per namespace that closed connections, a workload series per cgroup row.
  std::size_t expected = 2 * (snap.agg.size() + snap.detail.size()) + 13 * snap.netns.size() +
                         (RETX_RATIO_BOUNDS + 4) * snap.ratio_hist.size() +
                         (snap.labels.cgroup ? snap.detail.size() : 0) + 64;
  ExpositionText text = writer.start(expected);
  add_counters(snap, [&](CounterPair& pair) { pair.stream([&](const prometheus::MetricFamily& f) { text.add(f); }); });
  Families rest;
  rest.reserve(48);
  add_others(rest, snap, build);
  for (const auto& f : rest) text.add(f);
  return writer.finish(std::move(text));
}

}  // namespace retx
