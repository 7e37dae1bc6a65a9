// Shared pieces of retx-top's privileged tests: connections held open in
// lab namespaces after a lossy transfer, the retx-top binary run as a user
// runs it, and `ss -ti` read inside a namespace.
#pragma once

#include <linux/tcp.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "topology.h"
#include "traffic_socket.h"

namespace retx::test {

struct HeldConn {
  UniqueFd client, server;
  std::uint16_t client_port = 0, server_port = 0;
};

// n connections from client 0 to the server, each having sent `bytes` to
// the server; returns once every byte is acknowledged (the sockets are idle:
// their counters no longer move), the sockets stay open until destruction.
std::vector<HeldConn> hold_connections(const lab::Topology& topo, int n, std::uint64_t bytes, int family);

tcp_info tcp_info_of(int fd);

struct TopRun {
  int code = -1;
  std::string out, err;
  nlohmann::json json;  // parsed stdout when it is JSON
};
// Runs the retx-top binary with args (a shell command line, after `prefix`).
TopRun run_top(const std::string& args, const std::string& prefix = "");

// A connection in retx-top's JSON by namespace and ports; null if absent.
const nlohmann::json* find_conn(const nlohmann::json& top, std::uint64_t netns, std::uint16_t lport,
                                std::uint16_t rport);

// `ss -tinHO` inside a namespace: segs_out and the total of retrans:a/b, by
// (local port, remote port).
struct SsFigures {
  std::uint64_t segs_out = 0, retrans_total = 0;
};
std::map<std::pair<std::uint16_t, std::uint16_t>, SsFigures> ss_figures(const lab::Namespace& ns);

}  // namespace retx::test
