#include "netns_scan.h"

#include <dirent.h>
#include <sys/statfs.h>
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
#include "netns_tasks.h"
#include "proc_net.h"
#include "workload.h"

namespace retx {
namespace {

constexpr long kNsfsMagic = 0x6e736673;  // NSFS_MAGIC, include/uapi/linux/magic.h

bool all_digits(const char* s) {
  if (!*s) return false;
  for (; *s; ++s)
    if (!std::isdigit(static_cast<unsigned char>(*s))) return false;
  return true;
}

// readlink(/proc/PID/ns/net) is "net:[4026531840]".
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
  for_each_entry(run_netns, [&](const char* name) {
    std::string path = run_netns + "/" + name;
    // The mount point of a namespace that is being added, or the empty file a
    // killed `ip netns add` or a deleted namespace's unmount left, is not one.
    struct statfs fs {};
    if (statfs(path.c_str(), &fs) != 0 || fs.f_type != kNsfsMagic) return;
    try {
      auto ino = static_cast<std::uint32_t>(netns_inode(path));
      auto& r = by_inode[ino];
      r.inode = ino;
      r.name = name;
      r.path = path;
    } catch (const std::exception&) {
      // Unmounted and deleted between statfs and stat: gone.
    }
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

NetnsCounters read_netns_counters(const NetnsRef& ns) {
  ProcCounters c;
  // Through a process when there is one: two file reads on the scrape thread.
  // Entering a bind-mounted namespace costs a thread and a setns per scrape.
  bool read = false;
  if (ns.pid != 0) {
    const std::string proc = "/proc/" + std::to_string(ns.pid);
    try {
      c = read_proc_net(proc + "/net");
      // The pid may have exited (or been reused) between listing and reading.
      read = inode_of_link(proc + "/ns/net") == ns.inode;
    } catch (const std::exception&) {
      // Falls through to entering the namespace below.
    }
    if (!read && ns.path.empty() && inode_of_link(proc + "/ns/net") != ns.inode) {
      throw std::runtime_error("netns " + std::to_string(ns.inode) + ": process " + std::to_string(ns.pid) +
                               " left it while being read");
    }
  }
  std::uint64_t cookie = ns.cookie;
  if (!read) {
    c.clear();
    // No /run/netns name and the process's own /proc/net unreadable: enter
    // the namespace through the process's ns file instead.
    const std::string entry = ns.path.empty() ? "/proc/" + std::to_string(ns.pid) + "/ns/net" : ns.path;
    run_in_netns(entry, [&] {
      // The pid may have been reused since it was listed: read only the namespace that was listed.
      if (inode_of_link("/proc/thread-self/ns/net") != ns.inode) {
        throw std::runtime_error("netns " + std::to_string(ns.inode) + ": gone while being read");
      }
      c = read_proc_net("/proc/thread-self/net");
      if (cookie == 0) cookie = socket_netns_cookie();
    });
  }
  NetnsCounters n;
  n.inode = ns.inode;
  n.cookie = cookie;
  n.name = ns.name;
  n.readable = true;
  n.out_segs = counter_or_zero(c, "Tcp.OutSegs");
  n.orig_data_sent = counter_or_zero(c, "TcpExt.TCPOrigDataSent");
  n.spurious = spurious_evidence(c);
  return n;
}

SpuriousEvidence spurious_evidence(const ProcCounters& c) {
  SpuriousEvidence s;
  for (const auto& k : spurious_counters()) s.*k.field = counter_or_zero(c, k.proc_key);
  return s;
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
