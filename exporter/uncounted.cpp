#include "uncounted.h"

#include <algorithm>

namespace retx {
namespace {

std::int64_t diff(std::uint64_t a, std::uint64_t b) { return static_cast<std::int64_t>(a - b); }

}  // namespace

bool UncountedSegments::may_have_missed(std::uint64_t id, std::uint64_t kernel, std::uint64_t before) const {
  auto it = seen_.find(id);
  // A namespace's first scrape sets its offset: nothing to compare yet.
  return it != seen_.end() && diff(kernel, before) > it->second.offset;
}

std::uint64_t UncountedSegments::update(std::uint64_t id, std::uint64_t kernel, std::uint64_t before,
                                        std::uint64_t after) {
  auto [it, fresh] = seen_.try_emplace(id, Namespace{diff(kernel, before), 0});
  auto& ns = it->second;
  if (!fresh) ns.offset = std::min(ns.offset, diff(kernel, before));
  std::int64_t missed = diff(kernel, after) - ns.offset;
  ns.last = missed > 0 ? static_cast<std::uint64_t>(missed) : 0;
  return ns.last;
}

std::uint64_t UncountedSegments::last(std::uint64_t id) const {
  auto it = seen_.find(id);
  return it == seen_.end() ? 0 : it->second.last;
}

void UncountedSegments::keep_only(const std::unordered_set<std::uint64_t>& ids) {
  std::erase_if(seen_, [&](const auto& e) { return !ids.contains(e.first); });
}

std::unordered_map<std::uint64_t, std::uint64_t> counted_segments(const std::vector<const std::vector<CounterRow>*>& rows,
                                                                  bool by_cookie) {
  std::unordered_map<std::uint64_t, std::uint64_t> out;
  for (const auto* list : rows) {
    for (const auto& r : *list) {
      if (r.key.outcome != RETX_OUTCOME_SENT && r.key.outcome != RETX_OUTCOME_FAILED_XMIT) continue;
      out[by_cookie ? r.key.netns_cookie : r.key.netns] += r.value.segs;
    }
  }
  return out;
}

}  // namespace retx
