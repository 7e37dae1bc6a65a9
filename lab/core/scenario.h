// What a scenario file describes, as plain data: the same models the kernel
// layer consumes (topology_spec.h, impairment_spec.h, traffic_spec.h), parsed
// and validated once (scenario_parse.h), so the whole file is checked (and
// unit-tested) without root.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "churn_spec.h"
#include "impairment_spec.h"
#include "topology_spec.h"
#include "traffic_spec.h"

namespace retx::lab {

struct RepeatConfig {
  int count = 1;   // attempts
  int quorum = 1;  // statistical checks pass when >= quorum attempts pass them
};

// One expectation. `kind` names the check (check_registry.h); `params` keeps
// the validated parameters as JSON so the report can echo them verbatim.
struct CheckSpec {
  std::string kind;
  std::string name;  // kind, or the file's "name" for this check
  nlohmann::json params = nlohmann::json::object();
};

struct Scenario {
  std::string name;
  std::string description;
  TopologySpec topology;
  ImpairmentSpec impairment;
  // One group, or several running at once (e.g. client1 uploads while client2
  // downloads). The first group decides the impairment's data direction and
  // what the roles "sender"/"receiver" mean.
  std::vector<TrafficGroup> traffic;
  std::vector<std::string> exporter_args;  // needs an exporter started with these flags
  ChurnSpec churn;  // active: the topology is built and deleted churn.cycles times (churn_spec.h)
  RepeatConfig repeat;
  double quiesce_ms = 300;  // counters must stay still this long before "after" is read
  std::vector<CheckSpec> checks;
  std::string source_file;
  std::string json_path;  // "$.scenarios[3]"

  const TrafficGroup& primary_traffic() const { return traffic.front(); }
  // Client indexes (1-based) the group runs on.
  std::vector<int> clients_of(const TrafficGroup& t) const;
  // The distinct "cgroup" names of the traffic groups, in file order.
  std::vector<std::string> cgroups() const;
};

struct Suite {
  std::string name;
  std::string description;
  std::vector<std::string> files;
  std::vector<Scenario> scenarios;
};

}  // namespace retx::lab
