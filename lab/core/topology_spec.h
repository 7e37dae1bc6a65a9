// A scenario's network: how many clients, segment offload, sysctls. Parsed
// from the scenario file here; lab/kernel/topology.h builds it.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace retx::lab {

class JsonReader;

// SegmentExact: gso_max_segs 1 on every veth, so one skb is one MSS segment.
enum class Offload { Gso, SegmentExact };

struct TopologySpec {
  std::string prefix;  // namespace name prefix, e.g. make_run_prefix(); set by the runner, not the file
  int clients = 1;     // 1..2
  Offload offload = Offload::Gso;
  std::map<std::string, std::string> sysctls;  // net.* sysctls written in clients and server
};

// Scenario-file names: "gso", "segment_exact".
std::string_view to_string(Offload o);

// Reads the scenario file's "topology" object (default offload: segment_exact).
TopologySpec parse_topology(const JsonReader& r);

}  // namespace retx::lab
