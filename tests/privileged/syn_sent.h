// Connects that stay in SYN_SENT for a while: loopback connects inside a lab
// namespace to a port whose SYNs nft drops there (the reconnect and retx-top
// tests).
#pragma once

#include <cstdint>
#include <string>

#include "topology.h"

namespace retx::test {

// ns's loopback up (a new namespace's is down) and a table named `table`
// there dropping the SYNs sent to 127.0.0.1:port (or [::1]:port); gone with
// the namespace, or deleted by table name.
void drop_syns_to(const lab::Namespace& ns, const std::string& table, std::uint16_t port);
void delete_table(const lab::Namespace& ns, const std::string& table);

// A non-blocking IPv4 connect to 127.0.0.1:port from the calling thread's
// namespace, under way (EINPROGRESS); the socket's fd.
int connect_loopback(std::uint16_t port);

// fd's local port (IPv4 or IPv6).
std::uint16_t local_port(int fd);

}  // namespace retx::test
