// Waiting until the namespaces' TCP counters stop moving, so that the "after"
// readings of kernel and exporter describe the same finished traffic.
#pragma once

#include <vector>

#include "topology.h"

namespace retx::lab {

struct QuiesceResult {
  bool quiet = false;
  double waited_s = 0;
};

// Polls Tcp InSegs/OutSegs/RetransSegs in every namespace until they stay
// unchanged for quiet_ms, or max_s passes.
QuiesceResult wait_for_quiet(const std::vector<Namespace>& nss, double quiet_ms, double max_s);

}  // namespace retx::lab
