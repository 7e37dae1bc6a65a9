#include "snapshot_json.h"

#include "labels.h"

namespace retx {
namespace {

nlohmann::json row_json(const CounterRow& r, const Snapshot& s, bool overflow) {
  nlohmann::json j{{"netns", r.key.netns},
                   {"netns_cookie", r.key.netns_cookie},
                   {"family", family_name(r.key.family)},
                   {"cause", cause_name(r.key.cause)},
                   {"outcome", stage_name(r.key.outcome)},
                   {"segments", r.value.segs},
                   {"skbs", r.value.skbs}};
  if (r.key.outcome != RETX_OUTCOME_SENT) j["errno"] = errno_name(r.key.err);
  if (overflow) {
    j["overflow"] = true;
    return j;
  }
  if (s.labels.cgroup) {
    auto it = s.cgroup_paths.find(r.key.cgroup);
    j["cgroup"] = it == s.cgroup_paths.end() ? "overflow" : it->second;
  }
  if (s.labels.peer) {
    j["remote_addr"] = format_addr(r.key.family, r.key.raddr);
    j["remote_port"] = r.key.rport;
    j["local_port"] = r.key.lport;
  }
  return j;
}

}  // namespace

nlohmann::json snapshot_to_json(const Snapshot& s) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : s.agg) rows.push_back(row_json(r, s, s.labels.any()));
  for (const auto& r : s.detail) rows.push_back(row_json(r, s, false));

  nlohmann::json netns = nlohmann::json::array();
  for (const auto& n : s.netns) {
    netns.push_back({{"inode", n.inode},
                     {"cookie", n.cookie},
                     {"name", n.name},
                     {"readable", n.readable},
                     {"out_segs", n.out_segs},
                     {"orig_data_sent", n.orig_data_sent},
                     {"retrans_segs", n.retrans_segs},
                     {"uncounted_segments", n.uncounted ? nlohmann::json(*n.uncounted) : nlohmann::json(nullptr)}});
  }
  nlohmann::json progs = nlohmann::json::array();
  for (const auto& p : s.programs) {
    progs.push_back({{"program", p.program}, {"run_cnt", p.run_cnt}, {"run_time_ns", p.run_time_ns}, {"recursion_misses", p.recursion_misses}});
  }
  return {{"attach", s.attach},
          {"tracepoints", s.tracepoints},
          {"err_field", s.err_field},
          {"pid1_context_skipped", s.pid1_context_skipped},
          {"netns_identity", s.netns_identity},
          {"peer_labels", s.labels.peer},
          {"cgroup_labels", s.labels.cgroup},
          {"series_budget", s.labels.budget},
          {"namespaces_removed", s.namespaces_removed},
          {"counters", rows},
          {"netns", netns},
          {"programs", progs},
          {"stats",
           {{"skb_hits", s.stats[RETX_STAT_SKB_HITS]},
            {"synack_hits", s.stats[RETX_STAT_SYNACK_HITS]},
            {"folded", s.stats[RETX_STAT_FOLDED]},
            {"lost", s.stats[RETX_STAT_LOST]},
            {"filtered", s.stats[RETX_STAT_FILTERED]},
            {"no_sock", s.stats[RETX_STAT_NO_SOCK]},
            {"first_hit_fallbacks", s.stats[RETX_STAT_FIRST_HIT]},
            {"socket_baseline_evictions", s.sk_baseline_evictions}}},
          {"scrape_errors", s.scrape_errors}};
}

}  // namespace retx
