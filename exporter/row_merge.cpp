#include "row_merge.h"

#include <map>
#include <utility>

#include "cgroup_retirement.h"  // KeyLess

namespace retx {

std::vector<CounterRow> merge_rows(std::vector<CounterRow> a, const std::vector<CounterRow>& b) {
  if (b.empty()) return a;
  std::map<retx_key, retx_value, KeyLess> sum;
  for (const auto* rows : {&std::as_const(a), &b}) {
    for (const auto& r : *rows) {
      auto& v = sum[r.key];
      v.segs += r.value.segs;
      v.skbs += r.value.skbs;
    }
  }
  std::vector<CounterRow> out;
  out.reserve(sum.size());
  for (const auto& [k, v] : sum) out.push_back({k, v});
  return out;
}

std::vector<RatioHistRow> merge_hist_rows(const std::vector<RatioHistRow>& a, const std::vector<RatioHistRow>& b) {
  if (b.empty()) return a;
  std::map<std::pair<std::uint64_t, std::uint32_t>, retx_ratio_hist> sum;
  for (const auto* rows : {&a, &b}) {
    for (const auto& r : *rows) {
      auto& h = sum[{r.netns_cookie, r.netns}];
      for (int i = 0; i <= RETX_RATIO_BOUNDS; ++i) h.buckets[i] += r.hist.buckets[i];
      h.sum_scaled += r.hist.sum_scaled;
    }
  }
  std::vector<RatioHistRow> out;
  out.reserve(sum.size());
  for (const auto& [id, h] : sum) out.push_back({id.first, id.second, h});
  return out;
}

}  // namespace retx
