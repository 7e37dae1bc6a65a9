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

  // Walks and marks each listed namespace not marked yet, entered through
  // netns_entry_path; one whose cookie is unknown (0) is entered to learn it.
  // A namespace gone since the listing is skipped. Returns how many it marked.
  std::size_t seed(const std::vector<NetnsRef>& refs);
  // Whether the namespace with this cookie still needs its pass.
  bool pending(std::uint64_t cookie) const { return !marked_.contains(cookie) && !full_.contains(cookie); }
  // Unmarks the namespaces not in alive (cookies): they are gone. Called
  // only with a complete listing.
  void keep_only(const std::unordered_set<std::uint64_t>& alive);

  std::size_t marked() const { return marked_.size(); }
  std::uint64_t sockets_seeded() const;  // sockets given a baseline so far
  // Living namespaces netns_seeded had no room for: walked once, never marked.
  std::size_t unmarked() const { return full_.size(); }

 private:
  std::uint64_t walk(const std::string& path) const;

  struct ::retx_seed* skel_ = nullptr;
  struct bpf_link* link_ = nullptr;
  int seeded_fd_;
  std::unordered_set<std::uint64_t> marked_, full_;
};

}  // namespace retx
