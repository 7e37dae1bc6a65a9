// Synthetic counter rows for the in-process benchmarks: N distinct keys shaped
// like what the probe writes with peer labels on (one netns, mostly "fast"
// retransmits, distinct peers), so both the metric builder and the map reader
// work on the same realistic label cardinality without any traffic.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "snapshot.h"

namespace retx::bench {

inline retx_key synthetic_key(std::uint32_t i) {
  retx_key k{};
  k.netns = 4026532000u + (i % 4);  // a handful of namespaces, as in a lab run
  k.family = (i % 8 == 0) ? 10 : 2;
  k.cause = static_cast<std::uint8_t>(i % RETX_CAUSE_COUNT);
  k.outcome = RETX_OUTCOME_SENT;
  k.lport = static_cast<std::uint16_t>(32768 + (i % 28000));
  k.rport = static_cast<std::uint16_t>(5201 + i / 28000);  // keeps keys unique past the port range
  k.raddr[0] = 10;
  k.raddr[1] = static_cast<std::uint8_t>(i >> 16);
  k.raddr[2] = static_cast<std::uint8_t>(i >> 8);
  k.raddr[3] = static_cast<std::uint8_t>(i);
  return k;
}

// One row per key; each row becomes two samples (segments and skbs).
inline std::vector<CounterRow> synthetic_rows(std::uint32_t n) {
  std::vector<CounterRow> rows(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    rows[i].key = synthetic_key(i);
    rows[i].value = {3ull * i + 1, i + 1ull};
  }
  return rows;
}

}  // namespace retx::bench
