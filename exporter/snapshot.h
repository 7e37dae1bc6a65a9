// One scrape's worth of data, as plain values: what the maps and /proc held.
// Everything downstream of this (metric families, JSON) is a pure function of
// a Snapshot, so it is unit tested and benchmarked without root.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include "program_run.h"
#include "retx_abi.h"

static_assert(sizeof(retx_key) == 32, "retx_key layout changed: update the BPF side and readers together");
static_assert(sizeof(retx_value) == 16, "retx_value layout changed");
static_assert(std::is_trivially_copyable_v<retx_key> && std::is_trivially_copyable_v<retx_value>);

namespace retx {

struct CounterRow {
  retx_key key{};
  retx_value value{};  // summed over CPUs
};

struct NetnsCounters {
  std::uint32_t inode = 0;
  std::string name;  // /run/netns name, empty if none
  bool readable = false;
  std::uint64_t out_segs = 0;         // Tcp OutSegs
  std::uint64_t orig_data_sent = 0;   // TcpExt TCPOrigDataSent
};


struct Snapshot {
  std::string attach;        // tp_btf | raw_tp | tracepoint
  bool err_field = false;    // tracepoint carries err
  bool peer_labels = false;
  std::uint32_t series_budget = 0;
  std::vector<CounterRow> agg;   // aggregate map (and folded overflow when peer labels are on)
  std::vector<CounterRow> peer;  // peer map (empty unless peer labels are on)
  std::array<std::uint64_t, RETX_STAT_COUNT> stats{};
  std::vector<NetnsCounters> netns;
  std::vector<ProgramRun> programs;
  std::map<std::string, std::uint64_t> scrape_errors;  // by source, cumulative
};

}  // namespace retx
