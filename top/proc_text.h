// Parsers for the /proc text retx-top reads. Pure: unit tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace retx::top {

// The inode of an fd link target "socket:[12345]", or nullopt for anything else.
std::optional<std::uint64_t> socket_inode_of_link(std::string_view target);

// "inuse" of the TCP (or TCP6) line of /proc/net/sockstat{,6}; 0 when absent.
std::uint64_t tcp_inuse(std::string_view sockstat);

}  // namespace retx::top
