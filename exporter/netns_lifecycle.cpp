#include "netns_lifecycle.h"

#include <algorithm>

namespace retx {

std::vector<std::vector<retx_key>> NetnsLifecycle::step(const std::vector<std::vector<CounterRow>*>& lists,
                                                         const LiveNamespaces& live) {
  std::vector<std::vector<retx_key>> doomed(lists.size());
  std::unordered_set<std::uint64_t> dead_now, deleted, with_rows;
  for (std::size_t i = 0; i < lists.size(); ++i) {
    auto& rows = *lists[i];
    auto dead = std::stable_partition(rows.begin(), rows.end(), [&](const CounterRow& r) { return live.alive(r.key); });
    for (auto it = dead; it != rows.end(); ++it) {
      std::uint64_t id = live.identity(it->key);
      dead_now.insert(id);
      if (live.complete && dead_before_.count(id)) {
        doomed[i].push_back(it->key);
        deleted.insert(id);
      }
    }
    for (auto it = rows.begin(); it != dead; ++it) with_rows.insert(live.identity(it->key));
    rows.erase(dead, rows.end());
  }
  if (!live.complete) return doomed;
  // A namespace that died without rows is gone at once; one with rows once
  // they are deleted (counted once, at that scrape).
  for (std::uint64_t id : alive_before_) {
    if (!live.ids.count(id) && !dead_now.count(id) && !with_rows.count(id)) ++removed_total_;
  }
  removed_total_ += deleted.size();
  alive_before_ = live.ids;
  dead_before_ = std::move(dead_now);
  return doomed;
}

}  // namespace retx
