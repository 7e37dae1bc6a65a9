#include "netns_scan.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <charconv>
#include <map>
#include <stdexcept>

#include <fstream>
#include <sstream>

#include "netns_exec.h"
#include "workload.h"

namespace retx {
namespace {

bool all_digits(const char* s) {
  if (!*s) return false;
  for (; *s; ++s)
    if (!std::isdigit(static_cast<unsigned char>(*s))) return false;
  return true;
}

}  // namespace

std::uint32_t inode_of_link(const std::string& link) {
  char buf[64];
  ssize_t n = readlink(link.c_str(), buf, sizeof(buf) - 1);
  if (n <= 0) return 0;
  buf[n] = 0;
  const char* open = std::strchr(buf, '[');
  if (!open) return 0;
  std::uint32_t ino = 0;
  std::from_chars(open + 1, buf + n, ino);
  return ino;
}

namespace {

template <typename F>
void for_each_entry(const std::string& dir, F&& f) {
  DIR* d = opendir(dir.c_str());
  if (!d) return;
  while (struct dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    f(e->d_name);
  }
  closedir(d);
}

}  // namespace

std::vector<NetnsRef> list_namespaces(const std::string& proc_root, const std::string& run_netns) {
  std::map<std::uint32_t, NetnsRef> by_inode;
  // Every namespace file is on the one nsfs device. An entry on another is not
  // a namespace: the mount point of one being added, or the empty file a killed
  // `ip netns add` or a deleted namespace's unmount left. One stat per entry
  // gives device and inode together.
  struct stat self {};
  const bool have_nsfs = stat("/proc/self/ns/net", &self) == 0;
  for_each_entry(run_netns, [&](const char* name) {
    std::string path = run_netns + "/" + name;
    struct stat st {};
    if (!have_nsfs || stat(path.c_str(), &st) != 0 || st.st_dev != self.st_dev) return;
    auto ino = static_cast<std::uint32_t>(st.st_ino);
    auto& r = by_inode[ino];
    r.inode = ino;
    r.name = name;
    r.path = path;
  });
  for_each_entry(proc_root, [&](const char* pid) {
    if (!all_digits(pid)) return;
    std::uint32_t ino = inode_of_link(proc_root + "/" + pid + "/ns/net");
    if (ino == 0) return;
    auto& r = by_inode[ino];
    r.inode = ino;
    if (r.pid == 0) r.pid = std::atoi(pid);
  });
  std::vector<NetnsRef> out;
  out.reserve(by_inode.size());
  for (auto& [ino, r] : by_inode) {
    if (r.name.empty() && r.pid != 0) r.name = name_from_process(r.pid, proc_root);
    out.push_back(std::move(r));
  }
  return out;
}

std::string netns_entry_path(const NetnsRef& ns) {
  return ns.path.empty() ? "/proc/" + std::to_string(ns.pid) + "/ns/net" : ns.path;
}

std::string name_from_process(int pid, const std::string& proc_root) {
  const std::string dir = proc_root + "/" + std::to_string(pid);
  auto slurp = [](const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  };
  Workload w = parse_workload(cgroup_v2_path(slurp(dir + "/cgroup")));
  if (!w.container_id.empty()) return short_container_id(w.container_id);
  std::string comm = slurp(dir + "/comm");
  if (!comm.empty() && comm.back() == '\n') comm.pop_back();
  return comm;
}

std::vector<std::uint32_t> resolve_netns_filter(const std::vector<std::string>& entries, const std::string& run_netns) {
  std::vector<std::uint32_t> out;
  for (const auto& e : entries) {
    if (all_digits(e.c_str())) {
      std::uint32_t ino = 0;
      std::from_chars(e.data(), e.data() + e.size(), ino);
      out.push_back(ino);
      continue;
    }
    try {
      out.push_back(static_cast<std::uint32_t>(netns_inode(run_netns + "/" + e)));
    } catch (const std::exception&) {
      throw std::runtime_error("--netns: '" + e + "' is neither an inode nor a name under " + run_netns);
    }
  }
  return out;
}

}  // namespace retx
