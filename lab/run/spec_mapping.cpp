#include "spec_mapping.h"

#include <algorithm>

namespace retx::lab {

TopologySpec to_topology_spec(const Scenario& s, const std::string& prefix) {
  TopologySpec t;
  t.prefix = prefix;
  t.clients = s.topology.clients;
  t.offload = s.topology.offload == "gso" ? Offload::Gso : Offload::SegmentExact;
  t.sysctls = s.topology.sysctls;
  return t;
}

ImpairmentSpec to_impairment_spec(const ImpairmentConfig& im) {
  ImpairmentSpec x;
  if (im.kind == "none") x.kind = ImpairKind::None;
  else if (im.kind == "random") x.kind = ImpairKind::Random;
  else if (im.kind == "gemodel") x.kind = ImpairKind::GilbertElliott;
  else if (im.kind == "first_syn") x.kind = ImpairKind::FirstSyn;
  else if (im.kind == "first_synack") x.kind = ImpairKind::FirstSynAck;
  else if (im.kind == "nth_segment") x.kind = ImpairKind::NthSegment;
  else if (im.kind == "blackhole") x.kind = ImpairKind::Blackhole;
  x.direction = im.direction == "ack" ? Direction::Ack : Direction::Data;
  x.seed = im.seed;
  x.loss = im.loss;
  x.ge_p = im.gemodel.p;
  x.ge_r = im.gemodel.r;
  x.ge_bad_loss = im.gemodel.loss_bad;
  x.ge_good_loss = im.gemodel.loss_good;
  x.nth = static_cast<std::uint64_t>(im.nth);
  x.blackhole_start_s = im.blackhole_start_ms / 1000.0;
  x.blackhole_duration_s = im.blackhole_ms / 1000.0;
  const auto& n = im.netem;
  x.delay_ms = n.delay_ms;
  x.jitter_ms = n.jitter_ms;
  x.distribution = n.distribution;
  x.reorder = n.reorder;
  x.duplicate = n.duplicate;
  x.corrupt = n.corrupt;
  x.rate_bps = static_cast<std::uint64_t>(n.rate_mbit * 1e6);
  x.limit = static_cast<std::uint32_t>(n.limit);
  return x;
}

Transfer to_transfer(const TrafficConfig& t) { return t.direction == "download" ? Transfer::Download : Transfer::Upload; }

TrafficSpec to_traffic_spec(const TrafficConfig& t, int client_index0) {
  TrafficSpec x;
  x.mode = t.mode == "rr" ? TrafficMode::RequestResponse : t.mode == "storm" ? TrafficMode::Storm : TrafficMode::Bulk;
  x.flows = t.flows;
  x.bytes = static_cast<std::uint64_t>(t.bytes);
  x.duration_s = t.duration_s;
  x.transfer = to_transfer(t);
  x.family = t.family == "ipv6" ? AF_INET6 : AF_INET;
  x.request_bytes = static_cast<std::uint32_t>(t.request_bytes);
  x.response_bytes = static_cast<std::uint32_t>(t.response_bytes);
  if (t.transactions > 0) x.transactions = static_cast<std::uint32_t>(t.transactions);
  if (t.connections > 0) x.connections = static_cast<std::uint32_t>(t.connections);
  x.pacing_bytes_per_s = static_cast<std::uint64_t>(t.pacing_mbit * 1e6 / 8);
  x.client_index = client_index0;
  x.connect_timeout_s = t.connect_timeout_s;
  x.max_seconds = t.timeout_s;
  x.io_timeout_s = std::min(15.0, t.timeout_s);
  return x;
}

}  // namespace retx::lab
