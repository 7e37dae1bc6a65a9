#include "conn_reader.h"

#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "netns_exec.h"
#include "netns_scan.h"
#include "proc_text.h"
#include "view.h"

namespace retx::top {
namespace {

// TCP sockets hashed in the calling thread's namespace, IPv4 and IPv6
// (/proc/net/sockstat{,6} "inuse": listeners, connections, orphans; not
// time-wait). Unreadable counts as one, so nothing is skipped in error.
std::uint64_t tcp_sockets_here() {
  std::uint64_t n = 0;
  for (const char* f : {"/proc/thread-self/net/sockstat", "/proc/thread-self/net/sockstat6"}) {
    std::ifstream in(f);
    if (!in) return 1;
    std::stringstream ss;
    ss << in.rdbuf();
    n += tcp_inuse(ss.str());
  }
  return n;
}

}  // namespace

void ConnectionReader::resolve_cgroups(std::vector<Conn>& conns) {
  cgroups_.new_scrape();
  std::unordered_map<std::uint64_t, std::optional<std::string>> seen;
  for (auto& c : conns) {
    if (!c.cgroup_id) continue;
    auto it = seen.find(c.cgroup_id);
    if (it == seen.end()) it = seen.emplace(c.cgroup_id, cgroups_.path(c.cgroup_id)).first;
    if (it->second) c.cgroup = *it->second;
  }
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

ConnectionReader::ConnectionReader(std::unique_ptr<SocketReader> reader)
    : reader_(std::move(reader)), cgroups_(find_cgroup2_mount()) {
  try {
    own_netns_ = static_cast<std::uint32_t>(netns_inode("/proc/self/ns/net"));
  } catch (const std::exception&) {
    own_netns_ = 0;
  }
}

std::vector<Conn> ConnectionReader::read_all(const std::vector<std::string>& wanted, ReadReport* report) {
  std::vector<Conn> all;
  ReadReport rep;
  auto t0 = std::chrono::steady_clock::now();
  for (const auto& ns : list_namespaces()) {
    if (!netns_wanted(ns.inode, ns.name, wanted)) continue;
    const std::size_t first = all.size();
    // A namespace with no TCP socket at all is not walked: each iterator
    // scans the whole (global) established hash for its namespace's sockets.
    auto read = [&] {
      std::uint64_t n = tcp_sockets_here();
      if (n == 0) return;
      all.reserve(all.size() + n + n / 8);  // growing a vector of 10k Conns moved megabytes
      reader_->read_here(all);
    };
    try {
      if (ns.inode == own_netns_) {
        read();  // no thread needed for our own namespace
      } else {
        run_in_netns(netns_entry_path(ns), read);
      }
    } catch (const std::exception& e) {
      all.resize(first);
      ++rep.failed;
      rep.last_error = "netns " + std::to_string(ns.inode) + ": " + e.what();
      continue;
    }
    ++rep.namespaces;
    const bool clean_means_zero = reader_->reads_probe_storage();
    for (std::size_t i = first; i < all.size(); ++i) {
      Conn& c = all[i];
      if (!c.netns) c.netns = ns.inode;
      c.netns_name = ns.name;
      if (clean_means_zero && !c.causes && c.retrans_segs == 0) c.causes = Causes{};
    }
  }
  rep.sockets_ms = ms_since(t0);
  t0 = std::chrono::steady_clock::now();
  owners_.resolve(all, *reader_);
  rep.owners_ms = ms_since(t0);
  t0 = std::chrono::steady_clock::now();
  resolve_cgroups(all);
  rep.cgroups_ms = ms_since(t0);
  if (report) *report = rep;
  return all;
}

std::vector<std::string> unmatched_netns(const std::vector<std::string>& wanted) {
  auto namespaces = list_namespaces();
  std::vector<std::string> out;
  for (const auto& w : wanted) {
    bool hit = false;
    for (const auto& ns : namespaces) hit = hit || netns_wanted(ns.inode, ns.name, {w});
    if (!hit) out.push_back(w);
  }
  return out;
}

}  // namespace retx::top
