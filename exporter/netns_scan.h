// Finds the host's network namespaces (netns_files.h reads their counters).
//
// A namespace is reachable through a process in it (/proc/PID/net shows that
// process's namespace, no setns needed) or through a bind mount under
// /run/netns (entered with setns on a helper thread).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace retx {

struct NetnsRef {
  std::uint32_t inode = 0;
  std::uint64_t cookie = 0;  // when known (Probe::netns_tasks, or read on entering it)
  std::string name;  // /run/netns name, else named after its first process (name_from_process)
  int pid = 0;       // a process inside it, if any
  std::string path;  // /run/netns/NAME, if any
};

std::vector<NetnsRef> list_namespaces(const std::string& proc_root = "/proc",
                                      const std::string& run_netns = "/run/netns");

// A file that enters the namespace (setns): its bind mount, else a process in it.
std::string netns_entry_path(const NetnsRef& ns);

// A name for a namespace without a /run/netns name, from its process pid: the
// short id of the container the process is in, else the process's comm.
// Empty when the process is gone.
std::string name_from_process(int pid, const std::string& proc_root = "/proc");

// The inode of the namespace a /proc/PID/ns/net link names ("net:[4026531840]"),
// 0 when the link cannot be read (the process is gone).
std::uint32_t inode_of_link(const std::string& link);

// Resolves --netns entries (inodes or /run/netns names) to inodes. Throws
// std::runtime_error naming an entry that matches nothing.
std::vector<std::uint32_t> resolve_netns_filter(const std::vector<std::string>& entries,
                                                const std::string& run_netns = "/run/netns");

}  // namespace retx
