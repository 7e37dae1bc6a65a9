#include "metrics_builder.h"

#include <unordered_map>

#include "labels.h"

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

  prometheus::MetricFamily finish() { return std::move(family_); }

 private:
  prometheus::MetricType type_;
  prometheus::MetricFamily family_;
  std::unordered_map<std::string, std::size_t> index_;
  std::string key_;
};

constexpr auto kCounter = prometheus::MetricType::Counter;
constexpr auto kGauge = prometheus::MetricType::Gauge;

Labels row_labels(const retx_key& k, bool peer_labels, bool overflow) {
  Labels l{{"netns", std::to_string(k.netns)}, {"family", family_name(k.family)}, {"cause", cause_name(k.cause)}};
  if (k.outcome != RETX_OUTCOME_SENT) {
    l.push_back({"stage", stage_name(k.outcome)});
    l.push_back({"errno", errno_name(k.err)});
  }
  if (peer_labels) {
    if (overflow) {
      l.push_back({"remote_addr", "overflow"});
      l.push_back({"remote_port", "overflow"});
      l.push_back({"local_port", "overflow"});
    } else {
      l.push_back({"remote_addr", format_addr(k.family, k.raddr)});
      l.push_back({"remote_port", std::to_string(k.rport)});
      l.push_back({"local_port", std::to_string(k.lport)});
    }
  }
  return l;
}

struct RetxFamilies {
  FamilyAcc segs{"tcp_retransmissions_total",
                 "TCP segments retransmitted and sent (tcp_skb_pcount summed; SYN-ACKs included).", kCounter};
  FamilyAcc skbs{"tcp_retransmit_skbs_total", "Retransmit tracepoint hits (skbs) behind tcp_retransmissions_total.",
                 kCounter};
  FamilyAcc fail_segs{"tcp_retransmit_failures_total",
                      "Segments of failed retransmit attempts; stage xmit is counted by the kernel in RetransSegs.",
                      kCounter};
  FamilyAcc fail_skbs{"tcp_retransmit_failed_skbs_total", "Tracepoint hits behind tcp_retransmit_failures_total.",
                      kCounter};

  void add_rows(const std::vector<CounterRow>& rows, bool peer_labels, bool overflow) {
    for (const auto& r : rows) {
      Labels l = row_labels(r.key, peer_labels, overflow);
      bool sent = r.key.outcome == RETX_OUTCOME_SENT;
      (sent ? segs : fail_segs).add(l, static_cast<double>(r.value.segs));
      (sent ? skbs : fail_skbs).add(l, static_cast<double>(r.value.skbs));
    }
  }
};

}  // namespace

std::vector<prometheus::MetricFamily> build_metric_families(const Snapshot& snap, const BuildInfo& build) {
  std::vector<prometheus::MetricFamily> out;

  RetxFamilies retx;
  // With peer labels on, the aggregate map only holds what was folded over the budget.
  retx.add_rows(snap.agg, snap.peer_labels, snap.peer_labels);
  retx.add_rows(snap.peer, snap.peer_labels, false);
  out.push_back(retx.segs.finish());
  out.push_back(retx.skbs.finish());
  out.push_back(retx.fail_segs.finish());
  out.push_back(retx.fail_skbs.finish());

  FamilyAcc sent("tcp_segments_sent_total", "Tcp OutSegs of the namespace: all segments sent, retransmissions included.",
                 kCounter);
  FamilyAcc data("tcp_data_segments_sent_total", "TcpExt TCPOrigDataSent of the namespace: original data segments.",
                 kCounter);
  FamilyAcc info("tcp_netns_info", "Network namespaces by inode, with their /run/netns name.", kGauge);
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

  FamilyAcc bi("retx_exporter_build_info", "Build of the running exporter.", kGauge);
  bi.add({{"version", build.version}, {"libbpf", build.libbpf}}, 1);
  out.push_back(bi.finish());

  FamilyAcc pi("retx_exporter_probe_info", "Attach flavour chosen at run time for each tracepoint.", kGauge);
  pi.add({{"tracepoint", "tcp_retransmit_skb"}, {"attach", snap.attach}, {"err_field", snap.err_field ? "true" : "false"}},
         1);
  pi.add({{"tracepoint", "tcp_retransmit_synack"}, {"attach", snap.attach}, {"err_field", "false"}}, 1);
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

  FamilyAcc series("retx_exporter_peer_series", "Peer series admitted so far (with --peer-labels).", kGauge);
  series.add({}, static_cast<double>(snap.peer.size()));
  out.push_back(series.finish());
  FamilyAcc budget("retx_exporter_peer_series_budget", "The --series-budget in force (0 without --peer-labels).",
                   kGauge);
  budget.add({}, snap.peer_labels ? snap.series_budget : 0);
  out.push_back(budget.finish());

  auto stat_counter = [&](const char* name, const char* help, int slot) {
    FamilyAcc f(name, help, kCounter);
    f.add({}, static_cast<double>(snap.stats[slot]));
    out.push_back(f.finish());
  };
  stat_counter("retx_exporter_folded_hits_total", "Hits folded into overflow series because the budget was spent.",
               RETX_STAT_FOLDED);
  stat_counter("retx_exporter_lost_hits_total", "Hits that could not be counted at all (aggregate map full).",
               RETX_STAT_LOST);
  stat_counter("retx_exporter_filtered_hits_total", "Hits in namespaces excluded by --netns.", RETX_STAT_FILTERED);

  FamilyAcc errs("retx_exporter_scrape_errors_total", "Map or /proc read failures during scrapes, by source.",
                 kCounter);
  for (const auto& [src, n] : snap.scrape_errors) errs.add({{"source", src}}, static_cast<double>(n));
  out.push_back(errs.finish());
  return out;
}

}  // namespace retx
