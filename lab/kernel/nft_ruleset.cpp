// The nftables ruleset of the nft backend (pure text, unit-tested; loaded with
// `nft -f -` inside the router namespace).
//
// Layout: base chain "egress" on the forward hook filters the impaired
// interfaces and TCP, then jumps to "data" (payload filter) or straight to
// "impair". "impair" counts candidates and decides; "dropper" counts drops
// per family (needed to estimate segments from bytes) and drops.
#include "impairment.h"

#include <sstream>
#include <stdexcept>

namespace retx::lab {
namespace {

constexpr std::uint32_t kRandomScale = 1000000;  // loss resolution 1e-6

std::string quoted_set(const std::vector<std::string>& ifaces) {
  std::string s = "{ ";
  for (size_t i = 0; i < ifaces.size(); ++i) s += (i ? ", \"" : "\"") + ifaces[i] + "\"";
  return s + " }";
}

// nft cannot compute "length minus headers", so "carries payload" is spelled
// out per TCP data offset: a packet is longer than its headers.
void payload_rules(std::ostringstream& o) {
  for (int doff = 5; doff <= 15; ++doff) {
    o << "    meta nfproto ipv4 ip hdrlength 5 tcp doff " << doff << " ip length > " << 20 + 4 * doff
      << " goto impair\n";
  }
  for (int doff = 5; doff <= 15; ++doff) {
    o << "    meta nfproto ipv6 ip6 nexthdr tcp tcp doff " << doff << " ip6 length > " << 4 * doff
      << " goto impair\n";
  }
}

void first_of_connection_rules(std::ostringstream& o) {
  o << "    meta nfproto ipv4 ip saddr . tcp sport . ip daddr . tcp dport @seen4 return\n"
       "    meta nfproto ipv4 add @seen4 { ip saddr . tcp sport . ip daddr . tcp dport } goto dropper\n"
       "    meta nfproto ipv6 ip6 saddr . tcp sport . ip6 daddr . tcp dport @seen6 return\n"
       "    meta nfproto ipv6 add @seen6 { ip6 saddr . tcp sport . ip6 daddr . tcp dport } goto dropper\n";
}

}  // namespace

std::string nft_ruleset(const ImpairmentSpec& s, const std::vector<std::string>& ifaces) {
  if (ifaces.empty()) throw std::invalid_argument("nft_ruleset: no interfaces");
  for (const auto& i : ifaces) {
    if (i.empty() || i.size() > 15 || i.find_first_of("\"\\ \n;{}") != std::string::npos) {
      throw std::invalid_argument("nft_ruleset: bad interface name '" + i + "'");
    }
  }
  std::ostringstream o;
  o << "table inet retxlab {\n"
       "  counter cand { }\n"
       "  counter drop4 { }\n"
       "  counter drop6 { }\n";
  bool syn = s.kind == ImpairKind::FirstSyn || s.kind == ImpairKind::FirstSynAck;
  if (syn) {
    // Remembers connections whose first SYN (SYN-ACK) was dropped, so the
    // retransmission passes. The timeout bounds the set in connection storms.
    o << "  set seen4 { type ipv4_addr . inet_service . ipv4_addr . inet_service; flags dynamic, timeout; "
         "timeout 120s; size 262144; }\n"
         "  set seen6 { type ipv6_addr . inet_service . ipv6_addr . inet_service; flags dynamic, timeout; "
         "timeout 120s; size 262144; }\n";
  }
  if (s.kind == ImpairKind::Blackhole) o << "  set bh_on { type ifname; }\n";
  o << "  chain dropper {\n"
       "    meta nfproto ipv4 counter name \"drop4\" drop\n"
       "    counter name \"drop6\" drop\n"
       "  }\n";

  o << "  chain impair {\n"
       "    counter name \"cand\"\n";
  switch (s.kind) {
    case ImpairKind::Random: {
      auto threshold = static_cast<std::uint64_t>(s.loss * kRandomScale + 0.5);
      o << "    numgen random mod " << kRandomScale << " < " << threshold << " goto dropper\n";
      break;
    }
    case ImpairKind::NthSegment:
      // numgen inc counts the candidates from 0; mod 2^32-1 so it never wraps in a run.
      o << "    numgen inc mod 4294967295 == " << s.nth - 1 << " goto dropper\n";
      break;
    case ImpairKind::FirstSyn:
    case ImpairKind::FirstSynAck:
      first_of_connection_rules(o);
      break;
    case ImpairKind::Blackhole:
      o << "    oifname @bh_on goto dropper\n";
      break;
    default:
      throw std::invalid_argument("nft cannot express impairment kind " + std::string(to_string(s.kind)));
  }
  o << "  }\n";

  bool payload_only = s.direction == Direction::Data && (s.kind == ImpairKind::Random || s.kind == ImpairKind::NthSegment);
  if (payload_only) {
    o << "  chain data {\n";
    payload_rules(o);
    o << "  }\n";
  }

  o << "  chain egress {\n"
       "    type filter hook forward priority 0; policy accept;\n"
       "    oifname != "
    << quoted_set(ifaces) << " return\n"
                             "    meta l4proto != tcp return\n";
  if (s.kind == ImpairKind::FirstSyn) o << "    tcp flags & (fin | syn | rst | ack) == syn goto impair\n";
  else if (s.kind == ImpairKind::FirstSynAck) o << "    tcp flags & (fin | syn | rst | ack) == syn | ack goto impair\n";
  else if (payload_only) o << "    goto data\n";
  else o << "    goto impair\n";
  o << "  }\n}\n";
  return o.str();
}

std::uint64_t estimate_segments(std::uint64_t packets, std::uint64_t bytes, std::uint32_t header_bytes,
                                std::uint32_t mss) {
  if (packets == 0 || mss == 0) return packets;
  std::uint64_t headers = packets * header_bytes;
  std::uint64_t payload = bytes > headers ? bytes - headers : 0;
  std::uint64_t segs = (payload + mss - 1) / mss;
  return segs < packets ? packets : segs;
}

}  // namespace retx::lab
