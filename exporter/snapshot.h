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

#include "bpf_progs.h"
#include "retx_abi.h"
#include "series_labels.h"

static_assert(sizeof(retx_key) == 48, "retx_key layout changed: update the BPF side and readers together");
static_assert(sizeof(retx_value) == 16, "retx_value layout changed");
static_assert(std::is_trivially_copyable_v<retx_key> && std::is_trivially_copyable_v<retx_value>);

namespace retx {

struct CounterRow {
  retx_key key{};
  retx_value value{};  // summed over CPUs
};

struct NetnsCounters {
  std::uint32_t inode = 0;
  std::string name;  // /run/netns name, else named after its first process (netns_scan.h)
  bool readable = false;
  std::uint64_t out_segs = 0;         // Tcp OutSegs
  std::uint64_t orig_data_sent = 0;   // TcpExt TCPOrigDataSent
  std::uint64_t cookie = 0;  // 0 when unknown (or when namespaces are told apart by inode)
};


struct Snapshot {
  std::string attach;        // tp_btf | raw_tp | tracepoint
  std::vector<std::string> tracepoints;  // those attached
  bool err_field = false;    // tracepoint carries err
  std::string netns_identity = "inode";  // cookie | inode: how dead namespaces are told from new ones
  SeriesLabels labels;
  // Rows of living namespaces only. agg: the aggregate map, plus (with peer or
  // cgroup labels) what was folded over the budget or out of removed cgroups.
  std::vector<CounterRow> agg;
  std::vector<CounterRow> detail;  // the budgeted map (empty unless peer or cgroup labels are on)
  // cgroup id -> path under the cgroup2 mount, for the ids in `detail`; an id
  // missing here belongs to a removed cgroup and is exported as "overflow".
  std::map<std::uint64_t, std::string> cgroup_paths;
  std::array<std::uint64_t, RETX_STAT_COUNT> stats{};
  std::uint64_t sk_baseline_evictions = 0;  // cumulative
  std::uint64_t namespaces_removed = 0;     // cumulative
  std::vector<NetnsCounters> netns;         // living namespaces
  std::vector<ProgramRun> programs;
  std::map<std::string, std::uint64_t> scrape_errors;  // by source, cumulative
};

}  // namespace retx
