#include "conn_reader.h"

#include "netns_exec.h"
#include "netns_scan.h"
#include "view.h"

namespace retx::top {
namespace {

// A file that enters the namespace: its bind mount, else a process in it.
std::string entry_path(const NetnsRef& ns) {
  return ns.path.empty() ? "/proc/" + std::to_string(ns.pid) + "/ns/net" : ns.path;
}

}  // namespace

ConnectionReader::ConnectionReader(std::unique_ptr<SocketReader> reader) : reader_(std::move(reader)) {
  try {
    own_netns_ = static_cast<std::uint32_t>(netns_inode("/proc/self/ns/net"));
  } catch (const std::exception&) {
    own_netns_ = 0;
  }
}

std::vector<Conn> ConnectionReader::read_all(const std::vector<std::string>& wanted, ReadReport* report) {
  std::vector<Conn> all;
  ReadReport rep;
  for (const auto& ns : list_namespaces()) {
    if (!netns_wanted(ns.inode, ns.name, wanted)) continue;
    std::vector<Conn> got;
    try {
      if (ns.inode == own_netns_) {
        got = reader_->read_here();  // no thread needed for our own namespace
      } else {
        run_in_netns(entry_path(ns), [&] { got = reader_->read_here(); });
      }
    } catch (const std::exception& e) {
      ++rep.failed;
      rep.last_error = "netns " + std::to_string(ns.inode) + ": " + e.what();
      continue;
    }
    ++rep.namespaces;
    for (auto& c : got) {
      if (!c.netns) c.netns = ns.inode;
      c.netns_name = ns.name;
      all.push_back(std::move(c));
    }
  }
  owners_.resolve(all);
  cgroups_.resolve(all);
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
