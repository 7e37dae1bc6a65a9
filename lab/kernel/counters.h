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

// after[key] - before[key] for every key of `after` (0 when a counter went
// backwards, which only happens if the namespace was recreated).
retx::ProcCounters counter_delta(const retx::ProcCounters& before, const retx::ProcCounters& after);

}  // namespace retx::lab
