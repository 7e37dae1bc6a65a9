// Waiting until the namespaces' TCP counters stop moving, so that the "after"
// readings of kernel and exporter describe the same finished traffic.
#pragma once

#include <string>
#include <vector>

#include "prom_text.h"
#include "proc_net.h"
#include "topology.h"

namespace retx::lab {

struct QuiesceResult {
  bool quiet = false;
  double waited_s = 0;
};

// Polls Tcp InSegs/OutSegs/RetransSegs in every namespace until they stay
// unchanged for quiet_ms, or max_s passes.
QuiesceResult wait_for_quiet(const std::vector<Namespace>& nss, double quiet_ms, double max_s);

// The exporter's scrape with every namespace's counters read just before it,
// and read again just after: when the two readings differ, a timer fired
// across the scrape (a lost FIN's RTO is 200 ms or more, past a 100 ms quiet
// period) and may be counted on one side only, so the three are taken again,
// up to max_tries. settled says the last two readings were equal.
struct BracketedScrape {
  std::vector<retx::ProcCounters> counters;  // read before the scrape, qdisc drops merged in
  PromScrape scrape;
  bool settled = false;
  int tries = 0;
};
BracketedScrape scrape_between_counters(const std::vector<Namespace>& nss, const std::string& url,
                                        int max_tries = 5);

}  // namespace retx::lab
