#include "metrics_builder.h"

#include <unordered_map>

#include "labels.h"
#include "workload.h"

namespace retx {
namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;

// Accumulates values per label set so that rows which differ only in fields
// that are not labels add up instead of producing duplicate series, which
// Prometheus would reject. Metrics are built in place and found again through
// a hash of their label values: a scrape of 10k series is dominated by this
// loop and by the serializer (bench/bench_metrics.cpp).
class FamilyAcc {
 public:
  FamilyAcc(std::string name, std::string help, prometheus::MetricType type) : type_(type) {
    family_.name = std::move(name);
    family_.help = std::move(help);
    family_.type = type;
  }

  void add(const Labels& labels, double v) {
    key_.clear();
    for (const auto& [k, val] : labels) {
      key_ += val;
      key_ += '\xff';  // never part of a label value we produce
    }
    auto [it, inserted] = index_.try_emplace(key_, family_.metric.size());
    if (inserted) {
      prometheus::ClientMetric m;
      m.label.reserve(labels.size());
      for (const auto& [k, val] : labels) m.label.push_back({k, val});
      family_.metric.push_back(std::move(m));
    }
    auto& m = family_.metric[it->second];
    (type_ == prometheus::MetricType::Counter ? m.counter.value : m.gauge.value) += v;
  }

  // Info series: the same label set seen again keeps its value.
  void set(const Labels& labels, double v) {
    std::size_t before = family_.metric.size();
    add(labels, 0);
    if (family_.metric.size() > before) family_.metric.back().gauge.value = v;
  }

  prometheus::MetricFamily finish() { return std::move(family_); }

 private:
  prometheus::MetricType type_;
  prometheus::MetricFamily family_;
  std::unordered_map<std::string, std::size_t> index_;
  std::string key_;
};

constexpr auto kCounter = prometheus::MetricType::Counter;
constexpr auto kGauge = prometheus::MetricType::Gauge;
const std::string kOverflow = "overflow";

// Labels of one counter row. overflow: the row holds what was folded (over
// the budget, or out of a removed cgroup), so its detail labels say so.
Labels row_labels(const retx_key& k, const Snapshot& snap, bool overflow) {
  Labels l{{"netns", std::to_string(k.netns)}, {"family", family_name(k.family)}, {"cause", cause_name(k.cause)}};
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

struct RetxFamilies {
  FamilyAcc segs{"tcp_retransmissions_total",
                 "TCP segments retransmitted and sent, as the kernel adds them to Tcp RetransSegs (the sockets' "
                 "total_retrans growth; SYN-ACKs included).",
                 kCounter};
  FamilyAcc skbs{"tcp_retransmit_skbs_total", "Retransmit tracepoint hits (skbs) behind tcp_retransmissions_total.",
                 kCounter};
  FamilyAcc fail_segs{"tcp_retransmit_failures_total",
                      "Segments of failed retransmit attempts; stage xmit is counted by the kernel in RetransSegs.",
                      kCounter};
  FamilyAcc fail_skbs{"tcp_retransmit_failed_skbs_total", "Tracepoint hits behind tcp_retransmit_failures_total.",
                      kCounter};

  void add_rows(const std::vector<CounterRow>& rows, const Snapshot& snap, bool overflow) {
    for (const auto& r : rows) {
      Labels l = row_labels(r.key, snap, overflow);
      bool sent = r.key.outcome == RETX_OUTCOME_SENT;
      (sent ? segs : fail_segs).add(l, static_cast<double>(r.value.segs));
      (sent ? skbs : fail_skbs).add(l, static_cast<double>(r.value.skbs));
    }
  }
};

using Families = std::vector<prometheus::MetricFamily>;

void add_counters(Families& out, const Snapshot& snap) {
  RetxFamilies retx;
  // With peer or cgroup labels on, the aggregate rows only hold what was folded.
  retx.add_rows(snap.agg, snap, snap.labels.any());
  retx.add_rows(snap.detail, snap, false);
  out.push_back(retx.segs.finish());
  out.push_back(retx.skbs.finish());
  out.push_back(retx.fail_segs.finish());
  out.push_back(retx.fail_skbs.finish());
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
  for (const auto& n : snap.netns) {
    Labels l{{"netns", std::to_string(n.inode)}};
    if (n.readable) {
      sent.add(l, static_cast<double>(n.out_segs));
      data.add(l, static_cast<double>(n.orig_data_sent));
    }
    info.add({{"netns", std::to_string(n.inode)}, {"name", n.name}}, 1);
  }
  out.push_back(sent.finish());
  out.push_back(data.finish());
  out.push_back(info.finish());
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

}  // namespace

std::vector<prometheus::MetricFamily> build_metric_families(const Snapshot& snap, const BuildInfo& build) {
  Families out;
  add_counters(out, snap);
  add_namespaces(out, snap);
  add_workloads(out, snap);
  add_probe(out, snap, build);
  add_budget_and_hits(out, snap);
  return out;
}

}  // namespace retx
