// Removed cgroups, retired in two steps so that their counts stay in the
// namespace totals. A socket can outlive its cgroup (an orphaned connection
// still flushing after its service stopped), so at the scrape that finds a
// cgroup removed the collector marks it in the probe's cgroup_gone map, from
// which on the probe folds that socket's hits into the aggregate map. At a
// later scrape, at least kSettleSeconds after the mark, no hit that missed the
// mark can still be on its way into the cgroup's rows (a program runs for
// microseconds): the rows are deleted from the map and their counts carried
// here, folded, and exported with the aggregate rows ("overflow"). Pure.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <vector>

#include "snapshot.h"

namespace retx {

struct KeyLess {
  bool operator()(const retx_key& a, const retx_key& b) const { return std::memcmp(&a, &b, sizeof(a)) < 0; }
};

class CgroupRetirement {
 public:
  static constexpr double kSettleSeconds = 1.0;

  struct Plan {
    std::vector<std::uint64_t> mark;  // found removed now: write into cgroup_gone
    std::vector<retx_key> retire;     // rows of cgroups marked at the previous scrape: delete from the map
  };
  // detail: this scrape's rows of living namespaces; rows of retired cgroups
  // are moved out of it into the carried counts. now: seconds on any clock
  // that only moves forward.
  Plan step(std::vector<CounterRow>& detail, const std::function<bool(std::uint64_t)>& exists, double now);

  std::vector<CounterRow> carried() const;
  // Carried rows go when their namespace's rows are deleted.
  void forget(const std::vector<retx_key>& keys);

 private:
  std::map<std::uint64_t, double> marked_;  // id -> when it was marked
  std::map<retx_key, retx_value, KeyLess> carry_;
};

// The key a hit is counted under once folded: no cgroup, no peer.
retx_key folded(retx_key k);

}  // namespace retx
