// Process-wide record of what the lab created, so that nothing outlives it.
//
// Contract:
// - Every network namespace the lab creates is registered here before it is
//   made and unregistered after it is deleted (Topology does this itself).
//   Deleting a namespace deletes its veths, qdiscs, nft tables and tc-BPF
//   filters with it, so namespaces are the only network state to track.
// - Cgroup directories the lab makes (lab_cgroup.h) are registered too and
//   removed (rmdir) like namespaces.
// - Child processes the runner starts (an exporter) can be registered too;
//   they get SIGTERM on a signal.
// - install_signal_cleanup(): on SIGINT/SIGTERM the handler unmounts and
//   unlinks every registered /run/netns/NAME, signals registered children and
//   calls _exit(130) / _exit(143). It only uses async-signal-safe syscalls.
//   It also registers cleanup_registered() with atexit(), so exit() paths
//   (which skip stack destructors) leave nothing behind either.
// - Run prefixes carry the owner's pid ("rxl-<pid>-<n>"); sweep_stale()
//   deletes namespaces named "<root>-<pid>-..." whose pid is no longer alive,
//   i.e. what a SIGKILLed run left behind, sweep_stale_files() such files and
//   empty directories (cgroups). They never touch a live run's.
// The registry has a fixed capacity (kMaxRegistered); registering beyond it
// throws, rather than silently losing track of a namespace.
#pragma once

#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace retx::lab {

inline constexpr std::size_t kMaxRegistered = 512;

// "rxl-<pid>-<n>" with n unique within this process. Keep roots short and
// [a-z0-9]: the prefix becomes part of netns names.
std::string make_run_prefix(std::string_view root = "rxl");

void register_netns(const std::string& name);
void unregister_netns(const std::string& name);
void register_cgroup(const std::string& dir);  // absolute path of the cgroup's directory
void unregister_cgroup(const std::string& dir);
void register_child(pid_t pid);
void unregister_child(pid_t pid);

// Deletes a named namespace (umount + unlink of /run/netns/NAME); no error if
// it is already gone. Throws with the reason otherwise.
void delete_netns(const std::string& name);

// Removes every namespace and cgroup still registered (used by tests and at exit paths).
void cleanup_registered();

void install_signal_cleanup();

struct SweepResult {
  std::vector<std::string> removed;
};
// Removes namespaces "<root>-<pid>-*" whose owner pid is dead.
SweepResult sweep_stale(std::string_view prefix_root = "rxl");

// Removes files and empty directories DIR/<head><pid>-* whose owner pid is
// dead (the exporter logs and cgroups of SIGKILLed runs); returns their paths.
std::vector<std::string> sweep_stale_files(const std::string& dir, std::string_view head);

// Names of all namespaces in /run/netns starting with `prefix` (for checks).
std::vector<std::string> list_netns(std::string_view prefix = "");

}  // namespace retx::lab
