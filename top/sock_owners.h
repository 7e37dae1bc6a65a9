// Which process owns a socket: socket inodes of every process's fds, from
// the BPF iterator's task_file program when the reader has it, else from
// /proc/PID/fd links (a readlink per fd).
//
// A full scan is cached: the next call scans again only when it meets a
// socket inode that was neither owned nor known to be ownerless at the
// previous scan (a new socket).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "conn.h"
#include "socket_reader.h"

namespace retx::top {

class SocketOwners {
 public:
  explicit SocketOwners(std::string proc_root = "/proc") : proc_(std::move(proc_root)) {}

  // Sets pid and comm of every connection whose socket a process holds.
  void resolve(std::vector<Conn>& conns, const SocketReader& reader);

  std::size_t scans() const { return scans_; }

 private:
  void scan(const SocketReader& reader);
  void scan_proc();

  std::string proc_;
  std::unordered_map<std::uint64_t, Owner> by_ino_;
  std::unordered_set<std::uint64_t> ownerless_;
  std::size_t scans_ = 0;
};

}  // namespace retx::top
