// From the scenario file's model (lab/core) to the kernel layer's specs.
#pragma once

#include "impairment.h"
#include "scenario.h"
#include "topology.h"
#include "traffic.h"

namespace retx::lab {

TopologySpec to_topology_spec(const Scenario& s, const std::string& prefix);
ImpairmentSpec to_impairment_spec(const ImpairmentConfig& im);
TrafficSpec to_traffic_spec(const TrafficConfig& t, int client_index0);
Transfer to_transfer(const TrafficConfig& t);

}  // namespace retx::lab
