// Per-socket baselines only for sockets that retransmit (bpf/retx.bpf.c,
// netns_seeded). Each namespace gets one seed pass (bpf/retx_seed.bpf.c),
// from a thread inside it, that gives its retransmitted sockets their
// baselines; then it is marked, and from then on the probe gives no state to
// a connection until it retransmits. The collector walks every namespace when
// it starts, and each new one at the first scrape that lists it; until then,
// and for one the seeder cannot enter, the probe keeps a baseline for every
// connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "netns_scan.h"

struct retx_seed;  // generated skeleton
struct bpf_link;

namespace retx {

class BaselineSeeder {
 public:
  // The probe's socket storage, stats and netns_seeded maps. Throws
  // std::runtime_error naming the step the kernel refused.
  BaselineSeeder(int sk_storage_map_fd, int stats_map_fd, int seeded_map_fd);
  ~BaselineSeeder();
  BaselineSeeder(const BaselineSeeder&) = delete;
  BaselineSeeder& operator=(const BaselineSeeder&) = delete;

  // Walks and marks each listed namespace it has not tried yet, entered
  // through netns_entry_path. One whose cookie is unknown (0) is entered to
  // learn it only with enter_unknown (at start: a scrape would enter it at
  // every scrape just to find it walked). Each namespace is tried once: one
  // it cannot enter (no cap_sys_admin, or gone since the listing) or cannot
  // mark (netns_seeded full) keeps a baseline for every connection. Returns
  // how many it marked.
  std::size_t seed(const std::vector<NetnsRef>& refs, bool enter_unknown);
  // Unmarks the namespaces not in alive (cookies): they are gone. Called
  // only with a complete listing.
  void keep_only(const std::unordered_set<std::uint64_t>& alive);

  std::size_t marked() const { return marked_.size(); }
  std::uint64_t sockets_seeded() const;  // sockets given a baseline so far

 private:
  bool tried(std::uint64_t cookie) const { return marked_.contains(cookie) || failed_.contains(cookie); }
  std::uint64_t walk(const std::string& path) const;

  struct ::retx_seed* skel_ = nullptr;
  struct bpf_link* link_ = nullptr;
  int seeded_fd_;
  std::unordered_set<std::uint64_t> marked_, failed_;  // by cookie
};

}  // namespace retx
