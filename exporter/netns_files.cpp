#include "netns_files.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <unordered_set>

#include "netns_counters_text.h"
#include "netns_exec.h"
#include "netns_tasks.h"
#include "on_thread.h"

namespace retx {
namespace {

UniqueFd open_read_only(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  return fd;
}

// The whole text of a /proc/net seq_file. Reading from offset 0 restarts its
// iterator, so the kernel prints the counters again; the loop then reads on
// until the end in case the text outgrew the buffer.
std::string_view read_from_start(int fd, std::vector<char>& buf) {
  if (buf.empty()) buf.resize(16 * 1024);  // snmp ~1.5 KiB, netstat ~3.5 KiB on 6.18
  std::size_t have = 0;
  for (;;) {
    if (buf.size() - have < 1024) buf.resize(buf.size() * 2);
    ssize_t n = pread(fd, buf.data() + have, buf.size() - have, static_cast<off_t>(have));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error(std::string("read of /proc/net counters: ") + std::strerror(errno));
    if (n == 0) return {buf.data(), have};
    have += static_cast<std::size_t>(n);
    // snmp and netstat are single-record seq_files (single_open_net): the
    // kernel copies out the whole record unless the buffer is full, so a read
    // that left room is the end, and the pread that would return 0 is saved
    // (600 syscalls per scrape at 300 namespaces: 0.9 ms of 14.5 measured).
    if (have < buf.size()) return {buf.data(), have};
  }
}

// Half the descriptors this process may have: the rest stay for HTTP
// connections, the BPF objects and the files of namespaces beyond the budget.
std::size_t descriptor_budget() {
  struct rlimit rl {};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return 1 << 20;
  return static_cast<std::size_t>(rl.rlim_cur) / 2;
}

std::string proc_dir(int pid) { return "/proc/" + std::to_string(pid); }

}  // namespace

NetnsFiles::NetnsFiles() : max_open_(descriptor_budget() / 2) {}

// Through a process when there is one: two opens on the scrape thread.
// False when that did not work and the namespace is to be entered instead.
bool NetnsFiles::open_through_process(const NetnsRef& ns, Files& f) {
  if (ns.pid == 0) return false;
  const std::string proc = proc_dir(ns.pid);
  // The pid may have exited, been reused or moved since it was listed: the
  // files count only if it is in the listed namespace before and after.
  if (inode_of_link(proc + "/ns/net") == ns.inode) {
    try {
      f.snmp = open_read_only(proc + "/net/snmp");
      f.netstat = open_read_only(proc + "/net/netstat");
      if (inode_of_link(proc + "/ns/net") == ns.inode) return true;
    } catch (const std::exception&) {
      // Falls through to entering the namespace.
    }
  }
  if (ns.path.empty() && inode_of_link(proc + "/ns/net") != ns.inode) {
    throw std::runtime_error("netns " + std::to_string(ns.inode) + ": process " + std::to_string(ns.pid) +
                             " left it while being read");
  }
  return false;
}

// Moves the calling thread into ns, so only on a thread of its own that ends
// after. Through the bind mount, else (the process's own /proc/net was
// unreadable) through the process's ns file. A refusal is remembered in
// refused_, which nothing else touches meanwhile: the caller waits for the thread.
NetnsFiles::Files NetnsFiles::open_entering(const NetnsRef& ns) {
  try {
    enter_netns(netns_entry_path(ns));
  } catch (const NetnsEntryError& e) {
    if (e.refused()) refused_.emplace(ns.inode, e.what());
    throw;
  }
  // The pid may have been reused since it was listed: open only the namespace that was listed.
  if (inode_of_link("/proc/thread-self/ns/net") != ns.inode) {
    throw std::runtime_error("netns " + std::to_string(ns.inode) + ": gone while being read");
  }
  // Opened here, the files go on reading this namespace after the thread ends.
  Files f;
  f.snmp = open_read_only("/proc/thread-self/net/snmp");
  f.netstat = open_read_only("/proc/thread-self/net/netstat");
  f.cookie = ns.cookie != 0 ? ns.cookie : socket_netns_cookie();
  return f;
}

NetnsFiles::Files NetnsFiles::open_files(const NetnsRef& ns) {
  Files f;
  f.cookie = ns.cookie;
  if (open_through_process(ns, f)) return f;
  if (auto it = refused_.find(ns.inode); it != refused_.end()) throw std::runtime_error(it->second);
  run_on_own_thread([&] { f = open_entering(ns); });
  return f;
}

void NetnsFiles::open_new(const std::vector<const NetnsRef*>& refs) {
  std::vector<const NetnsRef*> to_enter;
  for (const NetnsRef* r : refs) {
    if (open_.size() >= max_open_) return;
    if (open_.count(r->inode)) continue;
    Files f;
    f.cookie = r->cookie;
    try {
      if (open_through_process(*r, f)) {
        open_.emplace(r->inode, std::move(f));
        continue;
      }
    } catch (const std::exception&) {
      continue;  // read() tries again alone and reports why
    }
    if (!refused_.count(r->inode)) to_enter.push_back(r);
  }
  if (to_enter.empty()) return;
  // One thread enters every new namespace in turn: a thread per namespace
  // made the first scrape after many new namespaces slow.
  std::vector<std::pair<std::uint32_t, Files>> entered;
  run_on_own_thread([&] {
    for (const NetnsRef* r : to_enter) {
      try {
        entered.emplace_back(r->inode, open_entering(*r));
      } catch (const std::exception&) {
        // read() reports why, trying again unless it was refused.
      }
    }
  });
  for (auto& [inode, f] : entered) {
    if (open_.size() < max_open_) open_.emplace(inode, std::move(f));
  }
}

NetnsCounters NetnsFiles::read_files(const NetnsRef& ns, const Files& f, Buffers& bufs) {
  NetnsCounters n;
  n.inode = ns.inode;
  n.cookie = ns.cookie != 0 ? ns.cookie : f.cookie;
  n.name = ns.name;
  n.readable = true;
  counters_from_text(read_from_start(f.snmp.get(), bufs.snmp), read_from_start(f.netstat.get(), bufs.netstat), n);
  return n;
}

NetnsCounters NetnsFiles::read(const NetnsRef& ns) {
  auto it = open_.find(ns.inode);
  if (it == open_.end()) {
    Files f = open_files(ns);
    if (open_.size() >= max_open_) return read_files(ns, f, bufs_);  // closed on return
    it = open_.emplace(ns.inode, std::move(f)).first;
  }
  try {
    return read_files(ns, it->second, bufs_);
  } catch (const std::exception&) {
    open_.erase(it);  // opened afresh at the next scrape
    throw;
  }
}

// Reads refs[i] through files[i] where that is set, on up to `threads`
// threads; the calling thread is one of them. Each takes the next batch of
// kBatch namespaces until none is left, rather than a fixed share: a thread
// that starts late or is preempted would otherwise hold the whole scrape up
// (measured at 300 namespaces on 2 CPUs: fixed halves 14.3 ms median, four
// fixed quarters 12.5). open_ is not touched meanwhile, so the Files stay
// where they are; each result is written by the one thread that claimed it.
void NetnsFiles::read_open_files(const std::vector<const NetnsRef*>& refs, const std::vector<const Files*>& files,
                                 std::vector<Result>& out, unsigned threads) {
  constexpr std::size_t kBatch = 8;
  const std::size_t n = refs.size();
  std::atomic<std::size_t> next{0};
  auto read_batches = [&](Buffers& bufs) {
    for (std::size_t b; (b = next.fetch_add(kBatch, std::memory_order_relaxed)) < n;) {
      for (std::size_t i = b; i < std::min(n, b + kBatch); ++i) {
        if (!files[i]) continue;
        try {
          out[i].counters = read_files(*refs[i], *files[i], bufs);
        } catch (const std::exception& e) {
          out[i].error = e.what();
        }
      }
    }
  };
  const std::size_t workers = std::clamp<std::size_t>(n / kMinPerThread, 1, std::max(threads, 1u));
  std::vector<Buffers> bufs(workers - 1);
  std::vector<std::jthread> helpers;
  for (std::size_t k = 1; k < workers; ++k) helpers.emplace_back([&, k] { read_batches(bufs[k - 1]); });
  read_batches(bufs_);
}

std::vector<NetnsFiles::Result> NetnsFiles::read_all(const std::vector<const NetnsRef*>& refs, unsigned threads) {
  std::vector<Result> out(refs.size());
  std::vector<const Files*> files(refs.size(), nullptr);
  for (std::size_t i = 0; i < refs.size(); ++i) {
    auto it = open_.find(refs[i]->inode);
    if (it != open_.end()) files[i] = &it->second;
  }
  read_open_files(refs, files, out, threads);  // joins its threads before returning
  for (std::size_t i = 0; i < refs.size(); ++i) {
    if (files[i] && !out[i].error.empty()) {
      open_.erase(refs[i]->inode);  // opened afresh at the next scrape, as read() does
    } else if (!files[i]) {
      try {
        out[i].counters = read(*refs[i]);
      } catch (const std::exception& e) {
        out[i].error = e.what();
      }
    }
  }
  return out;
}

void NetnsFiles::close_unlisted(const std::vector<NetnsRef>& listed) {
  std::unordered_set<std::uint32_t> keep;
  keep.reserve(listed.size());
  for (const auto& r : listed) keep.insert(r.inode);
  std::erase_if(open_, [&](const auto& e) { return !keep.count(e.first); });
  std::erase_if(refused_, [&](const auto& e) { return !keep.count(e.first); });
}

}  // namespace retx
