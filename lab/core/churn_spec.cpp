#include "churn_spec.h"

#include <algorithm>
#include <set>

#include "json_reader.h"

namespace retx::lab {

ChurnSpec parse_churn(const JsonReader& r) {
  r.expect_object({"cycles", "warmup_cycles"});
  ChurnSpec c;
  c.cycles = static_cast<int>(r.at("cycles").as_integer(1, 500));
  c.warmup_cycles = static_cast<int>(r.integer_or("warmup_cycles", 0, c.cycles - 1, std::min(5, c.cycles - 1)));
  return c;
}

int ChurnMeasure::reused_cycles() const {
  return static_cast<int>(std::count_if(cycles.begin(), cycles.end(), [](const ChurnCycle& c) {
    return std::any_of(c.namespaces.begin(), c.namespaces.end(), [](const ChurnNamespace& n) { return n.reused; });
  }));
}

namespace {

std::set<std::string> as_labels(const std::vector<std::uint64_t>& inodes) {
  std::set<std::string> out;
  for (auto i : inodes) out.insert(std::to_string(i));
  return out;
}

}  // namespace

int dead_series(const PromScrape& scrape, const std::vector<std::uint64_t>& inodes) {
  const auto dead = as_labels(inodes);
  std::set<std::string> alive;
  for (const auto* s : scrape.find("tcp_netns_info")) {
    auto it = s->labels.find("netns");
    if (it != s->labels.end()) alive.insert(it->second);
  }
  int n = 0;
  for (const auto& s : scrape.samples) {
    auto it = s.labels.find("netns");
    if (it != s.labels.end() && dead.count(it->second) && !alive.count(it->second)) ++n;
  }
  return n;
}

int own_series(const PromScrape& scrape, const std::vector<std::uint64_t>& ours) {
  int n = dead_series(scrape, ours);
  for (const auto& s : scrape.samples) n += s.labels.count("netns") == 0;
  return n;
}

}  // namespace retx::lab

namespace retx::lab {

nlohmann::json churn_to_json(const ChurnMeasure& m) {
  nlohmann::json cycles = nlohmann::json::array();
  for (const auto& c : m.cycles) {
    nlohmann::json ns = nlohmann::json::object();
    for (const auto& n : c.namespaces)
      ns[n.role] = {{"inode", n.inode},         {"reused", n.reused},         {"fresh", n.fresh},
                    {"exporter", n.exporter},   {"kernel_RetransSegs", n.kernel}, {"kernel_TCPRetransFail", n.kernel_fail}};
    cycles.push_back({{"namespaces", ns},
                      {"dead_series_1", c.dead_series_1},
                      {"dead_series_2", c.dead_series_2},
                      {"traffic_errors", c.traffic_errors}});
  }
  return {{"cycles", cycles},
          {"reused_cycles", m.reused_cycles()},
          {"series_baseline", m.series_baseline},
          {"series_end", m.series_end},
          {"rss_baseline_kib", m.rss_baseline_kib},
          {"rss_end_kib", m.rss_end_kib}};
}

}  // namespace retx::lab
