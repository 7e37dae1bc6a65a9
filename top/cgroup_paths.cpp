#include "cgroup_paths.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "proc_text.h"

namespace retx::top {
namespace {

std::string find_mount() {
  std::ifstream in("/proc/self/mountinfo");
  std::stringstream ss;
  ss << in.rdbuf();
  return cgroup2_mount_point(ss.str());
}

// Depth-first over directories; depth is bounded so a bind-mount loop
// cannot recurse for ever.
void walk_dir(int dir_fd, const std::string& rel, int depth, std::unordered_map<std::uint64_t, std::string>& out) {
  struct stat st {};
  if (fstat(dir_fd, &st) == 0) out[st.st_ino] = rel.empty() ? "/" : rel;
  if (depth > 32) return;
  int own = dup(dir_fd);
  DIR* d = own >= 0 ? fdopendir(own) : nullptr;
  if (!d) {
    if (own >= 0) close(own);
    return;
  }
  while (struct dirent* e = readdir(d)) {
    if (e->d_type != DT_DIR || e->d_name[0] == '.') continue;
    int sub = openat(dir_fd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (sub < 0) continue;
    walk_dir(sub, rel + "/" + e->d_name, depth + 1, out);
    close(sub);
  }
  closedir(d);
}

}  // namespace

CgroupPaths::CgroupPaths(std::string mount) : mount_(mount.empty() ? find_mount() : std::move(mount)) {}

void CgroupPaths::walk() {
  by_id_.clear();
  unknown_.clear();
  if (mount_.empty()) return;
  int fd = open(mount_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  walk_dir(fd, "", 0, by_id_);
  close(fd);
}

void CgroupPaths::resolve(std::vector<Conn>& conns) {
  bool fresh = false;
  for (auto& c : conns) {
    if (!c.cgroup_id) continue;
    auto it = by_id_.find(c.cgroup_id);
    if (it == by_id_.end() && !fresh && !unknown_.count(c.cgroup_id)) {
      walk();
      fresh = true;
      it = by_id_.find(c.cgroup_id);
    }
    if (it != by_id_.end()) {
      c.cgroup = it->second;
    } else {
      unknown_.insert(c.cgroup_id);  // removed since, or outside this mount
    }
  }
}

}  // namespace retx::top
