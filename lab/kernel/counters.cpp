#include "counters.h"

#include "netns_exec.h"

namespace retx::lab {

retx::ProcCounters read_counters(const Namespace& ns) {
  retx::ProcCounters c;
  retx::run_in_netns(ns.path, [&] {
    c = retx::read_proc_net("/proc/thread-self/net");
    c.merge(retx::read_drop_counters("/proc/thread-self/net"));
  });
  return c;
}

retx::ProcCounters counter_delta(const retx::ProcCounters& before, const retx::ProcCounters& after) {
  retx::ProcCounters d;
  for (const auto& [k, v] : after) {
    std::uint64_t b = retx::counter_or_zero(before, k);
    d[k] = v >= b ? v - b : 0;
  }
  return d;
}

}  // namespace retx::lab
