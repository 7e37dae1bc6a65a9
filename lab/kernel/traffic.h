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
// - pacing_bytes_per_s > 0 sets SO_MAX_PACING_RATE on the sending sockets
//   (an unpaced veth run shows spurious, DSACK-explained retransmits).
// - Nothing waits forever: connect, every read/write and the whole run have
//   timeouts. A failure (timeout, reset) is counted in `errors` with a
//   message; run_traffic only throws for bad input (std::invalid_argument)
//   or if the sockets cannot be created at all.
#pragma once

#include "topology.h"
#include "transfer.h"

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <vector>

namespace retx::lab {

enum class TrafficMode { Bulk, RequestResponse, Storm };

struct TrafficSpec {
  TrafficMode mode = TrafficMode::Bulk;
  int flows = 1;                 // parallel connections (Storm: parallel workers)
  std::uint64_t bytes = 0;       // Bulk: bytes per flow; 0 = run for duration_s
  double duration_s = 0.0;       // Bulk when bytes == 0
  Transfer transfer = Transfer::Upload;
  int family = AF_INET;          // AF_INET or AF_INET6
  std::uint32_t request_bytes = 64;
  std::uint32_t response_bytes = 1024;
  std::uint32_t transactions = 10;   // RequestResponse: per flow
  std::uint32_t connections = 100;   // Storm: total
  std::uint64_t pacing_bytes_per_s = 0;  // 0 = unpaced
  int client_index = 0;          // which client namespace (0-based)
  double connect_timeout_s = 5.0;
  double io_timeout_s = 15.0;    // max silence on one read/write
  double max_seconds = 60.0;     // hard cap for the whole run
};

enum class SocketRole { Client, Server };

struct SocketInfo {
  SocketRole role = SocketRole::Client;
  int family = AF_INET;
  std::uint16_t local_port = 0, remote_port = 0;
  std::uint64_t tcpi_total_retrans = 0;  // segments, what Tcp.RetransSegs counts for this socket
  std::uint64_t tcpi_segs_out = 0;
  std::uint64_t tcpi_data_segs_out = 0;
  std::uint64_t tcpi_bytes_retrans = 0;
  std::uint32_t tcpi_retransmits = 0;    // current unrecovered RTO count
  std::uint64_t bytes_sent = 0, bytes_received = 0;  // application bytes
  // false: the exchange failed (timeout, reset); the numbers are as of the
  // failure, and the socket may retransmit after close, unseen by TCP_INFO.
  bool completed = true;
};

struct TrafficResult {
  std::uint64_t bytes = 0;     // application payload delivered to receivers
  double seconds = 0.0;        // wall time of the whole run
  std::vector<double> connect_seconds;  // one per successful connect
  std::uint64_t connections = 0;        // successfully established
  std::uint64_t errors = 0;
  std::vector<std::string> error_messages;  // first few, "client flow 3: read: timeout"
  std::vector<SocketInfo> sockets;
};

// Empty when valid, else one line naming the bad field.
std::string traffic_spec_error(const TrafficSpec& spec, int clients_in_topology);

TrafficResult run_traffic(const Topology& topo, const TrafficSpec& spec);

// Sums tcpi_total_retrans over sockets of one role.
std::uint64_t total_retrans(const TrafficResult& r, SocketRole role);

}  // namespace retx::lab
