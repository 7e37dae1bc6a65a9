// Cgroup ids (what the probe reads from a socket) to paths under the cgroup2
// mount, e.g. 1234 -> "/system.slice/nginx.service". A cgroup v2 id is the
// kernfs id, which is the inode number of the cgroup's directory: ids are
// resolved by walking the tree and never reused.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace retx {

// The mount point of the cgroup2 hierarchy in /proc/self/mountinfo text:
// /sys/fs/cgroup on a pure cgroup v2 system, /sys/fs/cgroup/unified on a
// hybrid one. Empty when cgroup2 is not mounted. Escapes (\040) are decoded.
std::string cgroup2_mount(const std::string& mountinfo);
// The same for this process's /proc/self/mountinfo.
std::string find_cgroup2_mount();

class CgroupPaths {
 public:
  explicit CgroupPaths(std::string mount);
  const std::string& mount() const { return mount_; }

  // The path of a cgroup that exists now; nullopt for a removed one. A cached
  // path is checked with one stat; an unknown id walks the tree, at most once
  // between two calls of new_scrape().
  std::optional<std::string> path(std::uint64_t id);
  void new_scrape() { walked_ = false; }

 private:
  void walk();

  std::string mount_;
  std::unordered_map<std::uint64_t, std::string> cache_;
  bool walked_ = false;
};

}  // namespace retx
