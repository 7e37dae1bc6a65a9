// The lab's network: client(s) — router — server, each in its own netns.
//
// Contract:
// - Topology(spec) (lab/core/topology_spec.h; spec.prefix: [a-z0-9-], at most
//   40 characters, e.g. make_run_prefix()) builds everything or throws (after removing whatever it had
//   already made); ~Topology() removes everything. Namespaces are
//   "<prefix>-c1", "<prefix>-c2" (clients = 2), "<prefix>-r", "<prefix>-s"
//   and are registered with cleanup.h while they exist.
// - veth pairs are created directly inside the namespaces, so interface names
//   are fixed ("to-r" in endpoints; "to-s", "to-c1", "to-c2" in the router)
//   and never collide between parallel topologies. MTU 1500.
// - Addresses (identical in every topology, they live in private namespaces):
//   client k: 198.18.k.2/24 and fd52:7846:6c61:k::2/64, router 198.18.k.1 / ::1;
//   server: 198.19.0.2/24 and fd52:7846:6c61:100::2/64, router 198.19.0.1 / ::1.
//   Routes exist only between these subnets: no default route, nothing leaves.
//   IPv6 addresses are added with nodad so they are usable at once.
// - MACs are fixed (02:72:78:6c:LL:HH; LL the link: client k or 0x64 for the
//   server's, HH 01 on the router, 02 on the endpoint) and every peer address
//   has a permanent neighbour entry: no ARP or neighbour discovery ever
//   crosses an impaired link, so loss hits only the traffic.
// - Router: ip_forward and IPv6 forwarding on; GRO off on all its veths.
//   SegmentExact: gso_max_segs 1 on every veth (one skb = one MSS segment).
// - spec.sysctls ("net.ipv4.tcp_sack" -> "0") are written in clients and the
//   server; a key outside "net." or with characters other than [a-z0-9_.-]
//   is rejected with std::invalid_argument before anything is created.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "topology_spec.h"

namespace retx::lab {

struct Namespace {
  std::string name;   // "rxl-123-0-c1"
  std::string path;   // "/run/netns/rxl-123-0-c1"
  std::uint64_t inode = 0;  // the exporter's netns label
};

class Topology {
 public:
  explicit Topology(TopologySpec spec);
  ~Topology();
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;

  const TopologySpec& spec() const { return spec_; }
  const std::vector<Namespace>& clients() const { return clients_; }
  const Namespace& client(int idx) const;  // 0-based; throws std::out_of_range
  const Namespace& router() const { return router_; }
  const Namespace& server() const { return server_; }
  // All namespaces: clients, router, server.
  std::vector<Namespace> all() const;

  // family: AF_INET or AF_INET6. Literal addresses without prefix length.
  static std::string server_addr(int family);
  static std::string client_addr(int idx, int family);

  // Router egress interfaces. Toward the server: the data direction of an
  // upload. Toward client idx: the data direction of a download.
  static std::string router_if_to_server() { return "to-s"; }
  static std::string router_if_to_client(int idx);  // "to-c1", ...
  static std::string endpoint_if() { return "to-r"; }
  static constexpr int kMtu = 1500;

 private:
  void build();
  void teardown() noexcept;
  Namespace make_ns(const std::string& suffix);

  TopologySpec spec_;
  std::vector<Namespace> clients_;
  Namespace router_, server_;
  std::vector<std::string> created_;  // in creation order, for teardown
};

}  // namespace retx::lab
