#include "topology.h"

#include "cleanup.h"
#include "netns_exec.h"
#include "run_cmd.h"
#include "sysctl_write.h"

#include <sys/socket.h>

#include <cstdio>

#include <mutex>
#include <stdexcept>

namespace retx::lab {
namespace {

constexpr const char* kV6Base = "fd52:7846:6c61:";

std::string v4_client_net(int k) { return "198.18." + std::to_string(k) + "."; }
std::string v6_client_net(int k) { return kV6Base + std::to_string(k) + "::"; }

// Fixed, locally administered MACs: link k (client k; kServerLink for the
// server's), host byte 1 on the router's end and 2 on the endpoint's, like the
// addresses. Known in advance, they let every neighbour entry be permanent.
constexpr int kServerLink = 100;
std::string mac(int link, int host) {
  char b[32];
  std::snprintf(b, sizeof b, "02:72:78:6c:%02x:%02x", link & 0xff, host & 0xff);
  return b;
}

// Permanent entries for the peer's v4 and v6 address. Without them the first
// packet to a peer waits for ARP or neighbour discovery, which crosses the
// same qdisc as the traffic: netem loses solicitations like segments, and
// three lost in a row (or a guest clock that leaps past their timer) fail
// the neighbour and a connect with EHOSTUNREACH, before any retransmit the lab
// means to count.
std::string permanent_neighbours(const std::string& dev, const std::string& v4, const std::string& v6,
                                 const std::string& lladdr) {
  std::string tail = " lladdr " + lladdr + " dev " + dev + " nud permanent\n";
  return "neigh replace " + v4 + tail + "neigh replace " + v6 + tail;
}

void check_prefix(const std::string& p) {
  if (p.empty() || p.size() > 40) {
    throw std::invalid_argument("topology prefix '" + p + "': must be 1..40 characters");
  }
  for (char c : p) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) throw std::invalid_argument("topology prefix '" + p + "': only [a-z0-9-] allowed");
  }
}

// `ip netns add` mounts /run/netns on first use; two threads doing that at the
// same moment can stack mounts, so creation is serialised within the process.
std::mutex g_create_mu;

void ip_batch(const std::string& ns, const std::string& commands) {
  run_cmd({"ip", "-n", ns, "-batch", "-"}, commands);
}

}  // namespace

std::string Topology::server_addr(int family) {
  return family == AF_INET6 ? std::string(kV6Base) + "100::2" : "198.19.0.2";
}

std::string Topology::client_addr(int idx, int family) {
  int k = idx + 1;
  return family == AF_INET6 ? v6_client_net(k) + "2" : v4_client_net(k) + "2";
}

std::string Topology::router_if_to_client(int idx) { return "to-c" + std::to_string(idx + 1); }

const Namespace& Topology::client(int idx) const {
  if (idx < 0 || idx >= static_cast<int>(clients_.size())) {
    throw std::out_of_range("client index " + std::to_string(idx) + " out of range (topology has " +
                            std::to_string(clients_.size()) + " clients)");
  }
  return clients_[static_cast<size_t>(idx)];
}

std::vector<Namespace> Topology::all() const {
  std::vector<Namespace> v = clients_;
  v.push_back(router_);
  v.push_back(server_);
  return v;
}

Topology::Topology(TopologySpec spec) : spec_(std::move(spec)) {
  check_prefix(spec_.prefix);
  if (spec_.clients < 1 || spec_.clients > 2) {
    throw std::invalid_argument("topology clients = " + std::to_string(spec_.clients) + ": must be 1 or 2");
  }
  for (const auto& [k, v] : spec_.sysctls) {
    sysctl_path(k);
    check_sysctl_value(k, v);
  }
  try {
    build();
  } catch (...) {
    teardown();
    throw;
  }
}

Topology::~Topology() { teardown(); }

Namespace Topology::make_ns(const std::string& suffix) {
  Namespace ns;
  ns.name = spec_.prefix + "-" + suffix;
  ns.path = "/run/netns/" + ns.name;
  register_netns(ns.name);
  {
    std::lock_guard lk(g_create_mu);
    try {
      run_cmd({"ip", "netns", "add", ns.name});
    } catch (...) {
      unregister_netns(ns.name);
      throw;
    }
  }
  created_.push_back(ns.name);
  ns.inode = retx::netns_inode(ns.path);
  // Before any interface exists: no duplicate address detection, so that link-
  // local and global IPv6 addresses are usable at once. A tentative link-local
  // address on the router delays neighbour discovery and costs the first
  // connection a SYN retransmit, which a lab counting retransmits cannot have.
  write_sysctls(ns, {{"net.ipv6.conf.all.accept_dad", "0"}, {"net.ipv6.conf.default.accept_dad", "0"}});
  return ns;
}

void Topology::build() {
  for (int k = 1; k <= spec_.clients; ++k) clients_.push_back(make_ns("c" + std::to_string(k)));
  router_ = make_ns("r");
  server_ = make_ns("s");

  // One MSS per skb from every sender, so that a dropped skb is one segment.
  const bool one_segment_per_skb = spec_.offload == Offload::SegmentExact;
  // a is the endpoint (host byte 2), b the router (host byte 1).
  auto veth = [&](const Namespace& a, const std::string& a_if, const Namespace& b, const std::string& b_if,
                  int link) {
    run_cmd({"ip", "link", "add", a_if, "netns", a.name, "address", mac(link, 2), "mtu", std::to_string(kMtu),
             "type", "veth", "peer", "name", b_if, "netns", b.name, "address", mac(link, 1), "mtu",
             std::to_string(kMtu)});
    if (one_segment_per_skb) {
      run_cmd({"ip", "-n", a.name, "link", "set", a_if, "gso_max_segs", "1"});
      run_cmd({"ip", "-n", b.name, "link", "set", b_if, "gso_max_segs", "1"});
    }
  };

  std::string router_cmds = "link set lo up\n";
  for (int k = 1; k <= spec_.clients; ++k) {
    const Namespace& c = clients_[static_cast<size_t>(k - 1)];
    std::string rif = router_if_to_client(k - 1);
    veth(c, endpoint_if(), router_, rif, k);
    ip_batch(c.name, "link set lo up\n"
                     "link set to-r up\n"
                     "addr add " + v4_client_net(k) + "2/24 dev to-r\n"
                     "addr add " + v6_client_net(k) + "2/64 dev to-r nodad\n"
                     "route add 198.19.0.0/24 via " + v4_client_net(k) + "1\n"
                     "route add " + kV6Base + "100::/64 via " + v6_client_net(k) + "1\n" +
                     permanent_neighbours("to-r", v4_client_net(k) + "1", v6_client_net(k) + "1", mac(k, 1)));
    router_cmds += "link set " + rif + " up\n"
                   "addr add " + v4_client_net(k) + "1/24 dev " + rif + "\n"
                   "addr add " + v6_client_net(k) + "1/64 dev " + rif + " nodad\n" +
                   permanent_neighbours(rif, v4_client_net(k) + "2", v6_client_net(k) + "2", mac(k, 2));
  }
  const std::string v6_server_net = std::string(kV6Base) + "100::";
  veth(server_, endpoint_if(), router_, router_if_to_server(), kServerLink);
  ip_batch(server_.name, "link set lo up\n"
                         "link set to-r up\n"
                         "addr add 198.19.0.2/24 dev to-r\n"
                         "addr add " + v6_server_net + "2/64 dev to-r nodad\n"
                         "route add 198.18.0.0/16 via 198.19.0.1\n"
                         "route add " + kV6Base + ":/56 via " + v6_server_net + "1\n" +
                         permanent_neighbours("to-r", "198.19.0.1", v6_server_net + "1", mac(kServerLink, 1)));
  router_cmds += "link set to-s up\n"
                 "addr add 198.19.0.1/24 dev to-s\n"
                 "addr add " + v6_server_net + "1/64 dev to-s nodad\n" +
                 permanent_neighbours("to-s", "198.19.0.2", v6_server_net + "2", mac(kServerLink, 2));
  ip_batch(router_.name, router_cmds);

  write_sysctls(router_, {{"net.ipv4.ip_forward", "1"}, {"net.ipv6.conf.all.forwarding", "1"}});
  // With GRO on, the router would merge segments back into super-packets and
  // one drop would remove many segments: per-segment impairment needs it off.
  std::vector<std::string> rifs{router_if_to_server()};
  for (int k = 0; k < spec_.clients; ++k) rifs.push_back(router_if_to_client(k));
  for (const auto& i : rifs) run_cmd({"ip", "netns", "exec", router_.name, "ethtool", "-K", i, "gro", "off"});

  if (!spec_.sysctls.empty()) {
    for (const auto& c : clients_) write_sysctls(c, spec_.sysctls);
    write_sysctls(server_, spec_.sysctls);
  }
}

void Topology::teardown() noexcept {
  for (auto it = created_.rbegin(); it != created_.rend(); ++it) {
    try {
      delete_netns(*it);
    } catch (...) {
      // Leave it registered: the signal handler or the next sweep retries.
      continue;
    }
    unregister_netns(*it);
  }
  created_.clear();
}

}  // namespace retx::lab
