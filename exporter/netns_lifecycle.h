// Namespaces that come and go: which counter rows belong to living
// namespaces (exported), and which belong to dead ones (deleted from the
// maps). Pure: the collector supplies what the maps and the namespace scan
// held at one scrape, and deletes what this decides.
//
// A namespace is alive while a process (or thread) is in it or a bind mount
// keeps it (the namespace scan). Its rows are exported only while it is
// alive, so a new namespace that got a dead one's inode starts from 0, and a
// dead one's series disappear at the first scrape that finds it gone. Its map
// entries are deleted at the second such scrape in a row: a namespace the
// scan missed once (it was being set up) loses nothing, and nothing alive is
// ever deleted.
#pragma once

#include <cstdint>
#include <unordered_set>
#include <vector>

#include "snapshot.h"

namespace retx {

// The living namespaces at one scrape, in the terms the probe's keys use.
struct LiveNamespaces {
  bool by_cookie = false;  // keys carry cookies that can be matched (else rows are matched by inode)
  std::unordered_set<std::uint64_t> ids;  // identities of the living namespaces: cookies, or inodes
  // by_cookie: living namespaces whose cookie could not be read this scrape;
  // every row with such an inode is kept, whatever its cookie.
  std::unordered_set<std::uint32_t> unsure;
  // false when part of the listing failed: rows are still filtered for
  // export, but nothing is deleted and no death is recorded this scrape.
  bool complete = true;

  // What identifies the key's namespace: its cookie, or its inode.
  std::uint64_t identity(const retx_key& k) const { return by_cookie ? k.netns_cookie : k.netns; }
  bool alive(const retx_key& k) const { return ids.count(identity(k)) > 0 || (by_cookie && unsure.count(k.netns) > 0); }
};

class NetnsLifecycle {
 public:
  // Removes the rows of dead namespaces from each list (in place) and returns,
  // per list, the keys to delete now: those whose namespace was dead at the
  // previous scrape too.
  std::vector<std::vector<retx_key>> step(const std::vector<std::vector<CounterRow>*>& lists,
                                          const LiveNamespaces& live);
  // Namespaces seen alive (or with rows) that are now gone, rows deleted.
  std::uint64_t removed_total() const { return removed_total_; }

 private:
  std::unordered_set<std::uint64_t> dead_before_;  // identities with rows, dead at the previous scrape
  std::unordered_set<std::uint64_t> alive_before_;
  std::uint64_t removed_total_ = 0;
};

}  // namespace retx
