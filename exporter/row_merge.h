// Sums of map rows by key. The probe's counters live in two maps per kind, a
// counting map and its spill map (retx_abi.h, RETX_SPILL_MAX_ENTRIES), and a
// key may have a row in both: the exporter serves their sum. Pure.
#pragma once

#include <vector>

#include "snapshot.h"

namespace retx {

// One row per key, each the sum of a's and b's rows for it, ordered by key;
// `a` itself, unsorted, when b is empty (the usual case: spill maps are
// empty), so that a scrape does not copy its rows.
std::vector<CounterRow> merge_rows(std::vector<CounterRow> a, const std::vector<CounterRow>& b);

// One row per namespace (cookie, inode): buckets and sums added.
std::vector<RatioHistRow> merge_hist_rows(const std::vector<RatioHistRow>& a, const std::vector<RatioHistRow>& b);

}  // namespace retx
