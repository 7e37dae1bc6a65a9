// A cgroup v2 group of the lab's own, and sockets created inside it.
//
// Contract:
// - LabCgroup makes <cgroup2 mount>/<name> (name "rxl-<pid>-..." so that
//   `retx-lab sweep` can tell a killed run's) and registers it with the
//   cleanup registry (cleanup.h), so a signal removes it too; the destructor
//   removes it. It holds no process of its own: only short-lived children
//   that have exited by the time socket_in_cgroup returns.
// - socket_in_cgroup: the kernel ties a socket to the cgroup of the task that
//   creates it (sk_cgrp_data, kept for the socket's life), and a thread
//   cannot leave its process's cgroup (domain cgroups move whole processes).
//   So a fork()ed child joins the cgroup, creates the socket in the network
//   namespace of the calling thread (which it inherits) and hands it back
//   over a socketpair (SCM_RIGHTS). The child only makes async-signal-safe
//   system calls: safe to fork from a threaded process.
#pragma once

#include <string>
#include <vector>

#include "unique_fd.h"

namespace retx::lab {

class LabCgroup {
 public:
  // Throws std::runtime_error naming the directory when mkdir fails.
  LabCgroup(const std::string& mount, const std::string& name);
  ~LabCgroup();
  LabCgroup(const LabCgroup&) = delete;
  LabCgroup& operator=(const LabCgroup&) = delete;

  const std::string& dir() const { return dir_; }    // absolute: "/sys/fs/cgroup/unified/rxl-..."
  const std::string& path() const { return path_; }  // as the exporter labels it: "/rxl-..."

 private:
  std::string dir_, path_;
};

// socket(family, type, 0) created by a child that joined `cgroup_dir` first.
// Throws std::runtime_error("socket in cgroup DIR: ...") with the child's errno.
retx::UniqueFd socket_in_cgroup(const std::string& cgroup_dir, int family, int type);

// Removes the cgroups rxl-<pid>-* under the cgroup2 mount whose owner pid is
// dead (what a SIGKILLed run left); returns their directories. None without
// a cgroup2 mount.
std::vector<std::string> sweep_stale_cgroups();

}  // namespace retx::lab
