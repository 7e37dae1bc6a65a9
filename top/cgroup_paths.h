// cgroup v2 paths from cgroup ids. On cgroup2 the id the kernel keeps for a
// socket (sk_cgrp_data, INET_DIAG_CGROUP_ID) is the inode number of the
// group's directory, so walking the mount maps ids to paths. The walk is
// cached and redone only when an unknown id shows up (at most once per call).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "conn.h"

namespace retx::top {

class CgroupPaths {
 public:
  // mount: the cgroup2 mount point; empty finds it in /proc/self/mountinfo.
  explicit CgroupPaths(std::string mount = "");

  const std::string& mount() const { return mount_; }
  // Sets Conn::cgroup ("/system.slice/ssh.service", "/" for the root).
  void resolve(std::vector<Conn>& conns);

 private:
  void walk();

  std::string mount_;
  std::unordered_map<std::uint64_t, std::string> by_id_;
  std::unordered_set<std::uint64_t> unknown_;
};

}  // namespace retx::top
