// One TCP connection as retx-top shows it: plain values, filled either from
// the BPF iterator's record (struct retx_top_sock) or from INET_DIAG's
// tcp_info, then completed with the namespace name, cgroup path and owner.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "retx_abi.h"

namespace retx::top {

using Causes = std::array<std::uint64_t, RETX_CAUSE_COUNT>;  // indexed by enum retx_cause

struct Conn {
  std::uint64_t cookie = 0;  // socket cookie: identity across refreshes
  std::uint32_t netns = 0;   // namespace inode
  std::string netns_name;    // /run/netns name, empty if none
  std::uint16_t family = 0;  // AF_INET, AF_INET6
  std::uint8_t laddr[16] = {}, raddr[16] = {};  // network order, IPv4 in the first 4 bytes
  std::uint16_t lport = 0, rport = 0;
  std::uint8_t state = 0;  // include/net/tcp_states.h
  // The figures TCP_INFO reports for the socket.
  std::uint64_t retrans_segs = 0;  // tcpi_total_retrans
  std::uint64_t segs_out = 0, data_segs_out = 0;
  std::uint64_t lost = 0, sacked = 0, dsack_dups = 0, reord_seen = 0;
  std::uint64_t srtt_us = 0, cwnd = 0, bytes_acked = 0;
  std::uint64_t cgroup_id = 0;
  std::string cgroup;  // path under the cgroup2 mount, empty when unknown
  std::uint64_t ino = 0;  // socket inode, 0 when orphaned
  int pid = 0;            // owning process, 0 when unknown
  std::string comm;
  // The probe's per-socket retransmits by cause; absent when no probe had
  // state for this socket (or the source cannot read it).
  std::optional<Causes> causes;
};

// A process holding a socket.
struct Owner {
  int pid = 0;
  std::string comm;
};

// Fills a (default) Conn from the iterator's record, in place.
void fill_from_record(Conn& c, const retx_top_sock& r);

// "ESTABLISHED", "FIN_WAIT1", ...; "UNKNOWN" otherwise.
const char* tcp_state_name(std::uint8_t state);
// Short form for the table: "ESTAB", "SYN-S", "FIN-1", ...
const char* tcp_state_short(std::uint8_t state);

// retrans_segs / segs_out, 0 when nothing was sent.
double retrans_ratio(const Conn& c);

// The cause with the most segments ("fast", "rto", ...), "-" with none.
std::string main_cause(const Conn& c);

}  // namespace retx::top
