// --listen / --web.listen-address: exactly one HOST:PORT, checked before anything
// loads. Parsing is pure (no I/O, no name resolution) so it is unit tested and
// fuzzed; binding is http_server's job.
#pragma once

#include <cstdint>
#include <string>

namespace retx {

struct ListenAddress {
  std::string host;  // numeric: "0.0.0.0", "127.0.0.1", "::1", "::"; "" = every address
  std::uint16_t port = 0;  // 0 = the kernel picks one (logged once bound)
  bool ipv6 = false;

  // "127.0.0.1:2112", "[::1]:2112", ":2112".
  std::string text() const;
};

// Accepts IPv4 dotted quads (every octet 0-255), IPv6 in brackets ("[::1]:2112")
// and an empty host (":2112", every address). Whether the HTTP library can
// bind IPv6 is checked at startup (http_server.h), not here. Throws ParseError (options.h)
// naming `flag` for anything else: host names, lists ("a:1,b:2"), ports
// outside 0-65535.
ListenAddress parse_listen_address(const std::string& flag, const std::string& value);

}  // namespace retx
