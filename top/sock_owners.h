// Which process owns a socket: socket inodes found in /proc/PID/fd links.
//
// A full scan reads every fd link of every process, so it is cached: the
// next call scans again only when it meets a socket inode that was neither
// owned nor known to be ownerless at the previous scan (a new socket).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "conn.h"

namespace retx::top {

struct Owner {
  int pid = 0;
  std::string comm;
};

class SocketOwners {
 public:
  explicit SocketOwners(std::string proc_root = "/proc") : proc_(std::move(proc_root)) {}

  // Sets pid and comm of every connection whose socket a process holds.
  void resolve(std::vector<Conn>& conns);

  std::size_t scans() const { return scans_; }

 private:
  void scan();

  std::string proc_;
  std::unordered_map<std::uint64_t, Owner> by_ino_;
  std::unordered_set<std::uint64_t> ownerless_;
  std::size_t scans_ = 0;
};

}  // namespace retx::top
