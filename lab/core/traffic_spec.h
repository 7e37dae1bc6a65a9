// The traffic a scenario drives and what the driver measured, as plain data.
// Parsed from the scenario file here; lab/kernel/traffic.h runs it.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace retx::lab {

class JsonReader;

enum class TrafficMode { Bulk, RequestResponse, Storm };

// Upload: clients send, the server receives; the data direction is the
// router's egress toward the server. Download: the reverse.
enum class Transfer { Upload, Download };

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
  double pacing_mbit = 0;        // SO_MAX_PACING_RATE per sending socket, 0 = unpaced
  int client_index = 0;          // which client namespace (0-based)
  double connect_timeout_s = 5.0;
  double io_timeout_s = 15.0;    // max silence on one read/write
  double max_seconds = 60.0;     // hard cap for the whole run
  // Bulk upload and rr: every client socket, once all it sent is
  // acknowledged, waits (still ESTABLISHED) until all the run's client
  // sockets got there; the driver's while-open callback measures them; then
  // the exchange ends as usual (lab/kernel/traffic.h).
  bool hold_open = false;
  // Where the client sockets are created: a cgroup v2 directory (absolute
  // path) the socket's creator joins first, so the socket carries that cgroup
  // for life (sk_cgrp_data). Empty: the driver's own cgroup. Set by the runner,
  // never read from a file (TrafficGroup::cgroup names it there).
  std::string cgroup_dir;
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

// Sums tcpi_total_retrans over sockets of one role.
std::uint64_t total_retrans(const TrafficResult& r, SocketRole role);

// Scenario-file names: "bulk" | "rr" | "storm", "upload" | "download", "ipv4" | "ipv6".
std::string_view to_string(TrafficMode m);
std::string_view to_string(Transfer t);
std::string_view family_name(int family);

// One traffic group of a scenario: the same spec driven from each of its
// clients at once (the runner sets client_index per client).
struct TrafficGroup : TrafficSpec {
  std::vector<int> clients;  // 1-based client namespaces running it; empty = all
  // The file's "cgroup": a short name; the lab creates one cgroup of that
  // name per attempt (lab/kernel/lab_cgroup.h) for this group's client
  // sockets. Empty: no cgroup of its own.
  std::string cgroup;
};

// Reads one traffic group of the scenario file. The run-time caps follow the
// file's timeout_s: max_seconds = timeout_s, io_timeout_s = min(15, timeout_s).
TrafficGroup parse_traffic(const JsonReader& r, int topology_clients);

}  // namespace retx::lab
