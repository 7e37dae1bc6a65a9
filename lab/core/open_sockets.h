// Lab sockets measured while still open: each one's TCP_INFO, taken at a
// quiet point (everything it sent acknowledged), and what
// `retx-top --once --json` listed for it right after. Pure: the runner takes
// both readings, connections_exact judges them.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "traffic_spec.h"

namespace retx::lab {

struct OpenSocket {
  std::uint16_t local_port = 0, remote_port = 0;
  std::uint64_t tcpi_total_retrans = 0, tcpi_segs_out = 0;
  bool listed = false;  // retx-top listed a connection with these ports
  std::uint64_t top_retrans_segs = 0, top_segs_out = 0;
};

struct OpenSockets {
  bool taken = false;  // a while-open measurement ran in this namespace
  std::string error;   // why retx-top's answer is missing or unreadable
  std::vector<OpenSocket> sockets;
};

// Pairs each held socket with retx-top's connection of the same local and
// remote port (unique within one of the lab's fresh namespaces). Unreadable
// JSON leaves every socket unlisted and says why in `error`.
OpenSockets match_top_json(const std::vector<SocketInfo>& held, const std::string& top_json);

nlohmann::json to_json(const OpenSockets& o);

}  // namespace retx::lab
