#include "conn.h"

#include <cstring>
#include <type_traits>

#include "labels.h"

static_assert(sizeof(retx_top_sock) == 136, "retx_top_sock layout changed: update bpf/retx_top.bpf.c and readers");
static_assert(sizeof(retx_sk_last) == 8 + 4 * RETX_CAUSE_COUNT, "retx_sk_last layout changed");
static_assert(std::is_trivially_copyable_v<retx_top_sock> && std::is_trivially_copyable_v<retx_sk_last>);

namespace retx::top {

void fill_from_record(Conn& c, const retx_top_sock& r) {
  c.cookie = r.cookie;
  c.netns = r.netns;
  c.family = r.family;
  std::memcpy(c.laddr, r.laddr, sizeof(c.laddr));
  std::memcpy(c.raddr, r.raddr, sizeof(c.raddr));
  c.lport = r.lport;
  c.rport = r.rport;
  c.state = r.state;
  c.retrans_segs = r.total_retrans;
  c.segs_out = r.segs_out;
  c.data_segs_out = r.data_segs_out;
  c.lost = r.lost_out;
  c.sacked = r.sacked_out;
  c.dsack_dups = r.dsack_dups;
  c.reord_seen = r.reord_seen;
  c.srtt_us = r.srtt_us;
  c.cwnd = r.snd_cwnd;
  c.bytes_acked = r.bytes_acked;
  c.cgroup_id = r.cgroup_id;
  c.ino = r.ino;
  if (r.causes_known) {
    Causes k{};
    for (int i = 0; i < RETX_CAUSE_COUNT; ++i) k[i] = r.causes[i];
    c.causes = k;
  }
}

namespace {

struct StateName {
  const char* full;
  const char* brief;
};

// Indexed by the kernel's TCP state numbers (TCP_ESTABLISHED = 1 ...).
constexpr StateName kStates[] = {
    {"UNKNOWN", "?"},       {"ESTABLISHED", "ESTAB"}, {"SYN_SENT", "SYN-S"},  {"SYN_RECV", "SYN-R"},
    {"FIN_WAIT1", "FIN-1"}, {"FIN_WAIT2", "FIN-2"},   {"TIME_WAIT", "T-WT"},  {"CLOSE", "CLOSE"},
    {"CLOSE_WAIT", "CL-WT"}, {"LAST_ACK", "LSTAK"},   {"LISTEN", "LISTN"},    {"CLOSING", "CLSNG"},
    {"NEW_SYN_RECV", "NSYNR"},
};

const StateName& state_entry(std::uint8_t s) {
  return s < std::size(kStates) ? kStates[s] : kStates[0];
}

}  // namespace

const char* tcp_state_name(std::uint8_t state) { return state_entry(state).full; }
const char* tcp_state_short(std::uint8_t state) { return state_entry(state).brief; }

double retrans_ratio(const Conn& c) {
  return c.segs_out ? static_cast<double>(c.retrans_segs) / static_cast<double>(c.segs_out) : 0.0;
}

std::string main_cause(const Conn& c) {
  if (!c.causes) return "-";
  int best = -1;
  for (int i = 0; i < RETX_CAUSE_COUNT; ++i) {
    if ((*c.causes)[i] > 0 && (best < 0 || (*c.causes)[i] > (*c.causes)[best])) best = i;
  }
  return best < 0 ? "-" : cause_name(static_cast<std::uint8_t>(best));
}

}  // namespace retx::top
