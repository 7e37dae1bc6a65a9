#include "cgroup_retirement.h"

#include <algorithm>
#include <unordered_set>

namespace retx {

retx_key folded(retx_key k) {
  k.cgroup = 0;
  k.lport = 0;
  k.rport = 0;
  std::memset(k.raddr, 0, sizeof(k.raddr));
  return k;
}

CgroupRetirement::Plan CgroupRetirement::step(std::vector<CounterRow>& detail,
                                              const std::function<bool(std::uint64_t)>& exists, double now) {
  Plan plan;
  std::map<std::uint64_t, double> still_marked;
  std::unordered_set<std::uint64_t> checked;  // one look per cgroup, not per row
  auto settled = [&](std::uint64_t id) {
    auto it = marked_.find(id);
    return it != marked_.end() && now - it->second >= kSettleSeconds;
  };
  for (const auto& r : detail) {
    std::uint64_t id = r.key.cgroup;
    if (!checked.insert(id).second || settled(id)) continue;
    if (auto it = marked_.find(id); it != marked_.end()) {
      still_marked.emplace(id, it->second);
    } else if (!exists(id)) {
      still_marked.emplace(id, now);
      plan.mark.push_back(id);
    }
  }
  auto retired = std::stable_partition(detail.begin(), detail.end(), [&](const CounterRow& r) { return !settled(r.key.cgroup); });
  for (auto it = retired; it != detail.end(); ++it) {
    plan.retire.push_back(it->key);
    auto& v = carry_[folded(it->key)];
    v.segs += it->value.segs;
    v.skbs += it->value.skbs;
  }
  detail.erase(retired, detail.end());
  // Settled cgroups with rows were retired just now; a marked one without
  // rows has nothing left to retire (its namespace's rows were deleted).
  marked_ = std::move(still_marked);
  return plan;
}

std::vector<CounterRow> CgroupRetirement::carried() const {
  std::vector<CounterRow> out;
  out.reserve(carry_.size());
  for (const auto& [k, v] : carry_) out.push_back({k, v});
  return out;
}

void CgroupRetirement::forget(const std::vector<retx_key>& keys) {
  for (const auto& k : keys) carry_.erase(k);
}

}  // namespace retx
