// What a model check needs besides its own figures before it may fail a run:
// the drops the kernel reports that no impairment asked for, and the DSACK
// blocks receivers sent that the senders never counted. A model that assumes
// the only losses are the impairment's cannot judge a run the machine itself
// dropped packets in; it says inconclusive, with the counters, instead.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "measurements.h"

namespace retx::lab::check {

struct MachineDrops {
  std::int64_t total = 0;
  std::string detail;  // "client1 Dev.TxDrop +3; Softnet.Dropped +2", empty when total is 0
};

// Over every namespace of the attempt: the drop columns of its interfaces
// (veth: a peer backlog that refused a packet), its qdiscs' drops other than
// the impairment's (lab/kernel/counters.h), and TCP's receive-side drops
// (backlog, receive queue, out-of-order queue, zero window); plus the host's
// per-CPU input backlog drops, counted once (every namespace reads the same).
MachineDrops machine_drops(const ScenarioMeasurements& m);

// DSACK blocks all receivers sent (TCPDSACKOldSent + TCPDSACKOfoSent) minus
// those all senders counted (TCPDSACKRecv + TCPDSACKIgnoredDubious): blocks
// that reached a socket no longer counting them (e.g. in TIME_WAIT after a
// tail loss probe) or were lost. 0 when the senders counted at least as many.
std::int64_t dsack_blocks_uncounted(const ScenarioMeasurements& m);

// The same for the data of `senders` only: blocks every other namespace (their
// peers) recorded minus those the senders counted. A sender's own DSACKs, for
// data it received, stay out.
std::int64_t dsack_blocks_uncounted_by(const ScenarioMeasurements& m,
                                       const std::vector<const NamespaceMeasure*>& senders);

}  // namespace retx::lab::check
