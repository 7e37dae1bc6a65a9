// The built-in traffic driver: real TCP between a client and the server netns.
//
// Contract:
// - run_traffic() creates the listening socket in the server namespace and
//   the client sockets in client namespace `client_index` (sockets stay in the
//   namespace they were created in; I/O then runs on ordinary threads).
// - Modes: Bulk (flows parallel connections moving `bytes` each, or for
//   `duration_s` when bytes == 0, in `transfer` direction), RequestResponse
//   (flows connections each doing `transactions` exchanges of request_bytes →
//   response_bytes), Storm (`connections` short connections, one exchange each,
//   `flows` at a time).
// - The sender shuts down its write side and waits for the peer's EOF before
//   taking TCP_INFO, so every data segment was acknowledged when the socket's
//   numbers are read. TCP_INFO is taken from EVERY socket (client and server
//   side) just before close and returned in `sockets`.
// - pacing_mbit > 0 sets SO_MAX_PACING_RATE on the sending sockets
//   (an unpaced veth run shows spurious, DSACK-explained retransmits).
// - Nothing waits forever: connect, every read/write and the whole run have
//   timeouts. A failure (timeout, reset) is counted in `errors` with a
//   message; run_traffic only throws for bad input (std::invalid_argument)
//   or if the sockets cannot be created at all.
#pragma once

#include "topology.h"
#include "traffic_spec.h"

#include <string>

namespace retx::lab {

// Empty when valid, else one line naming the bad field.
std::string traffic_spec_error(const TrafficSpec& spec, int clients_in_topology);

TrafficResult run_traffic(const Topology& topo, const TrafficSpec& spec);

}  // namespace retx::lab
