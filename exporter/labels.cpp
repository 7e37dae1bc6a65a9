#include "labels.h"

#include <arpa/inet.h>
#include <cerrno>

#include "retx_abi.h"

namespace retx {

const char* cause_name(std::uint8_t cause) {
  switch (cause) {
    case RETX_CAUSE_RTO: return "rto";
    case RETX_CAUSE_FAST: return "fast";
    case RETX_CAUSE_TLP: return "tlp";
    case RETX_CAUSE_SYN: return "syn";
    case RETX_CAUSE_SYNACK: return "synack";
    default: return "other";
  }
}

const char* family_name(std::uint16_t family) {
  if (family == AF_INET) return "ipv4";
  if (family == AF_INET6) return "ipv6";
  return "other";
}

const char* stage_name(std::uint8_t outcome) {
  switch (outcome) {
    case RETX_OUTCOME_FAILED_EARLY: return "early";
    case RETX_OUTCOME_FAILED_XMIT: return "xmit";
    default: return "sent";
  }
}

std::string errno_name(std::int32_t err) {
  switch (err) {
    case 0: return "";
    case 1: return "NET_XMIT_DROP";  // qdisc dropped it: tcp_transmit_skb passes the code up unchanged
    case 2: return "NET_XMIT_CN";
    case 3: return "NET_XMIT_POLICED";
    case -EPERM: return "EPERM";  // netfilter dropped it on output
    case -EAGAIN: return "EAGAIN";
    case -ENOMEM: return "ENOMEM";
    case -EBUSY: return "EBUSY";
    case -EINVAL: return "EINVAL";
    case -ENOBUFS: return "ENOBUFS";
    case -EHOSTUNREACH: return "EHOSTUNREACH";
    case -ENETUNREACH: return "ENETUNREACH";
    case -ENETDOWN: return "ENETDOWN";
    case -EMSGSIZE: return "EMSGSIZE";
    case -ENODEV: return "ENODEV";
    case -ENXIO: return "ENXIO";
  }
  return "ERR_" + std::to_string(err);
}

std::string format_addr(std::uint16_t family, const std::uint8_t (&raddr)[16]) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (!inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, raddr, buf, sizeof(buf))) return "invalid";
  return buf;
}

}  // namespace retx
