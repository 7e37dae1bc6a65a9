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
// - cgroup_dir non-empty: each client socket is created in that cgroup v2
//   group (lab_cgroup.h: by a short-lived child), the rest runs here as usual.
// - pacing_mbit > 0 sets SO_MAX_PACING_RATE on the sending sockets
//   (an unpaced veth run shows spurious, DSACK-explained retransmits).
// - hold_open (bulk upload, rr): each client socket, once everything it sent
//   is acknowledged (SIOCOUTQ 0), waits still ESTABLISHED; when every client
//   worker arrived or gave up, run_traffic's own thread takes TCP_INFO of the
//   waiting sockets and hands it to `while_open` (which may read them from
//   outside, e.g. with retx-top) before releasing them to finish as usual.
//   The server side waits in recv meanwhile, so `while_open` must return well
//   within io_timeout_s; so must the slowest client after the fastest.
// - Nothing waits forever: connect, every read/write and the whole run have
//   timeouts. A failure (timeout, reset) is counted in `errors` with a
//   message; run_traffic only throws for bad input (std::invalid_argument)
//   or if the sockets cannot be created at all.
#pragma once

#include "topology.h"
#include "traffic_spec.h"

#include <functional>
#include <string>
#include <vector>

namespace retx::lab {

// Empty when valid, else one line naming the bad field.
std::string traffic_spec_error(const TrafficSpec& spec, int clients_in_topology);

// Called once per run with hold_open, from run_traffic's calling thread, with
// the TCP_INFO of every client socket held open at that moment.
using WhileOpen = std::function<void(const std::vector<SocketInfo>& open)>;

TrafficResult run_traffic(const Topology& topo, const TrafficSpec& spec, const WhileOpen& while_open = {});

}  // namespace retx::lab
