#include "conn_json.h"

#include "labels.h"

namespace retx::top {
namespace {

nlohmann::ordered_json causes_json(const Conn& c) {
  if (!c.causes) return nullptr;
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (int i = 0; i < RETX_CAUSE_COUNT; ++i) j[cause_name(static_cast<std::uint8_t>(i))] = (*c.causes)[i];
  return j;
}

nlohmann::ordered_json or_null(const std::string& s) { return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s); }

}  // namespace

nlohmann::ordered_json conn_to_json(const Conn& c) {
  return {
      {"netns", c.netns},
      {"netns_name", or_null(c.netns_name)},
      {"family", family_name(c.family)},
      {"local_addr", format_addr(c.family, c.laddr)},
      {"local_port", c.lport},
      {"remote_addr", format_addr(c.family, c.raddr)},
      {"remote_port", c.rport},
      {"state", tcp_state_name(c.state)},
      {"retrans_segs", c.retrans_segs},
      {"segs_out", c.segs_out},
      {"data_segs_out", c.data_segs_out},
      {"lost", c.lost},
      {"sacked", c.sacked},
      {"dsack_dups", c.dsack_dups},
      {"reord_seen", c.reord_seen},
      {"srtt_us", c.srtt_us},
      {"cwnd", c.cwnd},
      {"bytes_acked", c.bytes_acked},
      {"cgroup", or_null(c.cgroup)},
      {"cgroup_id", c.cgroup_id},
      {"pid", c.pid ? nlohmann::ordered_json(c.pid) : nlohmann::ordered_json(nullptr)},
      {"comm", or_null(c.comm)},
      {"causes", causes_json(c)},
      {"cookie", c.cookie},
  };
}

nlohmann::ordered_json connections_json(const std::vector<Row>& rows, const std::string& sockets_from,
                                const nlohmann::ordered_json& causes_from) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& r : rows) list.push_back(conn_to_json(*r.conn));
  return {{"connections", std::move(list)}, {"sockets_from", sockets_from}, {"causes_from", causes_from}};
}

}  // namespace retx::top
