// Snapshot → JSON, for `retx-exporter --once` (scripts, the lab, CI logs).
// Field names are documented in exporter/METRICS.md ("--once JSON").
#pragma once

#include <nlohmann/json.hpp>

#include "snapshot.h"

namespace retx {

nlohmann::json snapshot_to_json(const Snapshot& s);

}  // namespace retx
