#include "open_sockets.h"

#include <map>
#include <utility>

namespace retx::lab {

namespace {

using Ports = std::pair<std::uint64_t, std::uint64_t>;

// retx-top's connections by (local port, remote port). Throws on a shape that
// is not {"connections": [{local_port, remote_port, retrans_segs, segs_out}...]}.
std::map<Ports, const nlohmann::json*> index_top(const nlohmann::json& j) {
  std::map<Ports, const nlohmann::json*> by_ports;
  for (const auto& c : j.at("connections"))
    by_ports[{c.at("local_port").get<std::uint64_t>(), c.at("remote_port").get<std::uint64_t>()}] = &c;
  return by_ports;
}

}  // namespace

OpenSockets match_top_json(const std::vector<SocketInfo>& held, const std::string& top_json) {
  OpenSockets o;
  o.taken = true;
  for (const auto& si : held) {
    OpenSocket s;
    s.local_port = si.local_port;
    s.remote_port = si.remote_port;
    s.tcpi_total_retrans = si.tcpi_total_retrans;
    s.tcpi_segs_out = si.tcpi_segs_out;
    o.sockets.push_back(s);
  }
  try {
    const auto j = nlohmann::json::parse(top_json);
    const auto by_ports = index_top(j);
    for (auto& s : o.sockets) {
      auto it = by_ports.find({s.local_port, s.remote_port});
      if (it == by_ports.end()) continue;
      s.listed = true;
      s.top_retrans_segs = it->second->at("retrans_segs").get<std::uint64_t>();
      s.top_segs_out = it->second->at("segs_out").get<std::uint64_t>();
    }
  } catch (const nlohmann::json::exception& e) {
    o.error = std::string("retx-top's JSON: ") + e.what();
    for (auto& s : o.sockets) s.listed = false;
  }
  return o;
}

nlohmann::json to_json(const OpenSockets& o) {
  nlohmann::json socks = nlohmann::json::array();
  for (const auto& s : o.sockets) {
    nlohmann::json j = {{"local_port", s.local_port},
                        {"remote_port", s.remote_port},
                        {"tcpi_total_retrans", s.tcpi_total_retrans},
                        {"tcpi_segs_out", s.tcpi_segs_out},
                        {"listed", s.listed}};
    if (s.listed) {
      j["top_retrans_segs"] = s.top_retrans_segs;
      j["top_segs_out"] = s.top_segs_out;
    }
    socks.push_back(std::move(j));
  }
  nlohmann::json j = {{"sockets", socks}};
  if (!o.error.empty()) j["error"] = o.error;
  return j;
}

}  // namespace retx::lab
