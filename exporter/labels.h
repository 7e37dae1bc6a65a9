// Label values derived from the ABI's numeric fields.
#pragma once

#include <cstdint>
#include <string>

namespace retx {

const char* cause_name(std::uint8_t cause);      // rto, fast, tlp, syn, synack, other
const char* family_name(std::uint16_t family);   // ipv4, ipv6, other
const char* stage_name(std::uint8_t outcome);    // early, xmit ("sent" for successes)
// Negative errno → "EBUSY"...; positive NET_XMIT codes → "NET_XMIT_DROP"...; else "ERR_<n>".
std::string errno_name(std::int32_t err);
// raddr as the kernel stores it (network order; IPv4 in the first 4 bytes).
std::string format_addr(std::uint16_t family, const std::uint8_t (&raddr)[16]);

}  // namespace retx
