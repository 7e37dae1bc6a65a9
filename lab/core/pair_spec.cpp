#include "pair_spec.h"

#include <sys/socket.h>

#include <regex>
#include <sstream>

namespace retx::lab {

namespace {

std::string v4_net(int client) { return "198.18." + std::to_string(client) + "."; }
std::string v6_net(int client) { return "fd52:7846:6c61:" + std::to_string(client) + "::"; }

// Loss resolution 1e-6, as the impairments' nft backend.
constexpr std::uint32_t kRandomScale = 1000000;

std::string drop_rules(const PairSpec& s, int client) {
  std::ostringstream o;
  const double loss = pair_loss_pct(s, client);
  if (loss > 0) {
    auto threshold = static_cast<std::uint64_t>(loss / 100 * kRandomScale + 0.5);
    o << "    meta l4proto tcp tcp flags & syn == 0";
    if (s.loss_port) o << " tcp dport " << s.loss_port;
    o << " numgen random mod " << kRandomScale << " < " << threshold << " counter drop\n";
  }
  if (s.syn_drop_first) {
    o << "    meta l4proto tcp tcp dport " << s.syn_drop_first << "-" << s.syn_drop_last
      << " tcp flags & (syn | ack) == syn counter drop\n";
  }
  return o.str();
}

}  // namespace

double pair_loss_pct(const PairSpec& s, int client) {
  if (s.loss_pct.empty()) return 0;
  if (s.loss_pct.size() == 1) return s.loss_pct[0];
  return static_cast<size_t>(client) <= s.loss_pct.size() ? s.loss_pct[static_cast<size_t>(client - 1)] : 0;
}

std::string pair_spec_error(const PairSpec& s) {
  static const std::regex prefix_re("rxl-[1-9][0-9]{0,9}-[a-z0-9][a-z0-9-]{0,23}");
  if (!std::regex_match(s.prefix, prefix_re))
    return "--prefix \"" + s.prefix + "\": expected rxl-<owner pid>-<tag> (tag: 1-24 of [a-z0-9-])";
  if (s.clients < 1 || s.clients > 8) return "--clients " + std::to_string(s.clients) + ": expected 1..8";
  if (s.loss_pct.size() > 1 && s.loss_pct.size() != static_cast<size_t>(s.clients))
    return "--loss: " + std::to_string(s.loss_pct.size()) + " values for " + std::to_string(s.clients) +
           " clients (give one value, or one per client)";
  for (double l : s.loss_pct)
    if (!(l >= 0 && l <= 100)) return "--loss: expected percentages in [0,100]";
  if (s.family != AF_INET && s.family != AF_INET6) return "family must be ipv4 or ipv6";
  if (s.loss_port < 0 || s.loss_port > 65535) return "--loss-port: expected 1..65535";
  if (s.syn_drop_first || s.syn_drop_last) {
    if (s.syn_drop_first < 1 || s.syn_drop_last < s.syn_drop_first || s.syn_drop_last > 65535)
      return "--drop-syn-ports: expected FIRST-LAST with 1 <= FIRST <= LAST <= 65535";
  }
  return {};
}

std::string pair_netns(const PairSpec& s, const std::string& role) { return s.prefix + "-" + role; }

std::string pair_client_addr(int client, int family) {
  return family == AF_INET6 ? v6_net(client) + "1" : v4_net(client) + "1";
}

std::string pair_server_addr(int client, int family) {
  return family == AF_INET6 ? v6_net(client) + "2" : v4_net(client) + "2";
}

std::string pair_server_if(int client) { return "to-c" + std::to_string(client); }

std::string pair_nft_ruleset(const PairSpec& s) {
  std::ostringstream o;
  for (int c = 1; c <= s.clients; ++c) {
    std::string rules = drop_rules(s, c);
    if (rules.empty()) continue;
    o << "  chain from_c" << c << " {\n"
      << "    type filter hook ingress device \"" << pair_server_if(c) << "\" priority 0; policy accept;\n"
      << rules << "  }\n";
  }
  std::string chains = o.str();
  return chains.empty() ? "" : "table netdev retx_pair {\n" + chains + "}\n";
}

std::string pair_shell_lines(const PairInfo& p) {
  const auto& s = p.spec;
  std::ostringstream o;
  auto line = [&](const std::string& k, const std::string& v) { o << "PAIR_" << k << "='" << v << "'\n"; };
  line("PREFIX", s.prefix);
  line("CLIENTS", std::to_string(s.clients));
  line("SERVER_NS", pair_netns(s, "s"));
  line("SERVER_INODE", std::to_string(p.server_inode));
  for (int c = 1; c <= s.clients; ++c) {
    const std::string k = "C" + std::to_string(c) + "_";
    line(k + "NS", pair_netns(s, "c" + std::to_string(c)));
    line(k + "INODE", std::to_string(p.client_inodes.at(static_cast<size_t>(c - 1))));
    line(k + "ADDR", pair_client_addr(c, s.family));
    line(k + "SERVER_ADDR", pair_server_addr(c, s.family));
    std::ostringstream loss;
    loss << pair_loss_pct(s, c);
    line(k + "LOSS_PCT", loss.str());
  }
  return o.str();
}

nlohmann::json pair_to_json(const PairInfo& p) {
  const auto& s = p.spec;
  nlohmann::json clients = nlohmann::json::array();
  for (int c = 1; c <= s.clients; ++c)
    clients.push_back({{"netns", pair_netns(s, "c" + std::to_string(c))},
                       {"inode", p.client_inodes.at(static_cast<size_t>(c - 1))},
                       {"addr", pair_client_addr(c, s.family)},
                       {"server_addr", pair_server_addr(c, s.family)},
                       {"server_if", pair_server_if(c)},
                       {"loss_pct", pair_loss_pct(s, c)}});
  return {{"prefix", s.prefix},
          {"family", s.family == AF_INET6 ? "ipv6" : "ipv4"},
          {"offload", to_string(s.offload)},
          {"loss_port", s.loss_port},
          {"server", {{"netns", pair_netns(s, "s")}, {"inode", p.server_inode}}},
          {"clients", clients}};
}

}  // namespace retx::lab
