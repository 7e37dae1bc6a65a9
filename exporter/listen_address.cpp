#include "listen_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "options.h"

namespace retx {
namespace {

std::uint16_t parse_port(const std::string& flag, const std::string& value, const std::string& port) {
  unsigned out = 0;
  auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), out);
  if (port.empty() || ec != std::errc() || p != port.data() + port.size() || out > 65535) {
    throw ParseError(flag + ": port must be 0-65535, got '" + port + "' in '" + value + "'");
  }
  return static_cast<std::uint16_t>(out);
}

bool looks_like_ipv4(const std::string& host) {
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
  });
}

}  // namespace

std::string ListenAddress::text() const {
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

ListenAddress parse_listen_address(const std::string& flag, const std::string& value) {
  // A comma would reach civetweb's listening_ports as a second address.
  if (value.find_first_of(", \t\r\n") != std::string::npos) {
    throw ParseError(flag + ": expected exactly one HOST:PORT, got '" + value + "'");
  }
  ListenAddress a;
  std::string port;
  if (!value.empty() && value[0] == '[') {
    auto close = value.find(']');
    if (close == std::string::npos || close + 1 >= value.size() || value[close + 1] != ':') {
      throw ParseError(flag + ": expected [IPV6]:PORT, got '" + value + "'");
    }
    a.host = value.substr(1, close - 1);
    a.ipv6 = true;
    port = value.substr(close + 2);
    in6_addr v6{};
    if (inet_pton(AF_INET6, a.host.c_str(), &v6) != 1) {
      throw ParseError(flag + ": '" + a.host + "' is not a numeric IPv6 address");
    }
  } else {
    auto colon = value.rfind(':');
    if (colon == std::string::npos) throw ParseError(flag + ": expected HOST:PORT, got '" + value + "'");
    a.host = value.substr(0, colon);
    port = value.substr(colon + 1);
    in_addr v4{};
    if (a.host.find(':') != std::string::npos) {
      throw ParseError(flag + ": an IPv6 address goes in brackets, e.g. [::1]:2112; got '" + value + "'");
    } else if (!a.host.empty() && inet_pton(AF_INET, a.host.c_str(), &v4) != 1) {
      throw ParseError(flag + ": '" + a.host + "' is not " +
                       (looks_like_ipv4(a.host) ? "an IPv4 address (four octets, each 0-255)"
                                                : "a numeric address (host names are not resolved)"));
    }
  }
  a.port = parse_port(flag, value, port);
  return a;
}

}  // namespace retx
