// Writing net.* sysctls of one namespace (from a thread inside it: /proc/sys/net
// resolves to the namespace of the thread that opens it).
#pragma once

#include "topology.h"

#include <map>
#include <string>

namespace retx::lab {

// "/proc/sys/net/ipv4/tcp_sack" for "net.ipv4.tcp_sack"; throws
// std::invalid_argument naming the key if it is not a plain net.* name.
std::string sysctl_path(const std::string& key);
// Values are short tokens ("0", "bbr", "4096 87380 6291456"): no '/' or newline.
void check_sysctl_value(const std::string& key, const std::string& value);

// Throws std::runtime_error("sysctl KEY=VALUE in NS: reason") on failure.
void write_sysctls(const Namespace& ns, const std::map<std::string, std::string>& kv);
std::string read_sysctl(const Namespace& ns, const std::string& key);

}  // namespace retx::lab
