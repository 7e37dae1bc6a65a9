// Socket plumbing for the traffic driver: blocking sockets whose every wait is
// bounded by SO_RCVTIMEO/SO_SNDTIMEO, and TCP_INFO snapshots.
#pragma once

#include "traffic.h"
#include "unique_fd.h"

#include <chrono>
#include <string>

namespace retx::lab::sock {

using retx::UniqueFd;

// Listening socket on addr:0 (kernel picks the port), non-blocking.
UniqueFd listen_on(int family, const std::string& addr, std::uint16_t& port_out);

void set_timeouts(int fd, double seconds);
void set_pacing(int fd, std::uint64_t bytes_per_s);

// Blocking connect bounded by timeout_s; throws std::runtime_error("connect: ...").
// A non-empty cgroup_dir: the socket is created in that cgroup (lab_cgroup.h).
UniqueFd connect_to(int family, const std::string& addr, std::uint16_t port, double timeout_s,
                    const std::string& cgroup_dir = "");

// Every blocking call below waits at most `io_timeout_s` for progress and
// never past `deadline` (the run's hard cap); either throws "send: timeout" /
// "recv: timeout" or "...: run time cap reached".
struct Limits {
  double io_timeout_s;
  std::chrono::steady_clock::time_point deadline;
};

// Sends all of n bytes (zeros).
void send_all(int fd, std::uint64_t n, const Limits& lim);
// Receives exactly n bytes; returns false on EOF before the first byte
// (clean end), throws on error, timeout or a partial message.
bool recv_exact(int fd, std::uint64_t n, const Limits& lim);
// Reads until EOF, returning the bytes read.
std::uint64_t drain_to_eof(int fd, const Limits& lim);

// Waits until everything sent on fd is acknowledged (SIOCOUTQ: unsent plus
// unacknowledged bytes = 0); throws "ack wait: timeout" like the calls above.
void wait_acked(int fd, const Limits& lim);

// Role, family and ports, taken while the connection is up (getpeername
// fails once the peer has reset or closed).
SocketInfo identify(int fd, SocketRole role, int family);
// Adds TCP_INFO to `base`.
SocketInfo snapshot(int fd, SocketInfo base);

}  // namespace retx::lab::sock
