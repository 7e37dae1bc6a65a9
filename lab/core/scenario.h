// What a scenario file describes, as plain data. The runner maps it onto the
// kernel layer's TopologySpec / ImpairmentSpec / TrafficSpec; keeping our own
// model here lets the whole file be validated (and unit-tested) without root.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace retx::lab {

struct TopologyConfig {
  int clients = 1;                          // 1..2
  std::string offload = "segment_exact";    // "segment_exact" | "gso"
  std::map<std::string, std::string> sysctls;  // applied in the endpoints
};

struct GeModel {
  double p = 0;          // good -> bad transition probability per packet
  double r = 1;          // bad -> good
  double loss_bad = 1;   // drop probability while bad (netem's 1-h)
  double loss_good = 0;  // drop probability while good (netem's 1-k)
  // Long-run drop probability of the two-state chain.
  double stationary_loss() const {
    double pi_bad = (p + r) > 0 ? p / (p + r) : 0;
    return pi_bad * loss_bad + (1 - pi_bad) * loss_good;
  }
};

// Only the netem qdisc provides these; a scenario using any of them is skipped
// where netem is missing.
struct NetemExtras {
  double delay_ms = 0, jitter_ms = 0;
  std::string distribution;  // "" | normal | pareto | paretonormal | uniform
  double reorder = 0, duplicate = 0, corrupt = 0;
  double rate_mbit = 0;
  std::int64_t limit = 0;  // packets, 0 = qdisc default
  bool any() const {
    return delay_ms > 0 || jitter_ms > 0 || !distribution.empty() || reorder > 0 || duplicate > 0 ||
           corrupt > 0 || rate_mbit > 0 || limit > 0;
  }
};

struct ImpairmentConfig {
  // none | random | gemodel | first_syn | first_synack | nth_segment | blackhole
  std::string kind = "none";
  std::string direction = "data";  // data | ack
  double loss = 0;                 // random
  GeModel gemodel;                 // gemodel
  std::int64_t nth = 0;            // nth_segment: drop the N-th data segment (1-based)
  double blackhole_start_ms = 0;     // blackhole: from this long after the impairment is installed
  double blackhole_ms = 0;           // drop every TCP packet on that side for this long
  std::uint64_t seed = 1;
  NetemExtras netem;
  // Nominal drop probability the statistical checks compare against
  // (random: loss; gemodel: the chain's stationary loss; otherwise 0).
  double nominal_loss() const;
  bool stochastic() const { return kind == "random" || kind == "gemodel"; }
};

struct TrafficConfig {
  std::string mode = "bulk";         // bulk | rr | storm
  std::string direction = "upload";  // upload | download
  std::string family = "ipv4";       // ipv4 | ipv6
  int flows = 1;
  std::int64_t bytes = 0;            // bulk: per flow; 0 = use duration
  double duration_s = 0;             // bulk alternative to bytes
  std::int64_t request_bytes = 64, response_bytes = 64;  // rr
  std::int64_t transactions = 0;     // rr: per flow
  std::int64_t connections = 0;      // storm: total connections
  double pacing_mbit = 0;            // SO_MAX_PACING_RATE per socket, 0 = unpaced
  double connect_timeout_s = 5;
  double timeout_s = 30;             // whole transfer
  std::vector<int> clients;          // 1-based client namespaces running it; empty = all
};

struct RepeatConfig {
  int count = 1;   // attempts
  int quorum = 1;  // statistical checks pass when >= quorum attempts pass them
};

// One expectation. `kind` names the check; `params` keeps the validated
// parameters as JSON so the report can echo them verbatim.
struct CheckSpec {
  std::string kind;
  std::string name;  // kind, or the file's "name" for this check
  nlohmann::json params = nlohmann::json::object();
};

struct Scenario {
  std::string name;
  std::string description;
  TopologyConfig topology;
  ImpairmentConfig impairment;
  // One group, or several running at once (e.g. client1 uploads while client2
  // downloads). The first group decides the impairment's data direction and
  // what the roles "sender"/"receiver" mean.
  std::vector<TrafficConfig> traffic;
  std::vector<std::string> exporter_args;  // needs an exporter started with these flags
  RepeatConfig repeat;
  double quiesce_ms = 300;  // counters must stay still this long before "after" is read
  std::vector<CheckSpec> checks;
  std::string source_file;
  std::string json_path;  // "$.scenarios[3]"

  // Features no fallback backend provides ("netem: delay", ...). Empty when
  // the nft/bpf fallbacks can run it.
  std::vector<std::string> needs_netem() const;
  const TrafficConfig& primary_traffic() const { return traffic.front(); }
  // Client indexes (1-based) the group runs on.
  std::vector<int> clients_of(const TrafficConfig& t) const;
};

struct Suite {
  std::string name;
  std::string description;
  std::vector<std::string> files;
  std::vector<Scenario> scenarios;
};

}  // namespace retx::lab
