#include "snapshot_json.h"

#include "labels.h"

namespace retx {
namespace {

nlohmann::json row_json(const CounterRow& r, bool with_peer) {
  nlohmann::json j{{"netns", r.key.netns},
                   {"family", family_name(r.key.family)},
                   {"cause", cause_name(r.key.cause)},
                   {"outcome", stage_name(r.key.outcome)},
                   {"segments", r.value.segs},
                   {"skbs", r.value.skbs}};
  if (r.key.outcome != RETX_OUTCOME_SENT) j["errno"] = errno_name(r.key.err);
  if (with_peer) {
    j["remote_addr"] = format_addr(r.key.family, r.key.raddr);
    j["remote_port"] = r.key.rport;
    j["local_port"] = r.key.lport;
  }
  return j;
}

}  // namespace

nlohmann::json snapshot_to_json(const Snapshot& s) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : s.agg) {
    auto j = row_json(r, false);
    if (s.peer_labels) j["overflow"] = true;
    rows.push_back(std::move(j));
  }
  for (const auto& r : s.peer) rows.push_back(row_json(r, true));

  nlohmann::json netns = nlohmann::json::array();
  for (const auto& n : s.netns) {
    netns.push_back({{"inode", n.inode},
                     {"name", n.name},
                     {"readable", n.readable},
                     {"out_segs", n.out_segs},
                     {"orig_data_sent", n.orig_data_sent}});
  }
  nlohmann::json progs = nlohmann::json::array();
  for (const auto& p : s.programs) {
    progs.push_back({{"program", p.program}, {"run_cnt", p.run_cnt}, {"run_time_ns", p.run_time_ns}, {"recursion_misses", p.recursion_misses}});
  }
  return {{"attach", s.attach},
          {"err_field", s.err_field},
          {"peer_labels", s.peer_labels},
          {"series_budget", s.series_budget},
          {"counters", rows},
          {"netns", netns},
          {"programs", progs},
          {"stats",
           {{"skb_hits", s.stats[RETX_STAT_SKB_HITS]},
            {"synack_hits", s.stats[RETX_STAT_SYNACK_HITS]},
            {"folded", s.stats[RETX_STAT_FOLDED]},
            {"lost", s.stats[RETX_STAT_LOST]},
            {"filtered", s.stats[RETX_STAT_FILTERED]},
            {"no_sock", s.stats[RETX_STAT_NO_SOCK]}}},
          {"scrape_errors", s.scrape_errors}};
}

}  // namespace retx
