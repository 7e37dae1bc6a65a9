#include "cleanup.h"

#include <dirent.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace retx::lab {
namespace {

constexpr const char* kNetnsDir = "/run/netns/";

// Slots are written under a mutex but read by the signal handler without one:
// a slot's path is complete before `used` is set (release) and the handler
// only reads paths whose `used` it saw set (acquire).
// `owner` keeps a fork()ed child (which inherits the registry) from deleting
// its parent's namespaces when it exits or is signalled.
struct Slot {
  std::atomic<bool> used{false};
  pid_t owner = 0;
  char path[256]{};
};
std::array<Slot, kMaxRegistered> g_netns;
std::array<Slot, 64> g_cgroups;  // directories: rmdir
std::array<std::atomic<pid_t>, 64> g_children{};
std::mutex g_mu;
std::atomic<unsigned> g_prefix_counter{0};

void remove_path_signal_safe(const char* path) {
  umount2(path, MNT_DETACH);
  unlink(path);
}

void on_signal(int sig) {
  for (auto& c : g_children) {
    pid_t p = c.load(std::memory_order_acquire);
    if (p > 0) kill(p, SIGTERM);
  }
  pid_t self = getpid();
  for (auto& s : g_netns) {
    if (s.used.load(std::memory_order_acquire) && s.owner == self) remove_path_signal_safe(s.path);
  }
  // A cgroup still holding a socket-making child stays (EBUSY): sweep's job.
  for (auto& s : g_cgroups) {
    if (s.used.load(std::memory_order_acquire) && s.owner == self) rmdir(s.path);
  }
  _exit(sig == SIGINT ? 130 : 143);
}

std::string ns_path(const std::string& name) { return kNetnsDir + name; }

}  // namespace

std::string make_run_prefix(std::string_view root) {
  return std::string(root) + "-" + std::to_string(getpid()) + "-" +
         std::to_string(g_prefix_counter.fetch_add(1));
}

namespace {

// Takes a free slot for `path`; throws when full or too long.
template <size_t N>
void take_slot(std::array<Slot, N>& slots, const std::string& path, const char* what) {
  if (path.size() >= sizeof(Slot::path)) throw std::invalid_argument(std::string(what) + " path too long: " + path);
  std::lock_guard lk(g_mu);
  for (auto& s : slots) {
    if (!s.used.load(std::memory_order_relaxed)) {
      std::memcpy(s.path, path.c_str(), path.size() + 1);
      s.owner = getpid();
      s.used.store(true, std::memory_order_release);
      return;
    }
  }
  throw std::runtime_error("cleanup registry full (" + std::to_string(N) + " " + what + "s): refusing to create " +
                           path);
}

template <size_t N>
void free_slot(std::array<Slot, N>& slots, const std::string& path) {
  std::lock_guard lk(g_mu);
  for (auto& s : slots) {
    if (s.used.load(std::memory_order_relaxed) && path == s.path) {
      s.used.store(false, std::memory_order_release);
      return;
    }
  }
}

template <size_t N>
std::vector<std::string> owned_paths(const std::array<Slot, N>& slots) {
  std::vector<std::string> out;
  std::lock_guard lk(g_mu);
  for (auto& s : slots)
    if (s.used.load() && s.owner == getpid()) out.emplace_back(s.path);
  return out;
}

}  // namespace

void register_netns(const std::string& name) { take_slot(g_netns, ns_path(name), "namespace"); }
void unregister_netns(const std::string& name) { free_slot(g_netns, ns_path(name)); }
void register_cgroup(const std::string& dir) { take_slot(g_cgroups, dir, "cgroup"); }
void unregister_cgroup(const std::string& dir) { free_slot(g_cgroups, dir); }

void register_child(pid_t pid) {
  std::lock_guard lk(g_mu);
  for (auto& c : g_children) {
    if (c.load() == 0) {
      c.store(pid, std::memory_order_release);
      return;
    }
  }
  throw std::runtime_error("cleanup registry full: cannot track child pid " + std::to_string(pid));
}

void unregister_child(pid_t pid) {
  std::lock_guard lk(g_mu);
  for (auto& c : g_children) {
    if (c.load() == pid) c.store(0, std::memory_order_release);
  }
}

void delete_netns(const std::string& name) {
  std::string path = ns_path(name);
  if (umount2(path.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
    throw std::runtime_error("umount " + path + ": " + std::strerror(errno));
  }
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    throw std::runtime_error("unlink " + path + ": " + std::strerror(errno));
  }
}

void cleanup_registered() {
  for (const auto& path : owned_paths(g_netns)) {
    std::string n = path.substr(std::strlen(kNetnsDir));
    try {
      delete_netns(n);
    } catch (...) {
    }
    unregister_netns(n);
  }
  for (const auto& dir : owned_paths(g_cgroups)) {
    rmdir(dir.c_str());
    unregister_cgroup(dir);
  }
}

void install_signal_cleanup() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGINT);
  sigaddset(&sa.sa_mask, SIGTERM);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  // exit() skips the destructors of objects on the stack: a bad-input path
  // that calls exit(2) after building a Topology must not leave it behind.
  static std::once_flag once;
  std::call_once(once, [] { std::atexit([] { cleanup_registered(); }); });
}

std::vector<std::string> list_netns(std::string_view prefix) {
  std::vector<std::string> out;
  DIR* d = opendir(kNetnsDir);
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    std::string_view n(e->d_name);
    if (n == "." || n == "..") continue;
    if (n.substr(0, prefix.size()) == prefix) out.emplace_back(n);
  }
  closedir(d);
  return out;
}

namespace {

// The pid in "<pid>-..." at the start of `rest` when that process is gone;
// 0 for a live owner, this process, or a name of another shape.
pid_t dead_owner(std::string_view rest) {
  pid_t pid = 0;
  auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), pid);
  if (ec != std::errc() || p == rest.data() + rest.size() || *p != '-' || pid <= 0) return 0;
  if (pid == getpid()) return 0;
  if (kill(pid, 0) == 0 || errno != ESRCH) return 0;  // owner alive (or not ours to judge)
  return pid;
}

}  // namespace

SweepResult sweep_stale(std::string_view prefix_root) {
  SweepResult res;
  std::string head = std::string(prefix_root) + "-";
  for (const auto& name : list_netns(head)) {
    if (dead_owner(std::string_view(name).substr(head.size())) == 0) continue;
    delete_netns(name);
    res.removed.push_back(name);
  }
  return res;
}

std::vector<std::string> sweep_stale_files(const std::string& dir, std::string_view head) {
  std::vector<std::string> removed;
  DIR* d = opendir(dir.c_str());
  if (!d) return removed;
  while (dirent* e = readdir(d)) {
    std::string_view n(e->d_name);
    if (n.substr(0, head.size()) != head || dead_owner(n.substr(head.size())) == 0) continue;
    std::string path = dir + "/" + std::string(n);
    if (::remove(path.c_str()) == 0) removed.push_back(path);  // a file, or an empty directory
  }
  closedir(d);
  return removed;
}

}  // namespace retx::lab
