// One scrape's worth of data, as plain values: what the maps and /proc held.
// Everything downstream of this (metric families, JSON) is a pure function of
// a Snapshot, so it is unit tested and benchmarked without root.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "program_run.h"
#include "retx_abi.h"
#include "series_labels.h"

static_assert(sizeof(retx_key) == 48, "retx_key layout changed: update the BPF side and readers together");
static_assert(sizeof(retx_value) == 16, "retx_value layout changed");
static_assert(std::is_trivially_copyable_v<retx_key> && std::is_trivially_copyable_v<retx_value>);
static_assert(sizeof(retx_ratio_hist) == 8 * (RETX_RATIO_BOUNDS + 2), "retx_ratio_hist layout changed");
static_assert(std::is_trivially_copyable_v<retx_ratio_hist>);

namespace retx {

struct CounterRow {
  retx_key key{};
  retx_value value{};  // summed over CPUs
};

// Retransmissions duplicated by the peer's DSACKs, and the undos they led
// to, from TcpExt of the namespace (METRICS.md: spurious retransmissions).
struct SpuriousEvidence {
  std::uint64_t dsack_recv_segs = 0;  // TCPDSACKRecvSegs: segments reported duplicate
  std::uint64_t dsack_recv = 0;       // TCPDSACKRecv: DSACK blocks received
  std::uint64_t full_undo = 0;        // TCPFullUndo
  std::uint64_t partial_undo = 0;     // TCPPartialUndo
  std::uint64_t dsack_undo = 0;       // TCPDSACKUndo
  std::uint64_t loss_undo = 0;        // TCPLossUndo
  std::uint64_t spurious_rtos = 0;    // TCPSpuriousRTOs
};

// Where each SpuriousEvidence field comes from and how it is served: the one
// table the namespace reader and the metric builder share.
struct SpuriousCounter {
  const char* proc_key;  // "TcpExt.TCPDSACKRecvSegs" (common/core/proc_net.h keys)
  std::uint64_t SpuriousEvidence::*field;
  const char* metric;  // counter family
  const char* kind;    // its kind label, or nullptr
  const char* help;    // the family's help text
};
const std::vector<SpuriousCounter>& spurious_counters();

struct NetnsCounters {
  std::uint32_t inode = 0;
  std::string name;  // /run/netns name, else named after its first process (netns_scan.h)
  bool readable = false;
  std::uint64_t out_segs = 0;         // Tcp OutSegs
  std::uint64_t orig_data_sent = 0;   // TcpExt TCPOrigDataSent
  std::uint64_t cookie = 0;  // 0 when unknown (or when namespaces are told apart by inode)
  SpuriousEvidence spurious;          // DSACK and undo counters
  std::uint64_t retrans_segs = 0;     // Tcp RetransSegs
  // The exporter's check of itself (uncounted.h); none for a namespace it
  // cannot tell apart (no cookie yet) or could not read.
  std::optional<std::uint64_t> uncounted;
};

// One namespace's histogram of closed connections' retransmission ratios,
// summed over CPUs (retx_abi.h, struct retx_ratio_hist).
struct RatioHistRow {
  std::uint64_t netns_cookie = 0;  // 0 where the kernel has none
  std::uint32_t netns = 0;
  retx_ratio_hist hist{};
};


struct Snapshot {
  std::string attach;        // tp_btf | raw_tp | tracepoint
  std::vector<std::string> tracepoints;  // those attached
  bool err_field = false;    // tracepoint carries err
  bool pid1_context_skipped = false;  // KernelFeatures::skips_pid1_context
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
  std::vector<RatioHistRow> ratio_hist;
  std::vector<ProgramRun> programs;
  std::map<std::string, std::uint64_t> scrape_errors;  // by source, cumulative
};

}  // namespace retx
