// Finds the host's network namespaces and reads each one's own SNMP counters:
// the denominator (segments sent) for the retransmission ratio.
//
// A namespace is reachable through a process in it (/proc/PID/net shows that
// process's namespace, no setns needed) or through a bind mount under
// /run/netns (entered with setns on a helper thread).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "proc_net.h"
#include "snapshot.h"

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

// A name for a namespace without a /run/netns name, from its process pid: the
// short id of the container the process is in, else the process's comm.
// Empty when the process is gone.
std::string name_from_process(int pid, const std::string& proc_root = "/proc");

// Throws std::runtime_error when the namespace cannot be read (vanished, no
// privilege). A namespace entered through its bind mount also gets its cookie
// (SO_NETNS_COOKIE) when ns.cookie is unknown.
NetnsCounters read_netns_counters(const NetnsRef& ns);

// The DSACK and undo counters of one namespace's parsed /proc/net files.
SpuriousEvidence spurious_evidence(const ProcCounters& c);

// Resolves --netns entries (inodes or /run/netns names) to inodes. Throws
// std::runtime_error naming an entry that matches nothing.
std::vector<std::uint32_t> resolve_netns_filter(const std::vector<std::string>& entries,
                                                const std::string& run_netns = "/run/netns");

}  // namespace retx
