#include "cgroup_paths.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

namespace retx {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_octal(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    int v = 0;
    if (s[i] == '\\' && i + 4 <= s.size()) {
      auto [end, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 4, v, 8);
      if (ec == std::errc() && end == s.data() + i + 4) {
        out.push_back(static_cast<char>(v));
        i += 3;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

}  // namespace

std::string cgroup2_mount(const std::string& mountinfo) {
  // "36 25 0:30 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw": the mount
  // point is field 5; the filesystem type follows the " - " separator.
  std::istringstream in(mountinfo);
  std::string line;
  while (std::getline(in, line)) {
    auto sep = line.find(" - ");
    if (sep == std::string::npos || line.compare(sep + 3, 8, "cgroup2 ") != 0) continue;
    std::istringstream f(line.substr(0, sep));
    std::string id, parent, dev, root, point;
    if (f >> id >> parent >> dev >> root >> point && root == "/") return unescape_octal(point);
  }
  return "";
}

std::string find_cgroup2_mount() {
  std::ifstream in("/proc/self/mountinfo");
  std::ostringstream text;
  text << in.rdbuf();
  return cgroup2_mount(text.str());
}

CgroupPaths::CgroupPaths(std::string mount) : mount_(std::move(mount)) {}

std::optional<std::string> CgroupPaths::path(std::uint64_t id) {
  auto it = cache_.find(id);
  if (it != cache_.end()) {
    struct stat st {};
    if (stat((mount_ + it->second).c_str(), &st) == 0 && st.st_ino == id) return it->second;
    cache_.erase(it);  // removed, or renamed: walk again
  }
  if (!walked_) {
    walk();
    it = cache_.find(id);
    if (it != cache_.end()) return it->second;
  }
  return std::nullopt;
}

// Depth first over directories only; a directory removed meanwhile is skipped.
void CgroupPaths::walk() {
  walked_ = true;
  cache_.clear();
  if (mount_.empty()) return;  // no cgroup2 here: "" + "/" would walk the root file system
  std::vector<std::string> todo{""};
  while (!todo.empty()) {
    std::string rel = std::move(todo.back());
    todo.pop_back();
    int fd = open((mount_ + (rel.empty() ? "/" : rel)).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat st {};
    if (fstat(fd, &st) == 0) cache_[st.st_ino] = rel.empty() ? "/" : rel;
    DIR* d = fdopendir(fd);
    if (!d) {
      close(fd);
      continue;
    }
    while (struct dirent* e = readdir(d)) {
      std::string_view name = e->d_name;
      if (e->d_type == DT_DIR && name != "." && name != "..") todo.push_back(rel + "/" + e->d_name);
    }
    closedir(d);
  }
}

}  // namespace retx
