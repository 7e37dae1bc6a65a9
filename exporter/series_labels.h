// The optional labels of the retransmission counters and the budget that
// bounds their series: one value, set from the flags and handed unchanged to
// the probe (map size, what the keys carry), the collector and each snapshot.
#pragma once

#include <cstdint>

namespace retx {

// --series-budget's default, written only here.
inline constexpr std::uint32_t kDefaultSeriesBudget = 1000;

struct SeriesLabels {
  bool peer = false;    // remote_addr, remote_port, local_port
  bool cgroup = false;  // the socket's cgroup v2 path
  std::uint32_t budget = kDefaultSeriesBudget;  // series with any of them; the rest fold into "overflow"
  bool any() const { return peer || cgroup; }
};

}  // namespace retx
