#include "pair.h"

#include <sys/socket.h>

#include <cctype>
#include <stdexcept>

#include "cleanup.h"
#include "netns_exec.h"
#include "run_cmd.h"
#include "sysctl_write.h"

namespace retx::lab {

namespace {

Namespace make_ns(const std::string& name, std::vector<std::string>& created) {
  register_netns(name);
  try {
    run_cmd({"ip", "netns", "add", name});
  } catch (...) {
    unregister_netns(name);
    throw;
  }
  created.push_back(name);
  Namespace ns{name, "/run/netns/" + name, 0};
  ns.inode = retx::netns_inode(ns.path);
  // Before any interface exists: IPv6 addresses usable at once, no tentative
  // link-local address delaying the first connection.
  write_sysctls(ns, {{"net.ipv6.conf.all.accept_dad", "0"}, {"net.ipv6.conf.default.accept_dad", "0"}});
  return ns;
}

std::string addr_cmd(const std::string& addr, int family, const std::string& dev) {
  return family == AF_INET6 ? "addr add " + addr + "/64 dev " + dev + " nodad\n"
                            : "addr add " + addr + "/24 dev " + dev + "\n";
}

// "<prefix>-s" or "<prefix>-c<digits>".
bool is_pair_member(const std::string& name, const std::string& prefix) {
  if (name.size() <= prefix.size() + 1 || name.compare(0, prefix.size() + 1, prefix + "-") != 0) return false;
  std::string role = name.substr(prefix.size() + 1);
  if (role == "s") return true;
  if (role.size() < 2 || role[0] != 'c') return false;
  for (size_t i = 1; i < role.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(role[i]))) return false;
  return true;
}

}  // namespace

Pair::Pair(const PairSpec& spec) {
  info_.spec = spec;
  if (auto e = pair_spec_error(spec); !e.empty()) throw std::invalid_argument(e);
  try {
    build();
  } catch (...) {
    teardown();
    throw;
  }
}

Pair::~Pair() {
  if (!released_) teardown();
}

void Pair::build() {
  const PairSpec& s = info_.spec;
  Namespace server = make_ns(pair_netns(s, "s"), created_);
  info_.server_inode = server.inode;
  std::string server_cmds = "link set lo up\n";
  for (int c = 1; c <= s.clients; ++c) {
    Namespace client = make_ns(pair_netns(s, "c" + std::to_string(c)), created_);
    info_.client_inodes.push_back(client.inode);
    const std::string sif = pair_server_if(c);
    run_cmd({"ip", "link", "add", kPairClientIf, "netns", client.name, "type", "veth", "peer", "name", sif, "netns",
             server.name});
    if (s.offload == Offload::SegmentExact) {
      run_cmd({"ip", "-n", client.name, "link", "set", kPairClientIf, "gso_max_segs", "1"});
      run_cmd({"ip", "-n", server.name, "link", "set", sif, "gso_max_segs", "1"});
    }
    run_cmd({"ip", "-n", client.name, "-batch", "-"},
            "link set lo up\n" + addr_cmd(pair_client_addr(c, s.family), s.family, kPairClientIf) + "link set " +
                kPairClientIf + " up\n");
    server_cmds += addr_cmd(pair_server_addr(c, s.family), s.family, sif) + "link set " + sif + " up\n";
  }
  run_cmd({"ip", "-n", server.name, "-batch", "-"}, server_cmds);
  if (auto rules = pair_nft_ruleset(s); !rules.empty())
    run_cmd({"ip", "netns", "exec", server.name, "nft", "-f", "-"}, rules);
}

void Pair::release() {
  for (const auto& n : created_) unregister_netns(n);
  released_ = true;
}

void Pair::teardown() noexcept {
  for (auto it = created_.rbegin(); it != created_.rend(); ++it) {
    try {
      delete_netns(*it);
    } catch (...) {
      continue;  // left registered: the exit cleanup or the next sweep retries
    }
    unregister_netns(*it);
  }
  created_.clear();
}

std::vector<std::string> delete_pair(const std::string& prefix) {
  PairSpec probe;
  probe.prefix = prefix;
  if (auto e = pair_spec_error(probe); !e.empty()) throw std::invalid_argument(e);
  std::vector<std::string> removed;
  for (const auto& name : list_netns(prefix + "-")) {
    if (!is_pair_member(name, prefix)) continue;
    delete_netns(name);
    removed.push_back(name);
  }
  return removed;
}

}  // namespace retx::lab
