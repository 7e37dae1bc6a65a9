// Steps one attempt of a scenario shares with a churn cycle: naming a
// topology's namespaces by role, driving every traffic group at once.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "attempt_measure.h"
#include "scenario.h"
#include "topology.h"

namespace retx::lab {

struct RoleNs {
  std::string role;  // client1 | client2 | router | server
  Namespace ns;
};

// In Topology::all()'s order (clients, router, server): the i-th role is all()[i].
std::vector<RoleNs> roles_of(const Topology& topo);

// Traffic of every group on every client it names, all at once. A group
// with a "cgroup" creates its client sockets in cgroup_dirs[that name]
// (absolute directories, lab_cgroup.h), and its client sockets are listed
// again in TrafficRun::cgroup_sockets.
TrafficRun drive_traffic(const Topology& topo, const Scenario& s,
                         const std::map<std::string, std::string>& cgroup_dirs = {});

}  // namespace retx::lab
