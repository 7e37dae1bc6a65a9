// `retx-lab pair`: a lossy pair of namespaces for scripts that drive their own
// traffic (the benchmarks, scripts/observe.sh's demo, the Prometheus e2e).
// Client namespace(s) each joined to one server namespace by a veth; random
// loss on the server's ingress from each lossy client (nft, netdev ingress:
// real loss on the path, not a failed transmit in the sender's own stack);
// SYNs are spared so connects are not delayed by a 1 s SYN timeout, except to
// an optional port range where every SYN is dropped (a SYN storm's target).
//
// This file is the pure part: options, names, addresses, the nft ruleset and
// the printed description; lab/kernel/pair.h builds it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "topology_spec.h"

namespace retx::lab {

struct PairSpec {
  // "rxl-<owner pid>-<tag>": namespaces "<prefix>-s", "<prefix>-c1", ... The
  // owner is the process the pair belongs to (a script's $$): once it is gone,
  // `retx-lab sweep` (and the next run or pair) removes what is left.
  std::string prefix;
  int clients = 1;                 // 1..8
  std::vector<double> loss_pct;    // per client; one value applies to every client
  int family = 2;                  // AF_INET (2) or AF_INET6 (10)
  Offload offload = Offload::Gso;  // SegmentExact: gso_max_segs 1 on both ends
  int loss_port = 0;               // only TCP to this server port is dropped (0: any port)
  int syn_drop_first = 0, syn_drop_last = 0;  // every SYN to these server ports is dropped (0: none)
};

// One line naming the first problem, or "" when the spec is usable.
std::string pair_spec_error(const PairSpec& s);
double pair_loss_pct(const PairSpec& s, int client);  // client: 1-based

// Names and addresses, identical in every pair (they live in private namespaces).
std::string pair_netns(const PairSpec& s, const std::string& role);  // role: "s", "c1", ...
std::string pair_client_addr(int client, int family);
std::string pair_server_addr(int client, int family);  // the server's address on that client's link
std::string pair_server_if(int client);                // "to-c1": the server's end of that link
inline constexpr const char* kPairClientIf = "to-s";

// The nftables ruleset loaded in the server namespace; "" when nothing is dropped.
std::string pair_nft_ruleset(const PairSpec& s);

// What `retx-lab pair` prints once the pair exists.
struct PairInfo {
  PairSpec spec;
  std::uint64_t server_inode = 0;
  std::vector<std::uint64_t> client_inodes;  // per client
};
// PAIR_NAME=VALUE lines for `eval "$(retx-lab pair ...)"`.
std::string pair_shell_lines(const PairInfo& p);
nlohmann::json pair_to_json(const PairInfo& p);

}  // namespace retx::lab
