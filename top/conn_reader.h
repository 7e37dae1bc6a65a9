// Every TCP connection of every network namespace (or of the wanted ones):
// the socket reader run inside each namespace, then names, owners and
// cgroup paths filled in.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "cgroup_paths.h"  // exporter/
#include "conn.h"
#include "sock_owners.h"
#include "socket_reader.h"

namespace retx::top {

struct ReadReport {
  std::size_t namespaces = 0;  // read
  std::size_t failed = 0;      // vanished or unreadable while being read
  std::string last_error;
  double sockets_ms = 0, owners_ms = 0, cgroups_ms = 0;  // where the time went (--verbose)
};

class ConnectionReader {
 public:
  explicit ConnectionReader(std::unique_ptr<SocketReader> reader);

  const SocketReader& reader() const { return *reader_; }
  std::vector<Conn> read_all(const std::vector<std::string>& netns_wanted, ReadReport* report = nullptr);

 private:
  // Conn::cgroup from Conn::cgroup_id ("/system.slice/ssh.service"); a removed
  // cgroup's stays empty. One lookup per distinct id: many sockets share one.
  void resolve_cgroups(std::vector<Conn>& conns);

  std::unique_ptr<SocketReader> reader_;
  SocketOwners owners_;
  CgroupPaths cgroups_;  // the exporter's id -> path walk, shared
  std::uint32_t own_netns_ = 0;
};

// Milliseconds since t0 on the steady clock.
double ms_since(std::chrono::steady_clock::time_point t0);

// Entries of `wanted` (inodes or names) that match no namespace now.
std::vector<std::string> unmatched_netns(const std::vector<std::string>& wanted);

}  // namespace retx::top
