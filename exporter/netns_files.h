// Reads each namespace's SNMP counters (/proc/net/snmp and netstat: the
// denominator of the retransmission ratio, the DSACK and undo evidence) at
// every scrape, through files opened once per namespace.
//
// Opening them is the costly part: a path lookup and an open and close per
// file, and for a namespace that only a /run/netns bind mount keeps, a thread
// that enters it. So the two files stay open from one scrape to the next and
// are re-read with pread from offset 0, which makes the kernel's seq_file
// print the counters of that instant again: every value is as fresh as a new
// open would give, nothing is cached but the descriptors.
//
// An open /proc/.../net file holds its namespace alive. close_unlisted must
// therefore run at every scrape with that scrape's listing: a namespace no
// longer listed (last process gone, bind mount removed) is released at the
// scrape that sees it go, the one that drops its series. And while its files
// are held its inode cannot be given to a new namespace, so an inode listed
// again is the namespace the files were opened in.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "netns_scan.h"
#include "snapshot.h"
#include "unique_fd.h"

namespace retx {

class NetnsFiles {
 public:
  // Keeps files for at most half of RLIMIT_NOFILE's soft limit (two per
  // namespace); namespaces beyond that are opened and closed at each scrape.
  NetnsFiles();

  // ns's counters as the kernel has them now, its files opened first if they
  // are not yet. A namespace entered through its bind mount also gets its
  // cookie (SO_NETNS_COOKIE) when ns.cookie is unknown. Throws
  // std::runtime_error when it cannot be read (vanished, no privilege).
  NetnsCounters read(const NetnsRef& ns);

  // Opens the files of those of `refs` not open yet, entering all those that
  // need it on one thread. Failures are left for read() to report.
  void open_new(const std::vector<const NetnsRef*>& refs);

  // One namespace's counters, or why they could not be read.
  struct Result {
    NetnsCounters counters;
    std::string error;  // empty: counters are read
  };
  // read() of every namespace of refs, in order. Those whose files are open
  // are read on up to `threads` threads at once (one per kMinPerThread
  // namespaces at most), each taking the next few until none is left: with
  // hundreds of namespaces, the kernel printing their snmp and netstat is
  // most of a scrape, and it runs on the CPU of the thread that reads. The
  // others are opened and read on the calling thread after.
  std::vector<Result> read_all(const std::vector<const NetnsRef*>& refs, unsigned threads);
  static constexpr std::size_t kMinPerThread = 32;

  // Closes the files of every namespace not in `listed`, and forgets the
  // refusals of those.
  void close_unlisted(const std::vector<NetnsRef>& listed);

  // Closes every file: scrapes stopped, so nothing should hold a namespace.
  void close_all() { open_.clear(); }

  std::size_t namespaces_open() const { return open_.size(); }

 private:
  struct Files {
    UniqueFd snmp, netstat;
    std::uint64_t cookie = 0;  // read on entering the namespace; 0 when not entered
  };
  static bool open_through_process(const NetnsRef& ns, Files& f);
  Files open_entering(const NetnsRef& ns);
  Files open_files(const NetnsRef& ns);
  struct Buffers {
    std::vector<char> snmp, netstat;  // reused: no allocation per namespace
  };
  static NetnsCounters read_files(const NetnsRef& ns, const Files& f, Buffers& bufs);
  void read_open_files(const std::vector<const NetnsRef*>& refs, const std::vector<const Files*>& files,
                       std::vector<Result>& out, unsigned threads);

  std::unordered_map<std::uint32_t, Files> open_;  // by namespace inode
  // Namespaces this process was refused entry to (NetnsEntryError::refused),
  // with why, by inode, for as long as they stay listed: each try costs a
  // thread and a setns, and privileges dropped at start never come back.
  std::unordered_map<std::uint32_t, std::string> refused_;
  std::size_t max_open_ = 0;
  Buffers bufs_;  // of the calling thread
};

}  // namespace retx
