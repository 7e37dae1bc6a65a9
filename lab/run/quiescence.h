// Waiting until the namespaces' TCP counters stop moving, so that the "after"
// readings of kernel and exporter describe the same finished traffic.
#pragma once

#include <string>
#include <vector>

#include "bracketed_reading.h"
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

// The exporter's scrape between two readings of every namespace's counters
// (bracketed_reading.h): a timer firing across it (a lost FIN's RTO is 200 ms
// or more, past a 100 ms quiet period) would otherwise count on one side only.
// counters are the reading before the scrape, qdisc drops merged in.
using BracketedScrape = Bracketed<std::vector<retx::ProcCounters>, PromScrape>;
BracketedScrape scrape_between_counters(const std::vector<Namespace>& nss, const std::string& url);

}  // namespace retx::lab
