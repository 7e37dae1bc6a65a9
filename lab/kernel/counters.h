// The kernel's own per-namespace TCP counters: the lab's ground truth.
//
// Contract: read_counters(ns) returns every Tcp.* and TcpExt.* counter (keys
// as in common/core/proc_net.h, "Tcp.RetransSegs") of that namespace, and the
// drops below TCP (Dev.RxDrop, Dev.TxDrop; Softnet.Dropped, host-wide) that
// model checks account for, read from /proc/thread-self/net on a thread inside it. Never nstat: its history file
// is shared by all namespaces. Throws if the namespace is gone.
#pragma once

#include "proc_net.h"
#include "topology.h"

#include <string_view>

namespace retx::lab {

retx::ProcCounters read_counters(const Namespace& ns);

// "Qdisc.Dropped": drops of the namespace's qdiscs other than those an
// impairment uses (netem; clsact and ingress, where the lab's BPF dropper
// runs), from `tc -s -j qdisc show`: a queue the machine overflowed. Read at
// the measurement points only (it runs tc), not while polling for quiet.
retx::ProcCounters read_qdisc_drops(const Namespace& ns);
// The sum above, from tc's JSON. Throws std::runtime_error on malformed JSON.
std::uint64_t foreign_qdisc_drops(const std::string& tc_json);

// after[key] - before[key] for every key of `after` (0 when a counter went
// backwards, which only happens if the namespace was recreated).
retx::ProcCounters counter_delta(const retx::ProcCounters& before, const retx::ProcCounters& after);

}  // namespace retx::lab
